// A scripted WebSocket for OdinStream's `WebSocket` option: the test plays the server.
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    static instances = sockets;

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedByClient = null;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error('send on a socket that is not open');
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closedByClient = { code, reason };
      this.#closed(code ?? 1005, reason ?? '');
    }

    // --- the test's side ---
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    receive(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }

    serverClose(code, reason = '') {
      this.#closed(code, reason);
    }

    /** Requests sent of `type` (default all). */
    requests(type) {
      return type ? this.sent.filter((m) => m.type === type) : this.sent;
    }

    lastRequest(type) {
      const all = this.requests(type);
      return all[all.length - 1];
    }

    #closed(code, reason) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }
  }
  return FakeWebSocket;
}
