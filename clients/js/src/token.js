// Tokens: the expiry of a JWT (its `exp` claim, read without verifying anything: only the
// server checks tokens), the URL with `?token=`, and when to refresh.

/**
 * The `exp` claim of a JWT in milliseconds since the epoch, or null when the token is not a
 * JWT or has no numeric `exp`.
 * @param {string} token
 */
export function tokenExpiry(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const claims = JSON.parse(decodeBase64(padded));
    return typeof claims?.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * `url` with `token` as its `token` query parameter (replacing one already there).
 * @param {string} url
 * @param {string | null | undefined} token
 */
export function urlWithToken(url, token) {
  if (!token) return url;
  const u = new URL(url);
  u.searchParams.set('token', token);
  return u.toString();
}

/**
 * Milliseconds from `now` until a token expiring at `expiresAt` should be refreshed:
 * `refreshBefore` ahead of expiry, but never before half of the remaining lifetime (so a
 * short-lived token is not refreshed in a loop); null when it has already expired.
 */
export function refreshDelay(expiresAt, now, refreshBefore) {
  const remaining = expiresAt - now;
  if (remaining <= 0) return null;
  return Math.max(remaining - refreshBefore, remaining / 2);
}
