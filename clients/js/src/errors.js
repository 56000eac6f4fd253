// Errors surfaced by the client. Every one has a machine-readable `.code`:
// - OdinRequestError: the server refused a request; `.code` is the protocol's error code
//   (docs/protocol.md section 7: "unknown_bundle", "invalid_channel", ...).
// - OdinError: everything else, with a client code (see CLIENT_ERROR_CODES).

/** Error codes the gateway sends in `error` replies (docs/protocol.md section 7). */
export const SERVER_ERROR_CODES = Object.freeze([
  'invalid_json', 'invalid_request', 'unknown_type', 'unknown_bundle', 'invalid_token',
  'invalid_channel', 'unknown_kind', 'empty_tokens', 'too_many_tokens',
  'too_many_subscriptions', 'not_subscribed', 'invalid_position', 'forbidden',
]);

/** Error codes of the client itself. */
export const CLIENT_ERROR_CODES = Object.freeze([
  'disconnected',     // the connection dropped before the request was answered
  'closed',           // close() was called
  'timeout',          // no answer in time (ping)
  'protocol_error',   // the server closed with 1002/1003/1007/1009: a client bug; no reconnect
  'token_expired',    // close 4001 or HTTP 401/403 and no getToken() to get a new token
  'token_refresh',    // getToken() threw or returned something that is not a string
  'upgrade_refused',  // the server answered the upgrade with an HTTP status (Node 'ws' only)
  'no_websocket',     // no WebSocket implementation: pass {WebSocket} or install 'ws'
  'handler_error',    // a callback of the application threw (the error is `.cause`)
  'bad_frame',        // the server sent something that is not a JSON object
  'unsubscribed',     // unsubscribe() was called before the server confirmed the subscription
]);

export class OdinError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'OdinError';
    this.code = code;
  }
}

export class OdinRequestError extends OdinError {
  /**
   * @param {string} code the server's error code
   * @param {string} message the server's message (for humans; may change)
   * @param {object} request the request that was refused
   */
  constructor(code, message, request) {
    super(code, message);
    this.name = 'OdinRequestError';
    this.request = request;
  }
}
