// Reconnect delays: exponential backoff with full jitter (a uniformly random delay between 0
// and min(maxDelay, minDelay * 2^attempt)), so a fleet of clients dropped at once does not
// come back at once. A server's Retry-After and the slow-client close code raise the floor.

/**
 * @param {number} attempt 0 for the first retry after a drop
 * @param {{minDelay: number, maxDelay: number}} limits milliseconds
 * @param {() => number} random in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, limits, random) {
  const cap = Math.min(limits.maxDelay, limits.minDelay * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/**
 * A Retry-After header value (seconds, or an HTTP date) in milliseconds from `now`, or null.
 * @param {string | undefined | null} value
 * @param {number} now milliseconds since the epoch
 */
export function parseRetryAfter(value, now) {
  if (value == null || value === '') return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
