// Peer: Node `ws` with a plain Map channel → Set of sockets. The "simple" protocol
// (bench/peers/README.md) and the generator of generator.js in process.
// PORT (default 3011), plus SIM_RATE / SIM_TOKENS / SIM_TOKEN_POOL / SIM_SEED.
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');
const gen = require('./generator');

const port = Number(process.env.PORT || 3011);
const MAX_CHANNELS = 1000;
const MAX_BUFFERED = 1024 * 1024;  // like WS_MAX_QUEUE_BYTES: close a slow client with 4008
const channels = new Map();        // channel → Set<WebSocket>

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404);
  res.end(req.url === '/health' ? `ok ${wss.clients.size}\n` : '');
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws) => {
  ws.channels = [];
  ws.on('message', (message) => {
    let req;
    try { req = JSON.parse(message.toString()); } catch { req = null; }
    const list = req && Array.isArray(req.subscribe) ? req.subscribe : null;
    if (!list || list.length > MAX_CHANNELS ||
        !list.every((c) => typeof c === 'string' && c.includes('.'))) {
      ws.send('{"error":"expected {\\"subscribe\\":[\\"TOKEN.kind\\",...]}"}');
      return;
    }
    for (const c of list) {
      let set = channels.get(c);
      if (!set) channels.set(c, (set = new Set()));
      if (!set.has(ws)) { set.add(ws); ws.channels.push(c); }
    }
    ws.send(`{"subscribed":${list.length}}`);
  });
  ws.on('close', () => {
    for (const c of ws.channels) {
      const set = channels.get(c);
      if (set) { set.delete(ws); if (set.size === 0) channels.delete(c); }
    }
  });
  ws.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => {
  const settings = gen.fromEnv(process.env);
  gen.start(settings, (channel, seq, ts, data) => {
    const set = channels.get(channel);
    if (!set) return;
    const frame = `{"channel":"${channel}","seq":${seq},"ts":${ts},"data":${data}}`;
    for (const ws of set) {
      if (ws.bufferedAmount > MAX_BUFFERED) { ws.close(4008, 'slow client'); continue; }
      ws.send(frame);
    }
  });
  console.log(`ws_server: ws://127.0.0.1:${port}/ ${settings.rate} events/s over ${settings.tokens.length} tokens`);
});
