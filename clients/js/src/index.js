// @odin-stream/client: a WebSocket client for Odin Stream, for browsers and Node >= 18.
export { OdinStream } from './client.js';
export { Subscription } from './subscription.js';
export { OdinError, OdinRequestError, SERVER_ERROR_CODES, CLIENT_ERROR_CODES } from './errors.js';
export { BUNDLES, KINDS, CLOSE, isToken, isChannel } from './protocol.js';
export { EVENT_TYPES, KIND_OF_EVENT_TYPE } from './event_types.js';
export { backoffDelay, parseRetryAfter } from './backoff.js';
export { tokenExpiry } from './token.js';
