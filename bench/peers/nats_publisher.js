// NATS publisher for the benchmark: the generator of generator.js, published over the NATS
// client protocol (plain TCP) to odin.token.{TOKEN}.{kind} — the plan's (docs/plan.md) old subjects. The
// payload carries what the load tester needs: {"seq":N,"ts":µs,"data":{event}} (seq per
// subject, ts when generated). One socket write per timer turn.
// NATS_URL (default nats://127.0.0.1:4222), plus SIM_RATE / SIM_TOKENS / SIM_TOKEN_POOL / SIM_SEED.
'use strict';
const net = require('net');
const gen = require('./generator');

const url = new URL(process.env.NATS_URL || 'nats://127.0.0.1:4222');
const sock = net.connect(Number(url.port || 4222), url.hostname);
sock.setNoDelay(true);
let batch = [];
let started = false;
let inbound = '';

sock.on('data', (chunk) => {
  inbound += chunk.toString('latin1');
  let eol;
  while ((eol = inbound.indexOf('\r\n')) >= 0) {
    const line = inbound.slice(0, eol);
    inbound = inbound.slice(eol + 2);
    if (line.startsWith('INFO') && !started) {
      started = true;
      sock.write('CONNECT {"verbose":false,"pedantic":false,"name":"odin-bench-publisher"}\r\n');
      begin();
    } else if (line === 'PING') {
      sock.write('PONG\r\n');
    } else if (line.startsWith('-ERR')) {
      console.error(`nats_publisher: ${line}`);
    }
  }
});
sock.on('error', (e) => { console.error(`nats_publisher: ${e.message}`); process.exit(1); });
sock.on('close', () => { console.error('nats_publisher: connection closed'); process.exit(1); });

function begin() {
  const settings = gen.fromEnv(process.env);
  gen.start(settings, (channel, seq, ts, data) => {
    const payload = `{"seq":${seq},"ts":${ts},"data":${data}}`;
    batch.push(`PUB odin.token.${channel} ${Buffer.byteLength(payload)}\r\n${payload}\r\n`);
  }, () => {
    if (batch.length === 0) return;
    sock.write(batch.join(''));
    batch = [];
  });
  console.log(`nats_publisher: ${settings.rate} events/s over ${settings.tokens.length} tokens to ${url.host}`);
}
