// The live page: token tiles, a channel inspector, connection state and throughput, all over
// one OdinStream connection (the client library, served from /lib/ as its source files).
import { OdinStream, isToken } from './lib/index.js';
import { Inspector } from './inspector.js';
import { Tiles } from './tiles.js';

const DEFAULT_TOKENS = ['BTC', 'ETH', 'SOL', 'ODIN', 'DOGE'];
const params = new URLSearchParams(location.search);
const asked = (params.get('tokens') ?? '').split(',').map((t) => t.trim()).filter(isToken);
const tokens = (asked.length ? asked : DEFAULT_TOKENS).slice(0, 24);
const wsUrl = params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

const $ = (id) => document.getElementById(id);
const client = new OdinStream(wsUrl, {
  token: params.get('token') ?? undefined,
  maxReconnectDelay: 5000,
});
window.odin = client;  // for the console: odin.subscribe({channels: ['BTC.trade']}, {onEvent: console.log})

// --- throughput and latency -------------------------------------------------------------------
const meter = { count: 0, total: 0, window: [], latencies: [] };
function recordEvent(event) {
  meter.count++;
  meter.total++;
  if (typeof event.ts === 'number') {
    meter.latencies.push(Date.now() - event.ts / 1000);
    if (meter.latencies.length > 2000) meter.latencies.splice(0, 1000);
  }
}
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}
setInterval(() => {
  meter.window.push(meter.count);
  meter.count = 0;
  if (meter.window.length > 4) meter.window.shift();  // 2 s of 500 ms buckets
  const perSecond = (meter.window.reduce((a, b) => a + b, 0) * 1000) / (meter.window.length * 500);
  $('eps').textContent = perSecond.toFixed(perSecond < 10 ? 1 : 0);
  $('total').textContent = meter.total.toLocaleString('en');
  if (meter.latencies.length) {
    const sorted = [...meter.latencies].sort((a, b) => a - b);
    $('latency').textContent = `${fmtMs(percentile(sorted, 50))} · ${fmtMs(percentile(sorted, 99))}`;
    meter.latencies.length = 0;
  }
}, 500);
function fmtMs(ms) {
  return ms < 10 ? `${Math.max(0, ms).toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

// --- connection state and log -------------------------------------------------------------
let reconnects = 0;
function log(level, text) {
  const li = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toTimeString().slice(0, 8);
  const span = document.createElement('span');
  span.className = level;
  span.textContent = text;
  li.append(time, span);
  const list = $('log');
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}
$('endpoint').textContent = wsUrl;
client.on('state', (state) => {
  const pill = $('conn-state');
  pill.dataset.state = state;
  pill.textContent = state;
});
client.on('connecting', ({ attempt }) => log('warn', attempt ? `connecting (attempt ${attempt + 1})` : 'connecting'));
client.on('connected', ({ reconnect }) => {
  if (reconnect) $('reconnects').textContent = String(++reconnects);
  log('ok', reconnect ? 'reconnected; resubscribing' : 'connected');
});
client.on('disconnected', ({ code, reason, willReconnect, delay }) => {
  const why = reason ? `${code} ${reason}` : `${code}`;
  log('bad', willReconnect ? `disconnected (${why}); retry in ${(delay / 1000).toFixed(1)} s` : `disconnected (${why})`);
});
client.on('error', (error) => log('bad', `${error.code}: ${error.message}`));

function reportSubscribed(what) {
  return (info) => {
    const n = info.channels.length;
    if (!info.reconnect) return log('ok', `subscribed ${what}: ${n} channel${n === 1 ? '' : 's'}`);
    const lost = info.lost?.length ?? 0;
    if (lost) log('warn', `${what}: ${lost} channel${lost === 1 ? '' : 's'} not recovered (events missed while away)`);
    else log('ok', `${what}: recovered every channel`);
  };
}

new Tiles($('tiles'), client, tokens, recordEvent, reportSubscribed('tiles'));
new Inspector(client, {
  form: $('inspector-form'), kind: $('inspector-kind'), input: $('inspector-input'),
  pause: $('inspector-pause'), clear: $('inspector-clear'), error: $('inspector-error'),
  subs: $('inspector-subs'), rows: document.querySelector('#frames tbody'), empty: $('frames-empty'),
}, recordEvent, reportSubscribed);
