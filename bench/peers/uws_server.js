// Peer: uWebSockets.js (native addon, @trufflesuite/uws-js-unofficial 20.30 = uWS.js v20.30)
// with its own pub/sub: ws.subscribe(channel) and app.publish(channel, frame). The "simple"
// protocol (bench/peers/README.md) and the generator of generator.js in process.
// PORT (default 3010), plus SIM_RATE / SIM_TOKENS / SIM_TOKEN_POOL / SIM_SEED.
'use strict';
const path = require('path');
const gen = require('./generator');

// Load the native addon directly: the package's own loader silently falls back to a JS shim
// on an incompatible Node, which would make this benchmark meaningless.
function loadNative() {
  const dir = path.dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
  const file = path.join(dir, 'binaries',
    `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  try {
    return require(file);
  } catch (e) {
    console.error(`uws_server: the native uWS.js addon did not load (${file}): ${e.message}`);
    console.error('uws_server: refusing to run on the JS fallback');
    process.exit(3);
  }
}

const uWS = loadNative();
const port = Number(process.env.PORT || 3010);
const MAX_CHANNELS = 1000;
const decoder = new TextDecoder();
const app = uWS.App();
let connections = 0;

app.ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 64 * 1024,
  maxBackpressure: 1024 * 1024,  // like WS_MAX_QUEUE_BYTES: close rather than drop silently
  closeOnBackpressureLimit: true,
  idleTimeout: 0,
  sendPingsAutomatically: false,
  open: () => { ++connections; },
  close: () => { --connections; },
  message: (ws, message) => {
    let req;
    try { req = JSON.parse(decoder.decode(message)); } catch { req = null; }
    const channels = req && Array.isArray(req.subscribe) ? req.subscribe : null;
    if (!channels || channels.length > MAX_CHANNELS ||
        !channels.every((c) => typeof c === 'string' && c.includes('.'))) {
      ws.send('{"error":"expected {\\"subscribe\\":[\\"TOKEN.kind\\",...]}"}', false);
      return;
    }
    for (const c of channels) ws.subscribe(c);
    ws.send(`{"subscribed":${channels.length}}`, false);
  },
});
app.get('/health', (res) => { res.end(`ok ${connections}\n`); });

app.listen('127.0.0.1', port, (token) => {
  if (!token) {
    console.error(`uws_server: cannot listen on 127.0.0.1:${port}`);
    process.exit(1);
  }
  const settings = gen.fromEnv(process.env);
  gen.start(settings, (channel, seq, ts, data) => {
    app.publish(channel, `{"channel":"${channel}","seq":${seq},"ts":${ts},"data":${data}}`, false, false);
  });
  console.log(`uws_server: ws://127.0.0.1:${port}/ native uWS.js, ${settings.rate} events/s over ${settings.tokens.length} tokens`);
});
