// Which WebSocket to use, and what a refused upgrade said. Browsers and Node >= 22 have a
// global WebSocket; on Node 18/20 the `ws` package is used (passed in, or imported on demand).
// Only `ws` exposes the HTTP status and headers of a refused upgrade (its
// 'unexpected-response' event); elsewhere a refusal looks like any failed connect.
import { OdinError } from './errors.js';

/** @returns {Promise<any>} a WebSocket constructor */
export async function resolveWebSocket(given) {
  if (given) return given;
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  try {
    const name = 'ws';  // a variable, so bundlers for the browser leave it alone
    const module = await import(name);
    return module.WebSocket ?? module.default;
  } catch (cause) {
    throw new OdinError('no_websocket',
      'no WebSocket implementation: pass {WebSocket} (e.g. from the "ws" package) or install "ws"',
      { cause });
  }
}

/**
 * Calls `onRefused({status, headers})` when the server answers the upgrade with an HTTP status
 * instead of 101, then aborts the attempt (a close follows). No-op for a browser WebSocket.
 */
export function watchUpgradeRefusal(socket, onRefused) {
  if (typeof socket.on !== 'function') return;
  socket.on('unexpected-response', (_request, response) => {
    onRefused({ status: response.statusCode, headers: response.headers ?? {} });
    response.resume?.();
    socket.terminate();
  });
}

/** Closes a socket at once, whatever its state (terminate() where `ws` offers it). */
export function dropSocket(socket, code, reason) {
  socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
  try {
    if (typeof socket.terminate === 'function') socket.terminate();
    else socket.close(code, reason);
  } catch {
    // already closing
  }
}
