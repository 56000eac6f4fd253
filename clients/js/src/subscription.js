// A subscription handle: what the application asked for, the channels the server confirmed,
// its callbacks and events. Created by OdinStream.subscribe(); the client drives it.
import { Emitter } from './emitter.js';
import { OdinError } from './errors.js';

/**
 * States: 'subscribing' (request sent or waiting for a connection), 'subscribed',
 * 'unsubscribed' (by unsubscribe()), 'failed' (the server refused it; see the error).
 */
export class Subscription extends Emitter {
  #client;
  #resolveReady;
  #rejectReady;

  constructor(client, request, options, onListenerError) {
    super(onListenerError);
    this.#client = client;
    /** The request as given: {bundle, tokens} and/or {channels}. */
    this.request = Object.freeze({ ...request });
    this.options = Object.freeze({ ...options });
    /** @type {'subscribing'|'subscribed'|'unsubscribed'|'failed'} */
    this.state = 'subscribing';
    /** Channels the server confirmed (bundle expanded), in its order. */
    this.channels = [];
    /** Resolves with the first `subscribed` info; rejects with the error if it was refused. */
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {});  // handled by whoever awaits it, or by onError/'error'
  }

  /** Stops the subscription; resolves once the server confirmed (at once if offline). */
  unsubscribe() {
    return this.#client._unsubscribe(this);
  }

  _subscribed(info) {
    this.state = 'subscribed';
    this.channels = info.channels;
    this.#resolveReady(info);
    this.#call('onSubscribed', info);
    this.emit('subscribed', info);
  }

  _failed(error) {
    this.state = 'failed';
    this.#rejectReady(error);
    this.#call('onError', error);
    this.emit('error', error);
  }

  _deliver(event) {
    this.#call('onEvent', event);
    this.emit('event', event);
  }

  _ended() {
    this.state = 'unsubscribed';
    this.#rejectReady(new OdinError('unsubscribed', 'unsubscribed before the server confirmed'));
    this.emit('unsubscribed');
  }

  #call(name, arg) {
    const fn = this.options[name];
    if (typeof fn !== 'function') return;
    try {
      fn(arg);
    } catch (error) {
      this.onListenerError(error, name);
    }
  }
}
