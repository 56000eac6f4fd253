// OdinStream against a real `odin dev` (spawned here): subscribe/unsubscribe, typed errors,
// reconnect after the server is killed and restarted, lossless recovery across a connection
// cut (once the server sends positions), the token on the URL and its refresh before `exp`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { WebSocket } from 'ws';

import { OdinError, OdinRequestError, OdinStream } from '../src/index.js';
import { FakeClock, waitFor } from './support/fake_clock.mjs';
import { OdinDev } from './support/odin_dev.mjs';
import { startProxy } from './support/tcp_proxy.mjs';

const TOKENS = ['BTC', 'ETH', 'SOL', 'ODIN', 'DOGE'];
let odin;

before(async () => {
  odin = await new OdinDev({ SIM_RATE: '200' }).start();
});
after(async () => {
  await odin?.kill('SIGTERM');
});

function client(url, options = {}) {
  return new OdinStream(url, { WebSocket, minReconnectDelay: 50, maxReconnectDelay: 400, ...options });
}

test('subscribe a bundle, receive its events, unsubscribe', async () => {
  const c = client(odin.wsUrl);
  const events = [];
  const sub = c.subscribe({ bundle: 'PRICE_ONLY', tokens: ['BTC', 'ETH'] }, { onEvent: (e) => events.push(e) });
  const info = await sub.ready;
  assert.deepEqual(info.channels, ['BTC.trade', 'BTC.analytics', 'ETH.trade', 'ETH.analytics']);
  assert.equal(info.reconnect, false);
  await waitFor(() => events.length >= 5, 'five events on PRICE_ONLY × BTC, ETH', 10000);
  for (const e of events) {
    assert.ok(info.channels.includes(e.channel), `${e.channel} is one of ours`);
    assert.equal(e.data.tokenId, e.channel.split('.')[0]);
    assert.equal(typeof e.seq, 'number');
    assert.equal(typeof e.ts, 'number');
  }
  await sub.unsubscribe();
  assert.equal(sub.state, 'unsubscribed');
  const seen = events.length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(events.length, seen, 'nothing after unsubscribed');
  assert.ok(await c.ping() >= 0);
  c.close();
  assert.equal(c.state, 'disconnected');
});

test('no WebSocket passed: the global one, else the "ws" package imported on demand', async () => {
  const c = new OdinStream(odin.wsUrl);  // Node 20 has no global WebSocket: 'ws' is imported
  const sub = c.subscribe({ channels: ['ETH.trade'] });
  assert.deepEqual((await sub.ready).channels, ['ETH.trade']);
  c.close();
});

test('server error codes are OdinRequestError with .code; the connection stays usable', async () => {
  const c = client(odin.wsUrl);
  const cases = [
    [{ bundle: 'TRADNG', tokens: ['BTC'] }, 'unknown_bundle'],
    [{ channels: ['BTC.trades'] }, 'unknown_kind'],
    [{ channels: ['no-dot'] }, 'invalid_channel'],
    [{ bundle: 'TRADING', tokens: ['B C'] }, 'invalid_token'],
    [{ bundle: 'TRADING', tokens: [] }, 'empty_tokens'],
    [{ channels: Array.from({ length: 101 }, (_, i) => `T${i}.trade`) }, 'too_many_tokens'],
  ];
  for (const [request, code] of cases) {
    const errors = [];
    const sub = c.subscribe(request, { onError: (e) => errors.push(e) });
    await assert.rejects(sub.ready, (e) => {
      assert.ok(e instanceof OdinRequestError && e instanceof OdinError);
      assert.equal(e.code, code, JSON.stringify(request));
      assert.equal(typeof e.message, 'string');
      return true;
    });
    assert.equal(sub.state, 'failed');
    assert.equal(errors[0].code, code, 'onError got it too');
  }
  const ok = c.subscribe({ channels: ['BTC.trade'] });
  assert.deepEqual((await ok.ready).channels, ['BTC.trade']);
  assert.deepEqual(c.subscriptions(), [ok]);
  c.close();
});

test('reconnects and resubscribes after the server is killed and restarted', async () => {
  const c = client(odin.wsUrl);
  const states = [];
  c.on('state', (s) => states.push(s));
  const infos = [];
  const events = [];
  c.subscribe({ bundle: 'TRADING', tokens: TOKENS }, { onSubscribed: (i) => infos.push(i), onEvent: (e) => events.push(e) });
  await waitFor(() => infos.length === 1 && events.length > 0, 'first subscription and an event', 10000);
  await odin.kill('SIGKILL');
  await waitFor(() => c.state !== 'connected', 'the client to notice', 5000);
  await odin.start();
  await waitFor(() => infos.length === 2, 'the resubscription after the restart', 15000);
  const before = events.length;
  await waitFor(() => events.length > before, 'events from the restarted server', 10000);
  assert.equal(infos[1].reconnect, true);
  assert.deepEqual(infos[1].channels, infos[0].channels);
  // the restarted embedded bus is a new log: whatever was missed is reported, never hidden
  assert.deepEqual(Object.keys(infos[1].recovered).sort(), [...infos[0].channels].sort());
  assert.ok(Array.isArray(infos[1].lost));
  assert.ok(states.includes('disconnected') && states.at(-1) === 'connected', states.join(','));
  c.close();
});

test('a connection cut loses nothing: recovery with since (when the server sends pos)', async (t) => {
  const proxy = await startProxy(odin.wsPort);
  t.after(() => proxy.close());
  const channels = TOKENS.map((token) => `${token}.trade`);
  const key = (e) => `${e.channel} ${JSON.stringify(e.data)}`;
  // a control client that is never cut, straight to the gateway
  const control = client(odin.wsUrl);
  const reference = [];
  await control.subscribe({ channels }, { onEvent: (e) => reference.push(key(e)) }).ready;
  const c = client(`ws://127.0.0.1:${proxy.port}/ws`);
  const got = [];
  const infos = [];
  let sawPos = false;
  c.subscribe({ channels }, {
    onEvent: (e) => { got.push(key(e)); sawPos ||= typeof e.pos === 'string'; },
    onSubscribed: (i) => infos.push(i),
  });
  // every channel has a position before the cut (a channel without one cannot be recovered)
  await waitFor(() => infos.length === 1 && channels.every((ch) => got.some((k) => k.startsWith(`${ch} `))),
    'an event on every channel before the cut', 10000);
  proxy.cut();
  await new Promise((resolve) => setTimeout(resolve, 500));  // events published meanwhile
  await waitFor(() => infos.length === 2, 'the resubscription', 10000);
  const afterReconnect = got.length;
  await waitFor(() => got.length >= afterReconnect + 3, 'live events after the reconnect', 10000);
  await new Promise((resolve) => setTimeout(resolve, 300));  // the control client catches up
  c.close();
  control.close();
  assert.equal(infos[1].reconnect, true);
  if (!sawPos) {
    assert.deepEqual(infos[1].lost.sort(), [...channels].sort(), 'no positions: every channel is reported lost');
    t.skip('the server sends no `pos` in event frames yet: lossless recovery is not checked (this becomes active once positions exist)');
    return;
  }
  assert.deepEqual(infos[1].lost, [], 'positions known: every channel recovered');
  // per channel (a replay is in bus order per channel, not across channels): exactly the
  // control client's stream from the first event seen on, no gap, no duplicate
  for (const channel of channels) {
    const mine = got.filter((k) => k.startsWith(`${channel} `));
    const theirs = reference.filter((k) => k.startsWith(`${channel} `));
    if (mine.length === 0) continue;
    const start = theirs.indexOf(mine[0]);
    assert.ok(start >= 0, `${channel}: the control client saw the same events`);
    assert.deepEqual(mine, theirs.slice(start, start + mine.length), `${channel}: no gap, no duplicate`);
  }
});

function jwt(expSeconds) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'test', exp: expSeconds })}.sig`;
}

test('the token goes on the URL and is refreshed (auth) before exp', async () => {
  const fake = new FakeClock(Date.now());
  const urls = [];
  const sent = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url, ...rest) {
      super(url, ...rest);
      urls.push(url);
    }
    send(text, ...rest) {
      sent.push(JSON.parse(text));
      return super.send(text, ...rest);
    }
  }
  const issued = [];
  const getToken = () => {
    const token = jwt(Math.floor(fake.now() / 1000) + 120);
    issued.push(token);
    return token;
  };
  const c = new OdinStream(odin.wsUrl, { WebSocket: RecordingWebSocket, clock: fake, getToken, pingInterval: 0 });
  const tokenEvents = [];
  c.on('token', (d) => tokenEvents.push(d));
  await c.subscribe({ channels: ['BTC.trade'] }).ready;
  assert.equal(issued.length, 1);
  assert.equal(new URL(urls[0]).searchParams.get('token'), issued[0], '?token= on the upgrade URL');
  fake.advance(89_000);  // 120 s token, refreshed 30 s before exp
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(sent.filter((m) => m.type === 'auth').length, 0, 'not before exp - 30 s');
  fake.advance(1_000);
  await waitFor(() => tokenEvents.length === 1, 'the auth reply', 5000);
  const auth = sent.filter((m) => m.type === 'auth');
  assert.equal(auth.length, 1);
  assert.equal(auth[0].token, issued[1], 'the new token');
  const expMs = JSON.parse(Buffer.from(issued[0].split('.')[1], 'base64url')).exp * 1000;
  assert.ok(fake.now() < expMs, 'sent before exp');
  // today's server answers unknown_type (applied:false: the token is used on reconnect)
  assert.equal(typeof tokenEvents[0].applied, 'boolean');
  assert.equal(c.state, 'connected', 'the connection stays up');
  c.close();
});
