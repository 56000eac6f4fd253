// Names of the client protocol (docs/protocol.md): kinds, bundles, close codes.

/** The eight kinds of channel `TOKEN.kind`. */
export const KINDS = Object.freeze([
  'trade', 'liquidity', 'metadata', 'social', 'community', 'creation', 'analytics', 'balances',
]);

/** The six bundles and their kinds, in expansion order. */
export const BUNDLES = Object.freeze({
  TRADING: Object.freeze(['trade', 'liquidity', 'analytics']),
  FULL_MARKET: Object.freeze(['trade', 'liquidity', 'analytics', 'metadata']),
  COMMUNITY: Object.freeze(['community', 'social', 'metadata']),
  PORTFOLIO: Object.freeze(['trade', 'analytics', 'balances']),
  PRICE_ONLY: Object.freeze(['trade', 'analytics']),
  ALL: Object.freeze(KINDS),
});

/** Close codes the gateway sends (docs/protocol.md section 9). */
export const CLOSE = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  MESSAGE_TOO_BIG: 1009,
  TOKEN_EXPIRED: 4001,
  SLOW_CLIENT: 4008,
});

/** Close codes after which reconnecting would only repeat the same mistake. */
export const FATAL_CLOSE_CODES = Object.freeze([1002, 1003, 1007, 1009]);

/** Most channels or tokens one request may carry (WS_MAX_TOKENS_PER_REQUEST default). */
export const MAX_PER_REQUEST = 100;

const TOKEN_RE = /^[A-Za-z0-9_-]{1,32}$/;

/** True when `token` is a valid token id (1..32 of A-Z a-z 0-9 _ -). */
export function isToken(token) {
  return typeof token === 'string' && TOKEN_RE.test(token);
}

/** True when `channel` is `TOKEN.kind` with a valid token and one of the eight kinds. */
export function isChannel(channel) {
  if (typeof channel !== 'string') return false;
  const dot = channel.lastIndexOf('.');
  return dot > 0 && isToken(channel.slice(0, dot)) && KINDS.includes(channel.slice(dot + 1));
}
