// The subscriptions of one client across connections: (re)subscribing with `since` from the
// last `pos` seen per channel, routing event frames to the subscriptions holding their channel,
// and unsubscribing only the channels no other subscription still holds.
import { OdinRequestError } from './errors.js';
import { MAX_PER_REQUEST } from './protocol.js';

export class Registry {
  /** @type {Set<import('./subscription.js').Subscription>} in creation order */
  subs = new Set();
  /** @type {Map<string, Set<any>>} confirmed channel -> subscriptions holding it */
  holders = new Map();
  /** @type {Map<string, string>} channel -> last `pos` seen (kept across connections) */
  lastPos = new Map();
  /** channel -> recovered?, for the current connection's resubscriptions */
  #round = new Map();

  /** @param {(message: object, done: (error, reply) => void) => void} request sends; `done`
   *  runs when the reply (or the error) arrives */
  constructor(request, reportError) {
    this.request = request;
    this.reportError = reportError;
  }

  add(sub) {
    this.subs.add(sub);
  }

  /** A new connection: every live subscription is sent again, in creation order. */
  resubscribeAll(reconnect) {
    this.holders.clear();
    this.#round.clear();
    for (const sub of this.subs) this.subscribe(sub, reconnect && sub.channels.length > 0);
  }

  /** The connection dropped: nothing is confirmed until the next connection says so. */
  disconnected() {
    this.holders.clear();
    for (const sub of this.subs) sub.state = 'subscribing';
  }

  subscribe(sub, reconnect) {
    const message = { type: 'subscribe', ...sub.request };
    if (sub.options.snapshot) message.snapshot = true;
    if (sub.options.mode) message.mode = sub.options.mode;
    const since = reconnect ? this.#sinceFor(sub) : {};
    if (Object.keys(since).length) message.since = since;
    this.request(message, (error, reply) => {
      if (!error) return this.#confirmed(sub, reply, since, reconnect);
      if (error instanceof OdinRequestError) this.#refused(sub, error, reconnect);
      // else disconnected: the next connection sends it again
    });
  }

  #sinceFor(sub) {
    const since = {};
    for (const channel of sub.channels) {
      // one replay per channel even when several subscriptions hold it
      if (!this.lastPos.has(channel) || this.#round.has(channel)) continue;
      since[channel] = this.lastPos.get(channel);
      this.#round.set(channel, false);
    }
    return since;
  }

  #refused(sub, error, reconnect) {
    if (error.code === 'invalid_position' && error.request?.since) {
      // positions of another cluster or a reset log: start afresh, reported as not recovered
      for (const channel of Object.keys(error.request.since)) this.lastPos.delete(channel);
      return this.subscribe(sub, reconnect);
    }
    this.subs.delete(sub);
    if (sub.state === 'subscribing' || sub.state === 'subscribed') sub._failed(error);
  }

  #confirmed(sub, reply, since, reconnect) {
    const channels = Array.isArray(reply.channels) ? reply.channels : [];
    if (!this.subs.has(sub)) {  // unsubscribe() was called while the request was on its way
      this.#release(sub, channels);
      return;
    }
    for (const channel of channels) {
      let set = this.holders.get(channel);
      if (!set) this.holders.set(channel, (set = new Set()));
      set.add(sub);
    }
    const info = { channels, reconnect: Boolean(reconnect) };
    if (reconnect) info.recovered = this.#recovered(channels, since, reply.recovered);
    if (reply.recovered && !reconnect) info.recovered = { ...reply.recovered };
    if (info.recovered) info.lost = channels.filter((c) => info.recovered[c] === false);
    sub._subscribed(info);
  }

  // After a reconnect every channel is reported: true only where the server confirmed the
  // replay; a channel without a known position (an older server, or no event seen) is false.
  #recovered(channels, since, fromServer) {
    const recovered = {};
    for (const channel of channels) {
      if (channel in since) {
        recovered[channel] = fromServer?.[channel] === true;
        this.#round.set(channel, recovered[channel]);
      } else {
        recovered[channel] = this.#round.get(channel) ?? false;
      }
    }
    return recovered;
  }

  /** Routes an event frame; returns false when no subscription holds its channel. */
  dispatch(frame) {
    const subs = this.holders.get(frame.channel);
    if (!subs || subs.size === 0) return false;
    if (typeof frame.pos === 'string') {
      if (!frame.snapshot && this.lastPos.get(frame.channel) === frame.pos) return true;  // seam
      this.lastPos.set(frame.channel, frame.pos);
    }
    for (const sub of subs) sub._deliver(frame);
    return true;
  }

  /** Removes `sub`; sends unsubscribe for the channels nobody else holds (when connected). */
  async unsubscribe(sub, connected) {
    if (!this.subs.delete(sub)) return;
    const wasConfirmed = sub.state === 'subscribed';
    sub._ended();
    if (wasConfirmed && connected) await this.#release(sub, sub.channels);
    else this.#forget(sub, sub.channels);
  }

  #forget(sub, channels) {
    const orphaned = [];
    for (const channel of channels) {
      const set = this.holders.get(channel);
      set?.delete(sub);
      if (set && set.size > 0) continue;
      this.holders.delete(channel);
      if (![...this.subs].some((s) => s.channels.includes(channel))) {
        this.lastPos.delete(channel);
        orphaned.push(channel);
      }
    }
    return orphaned;
  }

  #release(sub, channels) {
    const orphaned = this.#forget(sub, channels);
    const parts = [];
    for (let i = 0; i < orphaned.length; i += MAX_PER_REQUEST) {
      const part = orphaned.slice(i, i + MAX_PER_REQUEST);
      parts.push(new Promise((resolve) => {
        this.request({ type: 'unsubscribe', channels: part }, (error) => {
          if (error instanceof OdinRequestError && error.code !== 'not_subscribed') {
            this.reportError(error);
          }
          resolve();
        });
      }));
    }
    return Promise.all(parts).then(() => {});
  }
}
