// OdinStream: one WebSocket connection to an Odin Stream gateway, kept open (reconnect with
// backoff + full jitter, Retry-After, close codes), its subscriptions resubscribed on every
// connection (with `since` positions when the server sends them), requests matched to replies
// by id, tokens on the URL and refreshed before they expire. See clients/js/README.md.
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { Emitter } from './emitter.js';
import { OdinError, OdinRequestError } from './errors.js';
import { CLOSE, FATAL_CLOSE_CODES } from './protocol.js';
import { Registry } from './registry.js';
import { Subscription } from './subscription.js';
import { refreshDelay, tokenExpiry, urlWithToken } from './token.js';
import { dropSocket, resolveWebSocket, watchUpgradeRefusal } from './transport.js';

const OPEN = 1;

const systemClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
});

const defaults = Object.freeze({
  autoConnect: true,
  reconnect: true,
  minReconnectDelay: 500,
  maxReconnectDelay: 20000,
  slowClientDelay: 2000,
  pingInterval: 25000,
  pongTimeout: 10000,
  refreshBefore: 30000,
});

export class OdinStream extends Emitter {
  #options;
  #clock;
  #random;
  #registry;
  #socket = null;
  #epoch = 0;  // bumps on every connect attempt and close(): stale callbacks see a new epoch
  #wanted = false;  // connect() called and close() not since
  #attempt = 0;
  #timers = { reconnect: null, ping: null, pong: null, refresh: null };
  #pending = new Map();  // id -> {resolve, reject, message}
  #nextId = 1;
  #token = null;
  #refusal = null;  // what the last refused upgrade said (Node 'ws' only)
  #everConnected = false;

  /**
   * @param {string} url ws:// or wss:// URL of the gateway, e.g. ws://127.0.0.1:3002/ws
   * @param {object} [options] see clients/js/README.md
   */
  constructor(url, options = {}) {
    super((error, event) => this.#listenerFailed(error, event));
    this.url = String(url);
    this.#options = { ...defaults, ...options };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#token = options.token ?? null;
    this.#registry = new Registry((m, done) => this.#send(m, done), (e) => this.emit('error', e));
    /** @type {'disconnected'|'connecting'|'connected'} */
    this.state = 'disconnected';
    if (this.#options.autoConnect) queueMicrotask(() => this.#wanted || this.connect());
  }

  /** Opens the connection (and keeps it open) if it is not already. */
  connect() {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#attempt = 0;
    this.#open();
  }

  /** Closes the connection for good (until connect()); subscriptions are kept. */
  close() {
    this.#wanted = false;
    this.#epoch++;
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    if (socket) dropSocket(socket, CLOSE.NORMAL, 'client closed');
    this.#failPending(new OdinError('closed', 'the client was closed'));
    if (this.state !== 'disconnected') {
      this.#setState('disconnected', { code: CLOSE.NORMAL, reason: 'client closed', willReconnect: false });
    }
  }

  /**
   * Subscribes to a bundle × tokens and/or channels.
   * @returns {Subscription}
   */
  subscribe(request, options = {}) {
    const sub = new Subscription(this, pickRequest(request), options,
      (error, event) => this.#listenerFailed(error, event));
    this.#registry.add(sub);
    if (this.state === 'connected') this.#registry.subscribe(sub, false);
    return sub;
  }

  /** Subscriptions not yet unsubscribed or failed, in creation order. */
  subscriptions() {
    return [...this.#registry.subs];
  }

  /** The last `pos` seen per channel (what a reconnect resubscribes `since`). */
  positions() {
    return Object.fromEntries(this.#registry.lastPos);
  }

  /** Round trip to the server in milliseconds (an application-level ping). */
  async ping() {
    const started = this.#clock.now();
    await this.#request({ type: 'ping' }, this.#options.pongTimeout);
    return this.#clock.now() - started;
  }

  _unsubscribe(sub) {
    return this.#registry.unsubscribe(sub, this.state === 'connected');
  }

  // --- connecting ---------------------------------------------------------------------------

  async #open() {
    const epoch = ++this.#epoch;
    this.#setState('connecting', { attempt: this.#attempt });
    let socket;
    try {
      const token = await this.#tokenForConnect();
      const WebSocketImpl = await resolveWebSocket(this.#options.WebSocket);
      if (epoch !== this.#epoch) return;
      socket = new WebSocketImpl(urlWithToken(this.url, token));
    } catch (error) {
      if (epoch !== this.#epoch) return;
      this.emit('error', error instanceof OdinError ? error
        : new OdinError('disconnected', `cannot connect: ${error?.message ?? error}`, { cause: error }));
      if (error?.code === 'no_websocket') return this.#stop({ code: CLOSE.ABNORMAL, reason: error.message });
      return this.#scheduleReconnect({ code: CLOSE.ABNORMAL, reason: String(error?.message ?? error) });
    }
    this.#socket = socket;
    this.#refusal = null;
    if (typeof socket.on === 'function') socket.on('error', () => {});  // 'ws': close follows
    watchUpgradeRefusal(socket, (refusal) => { this.#refusal = refusal; });
    socket.onopen = () => this.#onOpen(socket);
    socket.onmessage = (event) => this.#onMessage(socket, event.data);
    socket.onclose = (event) => this.#onClose(socket, event.code, event.reason);
    socket.onerror = () => {};
  }

  async #tokenForConnect() {
    const { getToken, refreshBefore } = this.#options;
    if (typeof getToken !== 'function') return this.#token;
    const expiry = this.#token ? tokenExpiry(this.#token) : null;
    if (this.#token && (expiry === null || expiry - this.#clock.now() > refreshBefore / 2)) {
      return this.#token;
    }
    return this.#fetchToken();
  }

  async #fetchToken() {
    let token;
    try {
      token = await this.#options.getToken();
    } catch (cause) {
      throw new OdinError('token_refresh', `getToken() failed: ${cause?.message ?? cause}`, { cause });
    }
    if (typeof token !== 'string' || token === '') {
      throw new OdinError('token_refresh', 'getToken() must return a non-empty string');
    }
    this.#token = token;
    return token;
  }

  #onOpen(socket) {
    if (socket !== this.#socket) return;
    const reconnect = this.#everConnected;
    this.#everConnected = true;
    this.#attempt = 0;
    this.#setState('connected', { reconnect });
    this.#schedulePing();
    this.#scheduleRefresh();
    this.#registry.resubscribeAll(reconnect);
  }

  #onMessage(socket, data) {
    if (socket !== this.#socket) return;
    let frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      frame = null;
    }
    if (frame === null || typeof frame !== 'object') {
      return this.emit('error', new OdinError('bad_frame', 'the server sent a frame that is not a JSON object'));
    }
    this.#schedulePongTimeout(false);
    if (frame.type === 'event') return void this.#registry.dispatch(frame);
    this.#onReply(frame);
  }

  #onReply(frame) {
    const pending = frame.id === undefined ? undefined : this.#pending.get(frame.id);
    if (!pending) {
      if (frame.type === 'error') {
        this.emit('error', new OdinRequestError(frame.code, frame.message ?? '', null));
      }
      return;  // a reply type this client does not know: ignored (forward compatible)
    }
    this.#pending.delete(frame.id);
    if (pending.timer) this.#clock.clearTimeout(pending.timer);
    if (frame.type === 'error') {
      pending.done(new OdinRequestError(frame.code, frame.message ?? '', pending.message));
    } else {
      pending.done(null, frame);
    }
  }

  #onClose(socket, code, reason) {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#clearTimers();
    this.#failPending(new OdinError('disconnected', `connection closed (${code})`));
    const refusal = this.#refusal;
    this.#refusal = null;
    const detail = { code, reason: reason ?? '' };
    if (refusal) detail.status = refusal.status;
    if (!this.#wanted) return;
    if (FATAL_CLOSE_CODES.includes(code)) {
      this.emit('error', new OdinError('protocol_error',
        `the server closed the connection with ${code} (${reason}): not reconnecting`));
      return this.#stop(detail);
    }
    const tokenRefused = code === CLOSE.TOKEN_EXPIRED || refusal?.status === 401 || refusal?.status === 403;
    if (tokenRefused) {
      if (typeof this.#options.getToken !== 'function') {
        this.emit('error', new OdinError('token_expired',
          'the server refused the token and there is no getToken() to get a new one'));
        return this.#stop(detail);
      }
      this.#token = null;  // the next connect asks getToken()
    }
    if (refusal) {
      this.emit('error', new OdinError('upgrade_refused', `the server answered the upgrade with HTTP ${refusal.status}`));
    }
    this.#scheduleReconnect(detail, refusal);
  }

  #scheduleReconnect(detail, refusal) {
    if (!this.#options.reconnect) return this.#stop(detail);
    const o = this.#options;
    let delay = backoffDelay(this.#attempt, { minDelay: o.minReconnectDelay, maxDelay: o.maxReconnectDelay }, this.#random);
    if (detail.code === CLOSE.SLOW_CLIENT) delay = Math.max(delay, o.slowClientDelay);
    if (detail.code === CLOSE.GOING_AWAY && this.#attempt === 0) {
      delay = Math.floor(this.#random() * o.minReconnectDelay);  // a deploy: come back soon
    }
    const retryAfter = parseRetryAfter(refusal?.headers?.['retry-after'], this.#clock.now());
    if (retryAfter !== null) delay = Math.max(delay, retryAfter);
    this.#attempt++;
    this.#setState('disconnected', { ...detail, willReconnect: true, delay });
    this.#timers.reconnect = this.#clock.setTimeout(() => {
      this.#timers.reconnect = null;
      if (this.#wanted) this.#open();
    }, delay);
  }

  #stop(detail) {
    this.#wanted = false;
    this.#setState('disconnected', { ...detail, willReconnect: false });
  }

  #setState(state, detail = {}) {
    const previous = this.state;
    this.state = state;
    if (state === 'disconnected') this.#registry.disconnected();
    this.emit('state', state, { previous, ...detail });
    this.emit(state, detail);
  }

  // --- requests, keep-alive, token refresh --------------------------------------------------

  #request(message, timeout) {
    return new Promise((resolve, reject) => {
      this.#send(message, (error, reply) => (error ? reject(error) : resolve(reply)), timeout);
    });
  }

  // Sends a request with a fresh id; `done(error, reply)` runs synchronously when its reply is
  // read, before any later frame is handled (so events right after a `subscribed` are routed).
  #send(message, done, timeout) {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN || this.state !== 'connected') {
      return done(new OdinError('disconnected', 'not connected'));
    }
    const id = this.#nextId++;
    const full = { ...message, id };
    const pending = { done, message: full, timer: null };
    if (timeout) {
      pending.timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        done(new OdinError('timeout', `no reply to ${message.type} within ${timeout} ms`));
      }, timeout);
    }
    this.#pending.set(id, pending);
    socket.send(JSON.stringify(full));
  }

  #failPending(error) {
    for (const pending of this.#pending.values()) {
      if (pending.timer) this.#clock.clearTimeout(pending.timer);
      pending.done(error);
    }
    this.#pending.clear();
  }

  // A ping every pingInterval; no frame at all within pongTimeout after it = a dead
  // connection (dropped and reconnected). Any frame from the server counts as alive.
  #schedulePing() {
    if (!this.#options.pingInterval) return;
    this.#clock.clearTimeout(this.#timers.ping);
    this.#timers.ping = this.#clock.setTimeout(() => {
      this.#timers.ping = null;
      this.#request({ type: 'ping' }).catch(() => {});
      this.#schedulePongTimeout(true);
    }, this.#options.pingInterval);
  }

  #schedulePongTimeout(arm) {
    if (!arm) {
      if (this.#timers.pong) this.#clock.clearTimeout(this.#timers.pong);
      this.#timers.pong = null;
      if (this.#timers.ping === null && this.state === 'connected') this.#schedulePing();
      return;
    }
    const socket = this.#socket;
    this.#timers.pong = this.#clock.setTimeout(() => {
      if (socket !== this.#socket) return;
      dropSocket(socket, CLOSE.NORMAL, 'ping timeout');
      this.#onClose(socket, CLOSE.ABNORMAL, 'no answer to ping');
    }, this.#options.pongTimeout);
  }

  #scheduleRefresh() {
    const { getToken, refreshBefore } = this.#options;
    if (typeof getToken !== 'function' || !this.#token) return;
    const expiry = tokenExpiry(this.#token);
    if (expiry === null) return;
    const delay = refreshDelay(expiry, this.#clock.now(), refreshBefore);
    if (delay === null) return;  // already expired: the server will close with 4001
    this.#clock.clearTimeout(this.#timers.refresh);
    this.#timers.refresh = this.#clock.setTimeout(() => {
      this.#timers.refresh = null;
      this.#refreshToken();
    }, delay);
  }

  async #refreshToken() {
    const epoch = this.#epoch;
    try {
      const token = await this.#fetchToken();
      if (epoch !== this.#epoch || this.state !== 'connected') return;
      await this.#request({ type: 'auth', token });
      this.emit('token', { applied: true });
    } catch (error) {
      if (error instanceof OdinRequestError && error.code === 'unknown_type') {
        this.emit('token', { applied: false });  // a server without `auth`: used on reconnect
      } else if (error?.code !== 'disconnected' && error?.code !== 'closed') {
        this.emit('error', error);
      }
    }
    if (epoch === this.#epoch && this.state === 'connected') this.#scheduleRefresh();
  }

  #clearTimers() {
    for (const name of Object.keys(this.#timers)) {
      if (this.#timers[name] !== null) this.#clock.clearTimeout(this.#timers[name]);
      this.#timers[name] = null;
    }
  }

  #listenerFailed(error, event) {
    if (event === 'error') {
      console.error('odin-stream: an error listener threw', error);
      return;
    }
    this.emit('error', new OdinError('handler_error', `a '${event}' handler threw: ${error?.message ?? error}`, { cause: error }));
  }
}

function pickRequest(request) {
  if (!request || typeof request !== 'object') {
    throw new TypeError('subscribe() needs {bundle, tokens} and/or {channels}');
  }
  const { bundle, tokens, channels } = request;
  if (bundle === undefined && channels === undefined) {
    throw new TypeError('subscribe() needs {bundle, tokens} and/or {channels}');
  }
  const picked = {};
  if (bundle !== undefined) picked.bundle = bundle;
  if (tokens !== undefined) picked.tokens = [...tokens];
  if (channels !== undefined) picked.channels = [...channels];
  return picked;
}
