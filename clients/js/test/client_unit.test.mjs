// OdinStream against a scripted server (fake socket) and a fake clock: backoff timing, close
// codes, Retry-After, resubscription with `since`, recovery reporting, request/reply matching.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { WebSocket as WsWebSocket } from 'ws';

import { OdinError, OdinRequestError, OdinStream } from '../src/index.js';
import { FakeClock, settle, waitFor } from './support/fake_clock.mjs';
import { fakeWebSocketClass } from './support/fake_socket.mjs';

function setup(options = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const client = new OdinStream('ws://odin.test/ws', {
    WebSocket, clock, random: () => 0.999, minReconnectDelay: 500, maxReconnectDelay: 8000,
    pingInterval: 0, ...options,
  });
  const log = { states: [], disconnects: [], errors: [] };
  client.on('state', (s) => log.states.push(s));
  client.on('disconnected', (d) => log.disconnects.push(d));
  client.on('error', (e) => log.errors.push(e));
  return { clock, WebSocket, client, log, sockets: WebSocket.instances };
}

function subscribedReply(socket, request, extra = {}) {
  socket.receive({ type: 'subscribed', channels: request.channels, ...extra, id: request.id });
}

test('backoff: exponential with full jitter, capped, reset by a successful connect', async () => {
  const { clock, client, log, sockets } = setup();
  await settle();
  assert.equal(sockets.length, 1, 'connects on construction');
  const delays = [];
  for (let i = 0; i < 6; i++) {
    sockets[i].serverClose(1006);
    const delay = log.disconnects.at(-1).delay;
    delays.push(delay);
    clock.advance(delay - 1);
    await settle();
    assert.equal(sockets.length, i + 1, `attempt ${i + 1} waits its full delay`);
    clock.advance(1);
    await settle();
    assert.equal(sockets.length, i + 2, `attempt ${i + 1} reconnects after ${delay} ms`);
  }
  // floor(0.999 * min(8000, 500 * 2^n))
  assert.deepEqual(delays, [499, 999, 1998, 3996, 7992, 7992]);
  sockets[6].open();
  assert.equal(client.state, 'connected');
  sockets[6].serverClose(1006);
  assert.equal(log.disconnects.at(-1).delay, 499, 'a connection that opened resets the backoff');
  assert.deepEqual(log.states.slice(0, 3), ['connecting', 'disconnected', 'connecting']);
  client.close();
});

test('backoff: the jitter is drawn from random()', async () => {
  let next = 0.5;
  const { client, log, sockets } = setup({ random: () => next });
  await settle();
  sockets[0].serverClose(1006);
  assert.equal(log.disconnects.at(-1).delay, 250);
  next = 0;
  client.close();
  assert.equal(client.state, 'disconnected');
});

test('close codes: 4008 waits at least slowClientDelay, 1001 comes back soon, 1002 stops', async () => {
  const { clock, client, log, sockets } = setup({ random: () => 0.1, slowClientDelay: 3000 });
  await settle();
  sockets[0].open();
  sockets[0].serverClose(4008, 'slow client');
  assert.equal(log.disconnects.at(-1).delay, 3000);
  assert.equal(log.disconnects.at(-1).code, 4008);
  clock.advance(3000);
  await settle();
  sockets[1].open();
  sockets[1].serverClose(1001, 'going away');
  assert.ok(log.disconnects.at(-1).delay < 500, 'a deploy: reconnect within minReconnectDelay');
  clock.advance(500);
  await settle();
  sockets[2].open();
  sockets[2].serverClose(1002, 'protocol error');
  assert.equal(log.disconnects.at(-1).willReconnect, false);
  assert.equal(log.errors.at(-1).code, 'protocol_error');
  clock.advance(60000);
  await settle();
  assert.equal(sockets.length, 3, 'no reconnect after 1002');
  assert.equal(client.state, 'disconnected');
});

test('Retry-After of a refused upgrade raises the delay (Node "ws")', async (t) => {
  const server = createServer((req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket) => {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const clock = new FakeClock();
  const client = new OdinStream(`ws://127.0.0.1:${server.address().port}/ws`, {
    WebSocket: WsWebSocket, clock, random: () => 0.999, pingInterval: 0,
  });
  const disconnects = [];
  const errors = [];
  client.on('disconnected', (d) => disconnects.push(d));
  client.on('error', (e) => errors.push(e));
  await waitFor(() => disconnects.length === 1, 'the refused upgrade');
  assert.equal(disconnects[0].status, 503);
  assert.equal(disconnects[0].delay, 7000, 'Retry-After: 7 beats the 499 ms backoff');
  assert.equal(errors[0].code, 'upgrade_refused');
  client.close();
});

test('requests are matched to replies by id; refusals are OdinRequestError with .code', async () => {
  const { client, sockets } = setup();
  await settle();
  sockets[0].open();
  const a = client.subscribe({ channels: ['BTC.trade'] });
  const b = client.subscribe({ bundle: 'TRADNG', tokens: ['BTC'] });
  const [ra, rb] = sockets[0].requests('subscribe');
  assert.notEqual(ra.id, rb.id);
  // replies out of order still land on the right subscription
  sockets[0].receive({ type: 'error', code: 'unknown_bundle', message: 'unknown bundle "TRADNG"', id: rb.id });
  subscribedReply(sockets[0], ra);
  const info = await a.ready;
  assert.deepEqual(info.channels, ['BTC.trade']);
  await assert.rejects(b.ready, (e) => e instanceof OdinRequestError && e instanceof OdinError &&
    e.code === 'unknown_bundle' && e.request.bundle === 'TRADNG');
  assert.equal(b.state, 'failed');
  assert.deepEqual(client.subscriptions(), [a]);
  client.close();
});

test('reconnect resubscribes with since = last pos; recovered and lost reach the app', async () => {
  const { clock, client, sockets } = setup();
  await settle();
  sockets[0].open();
  const events = [];
  const infos = [];
  const sub = client.subscribe({ channels: ['BTC.trade', 'ETH.trade'] },
    { onEvent: (e) => events.push(e.pos), onSubscribed: (i) => infos.push(i) });
  subscribedReply(sockets[0], sockets[0].lastRequest('subscribe'));
  await sub.ready;
  for (const pos of ['p1', 'p2']) sockets[0].receive({ type: 'event', channel: 'BTC.trade', seq: 1, ts: 1, pos, data: {} });
  sockets[0].serverClose(1006);
  assert.equal(sub.state, 'subscribing');
  clock.advance(500);
  await settle();
  sockets[1].open();
  const again = sockets[1].lastRequest('subscribe');
  assert.deepEqual(again.since, { 'BTC.trade': 'p2' }, 'only channels with a known pos');
  assert.deepEqual(again.channels, ['BTC.trade', 'ETH.trade']);
  subscribedReply(sockets[1], again, { recovered: { 'BTC.trade': true } });
  assert.deepEqual(infos[1].recovered, { 'BTC.trade': true, 'ETH.trade': false });
  assert.deepEqual(infos[1].lost, ['ETH.trade'], 'no position known: its gap is reported');
  assert.equal(infos[1].reconnect, true);
  // the seam: a replay starting at the last seen pos is not delivered twice
  for (const pos of ['p2', 'p3']) sockets[1].receive({ type: 'event', channel: 'BTC.trade', seq: 1, ts: 1, pos, data: {} });
  assert.deepEqual(events, ['p1', 'p2', 'p3']);
  assert.deepEqual(client.positions(), { 'BTC.trade': 'p3' });

  sockets[1].serverClose(1006);
  clock.advance(500);
  await settle();
  sockets[2].open();
  subscribedReply(sockets[2], sockets[2].lastRequest('subscribe'), { recovered: { 'BTC.trade': false } });
  assert.deepEqual(infos[2].lost, ['BTC.trade', 'ETH.trade'], 'recovered:false surfaces as lost');
  client.close();
});

test('invalid_position on a resubscription: subscribe again without since, report lost', async () => {
  const { clock, client, sockets } = setup();
  await settle();
  sockets[0].open();
  const infos = [];
  client.subscribe({ channels: ['SOL.trade'] }, { onSubscribed: (i) => infos.push(i) });
  subscribedReply(sockets[0], sockets[0].lastRequest('subscribe'));
  sockets[0].receive({ type: 'event', channel: 'SOL.trade', seq: 1, ts: 1, pos: 'old-epoch', data: {} });
  sockets[0].serverClose(1001);
  clock.advance(500);
  await settle();
  sockets[1].open();
  const withSince = sockets[1].lastRequest('subscribe');
  assert.ok(withSince.since);
  sockets[1].receive({ type: 'error', code: 'invalid_position', message: 'bad pos', id: withSince.id });
  await settle();
  const without = sockets[1].lastRequest('subscribe');
  assert.notEqual(without.id, withSince.id);
  assert.equal(without.since, undefined);
  subscribedReply(sockets[1], without);
  assert.deepEqual(infos[1].lost, ['SOL.trade']);
  client.close();
});

test('overlapping subscriptions: a channel is unsubscribed only when nobody holds it', async () => {
  const { client, sockets } = setup();
  await settle();
  sockets[0].open();
  const seen = { a: 0, b: 0 };
  const a = client.subscribe({ channels: ['BTC.trade', 'BTC.analytics'] }, { onEvent: () => seen.a++ });
  subscribedReply(sockets[0], sockets[0].lastRequest('subscribe'));
  const b = client.subscribe({ channels: ['BTC.trade'] }, { onEvent: () => seen.b++ });
  subscribedReply(sockets[0], sockets[0].lastRequest('subscribe'));
  await Promise.all([a.ready, b.ready]);
  sockets[0].receive({ type: 'event', channel: 'BTC.trade', seq: 1, ts: 1, data: {} });
  assert.deepEqual(seen, { a: 1, b: 1 }, 'both handles get the one frame');
  const done = a.unsubscribe();
  const un = sockets[0].lastRequest('unsubscribe');
  assert.deepEqual(un.channels, ['BTC.analytics'], 'BTC.trade is still held by b');
  sockets[0].receive({ type: 'unsubscribed', channels: un.channels, id: un.id });
  await done;
  sockets[0].receive({ type: 'event', channel: 'BTC.trade', seq: 2, ts: 1, data: {} });
  assert.deepEqual(seen, { a: 1, b: 2 });
  assert.equal(a.state, 'unsubscribed');
  client.close();
});

test('a ping without any answer drops the connection and reconnects', async () => {
  const { clock, log, client, sockets } = setup({ pingInterval: 1000, pongTimeout: 500 });
  await settle();
  sockets[0].open();
  clock.advance(1000);
  assert.equal(sockets[0].lastRequest('ping').type, 'ping');
  clock.advance(499);
  assert.equal(client.state, 'connected');
  clock.advance(1);
  assert.equal(client.state, 'disconnected');
  assert.equal(log.disconnects.at(-1).reason, 'no answer to ping');
  client.close();
});

test('a throwing onEvent does not break delivery; it is reported as handler_error', async () => {
  const { client, log, sockets } = setup();
  await settle();
  sockets[0].open();
  let calls = 0;
  client.subscribe({ channels: ['BTC.trade'] }, { onEvent: () => { calls++; throw new Error('app bug'); } });
  subscribedReply(sockets[0], sockets[0].lastRequest('subscribe'));
  await settle();
  sockets[0].receive({ type: 'event', channel: 'BTC.trade', seq: 1, ts: 1, data: {} });
  sockets[0].receive({ type: 'event', channel: 'BTC.trade', seq: 2, ts: 1, data: {} });
  assert.equal(calls, 2);
  assert.equal(log.errors.length, 2);
  assert.equal(log.errors[0].code, 'handler_error');
  assert.equal(log.errors[0].cause.message, 'app bug');
  client.close();
});

function jwt(expMs) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ exp: Math.floor(expMs / 1000) })}.sig`;
}

test('tokens: ?token= on the URL, auth before exp, a new one after close 4001', async () => {
  const issued = [];
  let clockRef;
  const { clock, client, sockets } = setup({
    getToken: async () => {
      const token = jwt(clockRef.now() + 60_000);
      issued.push(token);
      return token;
    },
  });
  clockRef = clock;
  const applied = [];
  client.on('token', (d) => applied.push(d.applied));
  await settle();
  assert.equal(new URL(sockets[0].url).searchParams.get('token'), issued[0]);
  sockets[0].open();
  clock.advance(29_999);  // 60 s token: refreshed 30 s before exp
  await settle();
  assert.equal(sockets[0].requests('auth').length, 0);
  clock.advance(1);
  await settle();
  const auth = sockets[0].lastRequest('auth');
  assert.equal(auth.token, issued[1]);
  sockets[0].receive({ type: 'authenticated', id: auth.id });
  await settle();
  assert.deepEqual(applied, [true]);
  sockets[0].serverClose(4001, 'token expired');
  assert.equal(issued.length, 2);
  clock.advance(500);
  await settle();
  assert.equal(issued.length, 3, 'close 4001: getToken() again before reconnecting');
  assert.equal(new URL(sockets[1].url).searchParams.get('token'), issued[2]);
  client.close();
});

test('a static token refused with 4001 and no getToken: stop with token_expired', async () => {
  const { clock, client, log, sockets } = setup({ token: 'static' });
  await settle();
  assert.equal(new URL(sockets[0].url).searchParams.get('token'), 'static');
  sockets[0].open();
  sockets[0].serverClose(4001, 'token expired');
  assert.equal(log.errors.at(-1).code, 'token_expired');
  assert.equal(log.disconnects.at(-1).willReconnect, false);
  clock.advance(60_000);
  await settle();
  assert.equal(sockets.length, 1);
  assert.equal(client.state, 'disconnected');
});

test('unsubscribe before the server confirmed: the channels are released when it does', async () => {
  const { client, sockets } = setup();
  await settle();
  sockets[0].open();
  const events = [];
  const sub = client.subscribe({ channels: ['BTC.trade'] }, { onEvent: (e) => events.push(e) });
  const request = sockets[0].lastRequest('subscribe');
  await sub.unsubscribe();
  assert.equal(sub.state, 'unsubscribed');
  await assert.rejects(sub.ready, (e) => e.code === 'unsubscribed');
  subscribedReply(sockets[0], request);
  assert.deepEqual(sockets[0].lastRequest('unsubscribe').channels, ['BTC.trade']);
  sockets[0].receive({ type: 'event', channel: 'BTC.trade', seq: 1, ts: 1, data: {} });
  assert.equal(events.length, 0);
  client.close();
});

test('close() keeps the subscriptions; connect() sends them again', async () => {
  const { client, sockets } = setup();
  await settle();
  sockets[0].open();
  const sub = client.subscribe({ bundle: 'TRADING', tokens: ['BTC'] });
  client.close();
  assert.equal(client.state, 'disconnected');
  assert.equal(sockets.length, 1);
  client.connect();
  await settle();
  sockets[1].open();
  const again = sockets[1].lastRequest('subscribe');
  assert.equal(again.bundle, 'TRADING');
  assert.deepEqual(again.tokens, ['BTC']);
  sockets[1].receive({ type: 'subscribed', channels: ['BTC.trade', 'BTC.liquidity', 'BTC.analytics'], id: again.id });
  assert.equal((await sub.ready).channels.length, 3);
  client.close();
});
