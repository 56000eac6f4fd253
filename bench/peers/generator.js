// The in-process event generator of the peer servers: the same as `odin dev`'s simulator
// (src/sim): the same weighted mix of 12 event types over 8 kinds, tokens drawn uniformly
// from a list or a pool T0001..TNNNN, payloads with the same fields, paced on an absolute
// schedule (event k due at start + k / rate, a 1 ms timer, a backlog over 1 s is skipped).
// Each event gets seq (per channel "{TOKEN}.{kind}", +1 per event, from 1) and ts (µs since
// the epoch when it was generated, i.e. when it "entered the bus").
'use strict';
const { performance } = require('perf_hooks');

// [type, weight, kind] — src/sim/event_mix.cc
const MIX = [
  ['TRADE_EXECUTED', 4, 'trade'], ['BUY_COMPLETED', 1, 'trade'], ['SELL_COMPLETED', 1, 'trade'],
  ['ANALYTICS_RECALCULATED', 3, 'analytics'], ['PRICE_DELTA_UPDATED', 1, 'analytics'],
  ['LIQUIDITY_ADDED', 1, 'liquidity'], ['LIQUIDITY_REMOVED', 1, 'liquidity'],
  ['METADATA_UPDATED', 2, 'metadata'], ['COMMENT_POSTED', 2, 'community'],
  ['TWITTER_VERIFIED', 1, 'social'], ['TOKEN_CREATED', 1, 'creation'],
  ['BALANCE_UPDATED', 2, 'balances'],
];
const TOTAL = MIX.reduce((s, m) => s + m[1], 0);

function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function tokenPool(n) {
  const width = Math.max(4, String(n).length);
  return Array.from({ length: n }, (_, i) => 'T' + String(i + 1).padStart(width, '0'));
}

// xorshift64* in doubles is enough for a load generator: deterministic per seed.
function rng(seed) {
  let s = BigInt.asUintN(64, BigInt(seed || Date.now()) * 0x9e3779b97f4a7c15n + 1n);
  return () => {
    s ^= s >> 12n; s ^= BigInt.asUintN(64, s << 25n); s ^= s >> 27n;
    return Number(BigInt.asUintN(64, s * 0x2545f4914f6cdd1dn) >> 11n) / 2 ** 53;
  };
}

function num(r, lo, hi, decimals) {
  return (lo + r() * (hi - lo)).toFixed(decimals);
}

function payload(type, token, tsMs, r) {
  const head = `{"type":"${type}","tokenId":"${token}","timestamp":${tsMs}`;
  const user = () => `"user${1 + Math.floor(r() * 999)}"`;
  switch (type) {
    case 'TRADE_EXECUTED': case 'BUY_COMPLETED': case 'SELL_COMPLETED': {
      const buy = type === 'BUY_COMPLETED' || (type === 'TRADE_EXECUTED' && r() < 0.5);
      return `${head},"price":${num(r, 10, 110, 6)},"volume":${num(r, 0, 1000, 4)},` +
        `"side":"${buy ? 'buy' : 'sell'}","amount":${num(r, 0, 10, 6)}}`;
    }
    case 'ANALYTICS_RECALCULATED': case 'PRICE_DELTA_UPDATED':
      return `${head},"priceChange24h":${num(r, -10, 10, 4)},"volume24h":${num(r, 0, 1e6, 2)},` +
        `"holders":${Math.floor(r() * 10000)}}`;
    case 'LIQUIDITY_ADDED': case 'LIQUIDITY_REMOVED':
      return `${head},"btcAmount":${num(r, 0, 10, 8)},"tokenAmount":${num(r, 0, 1000, 4)}}`;
    case 'METADATA_UPDATED':
      return `${head},"name":"${token} Token","description":"Updated at ${tsMs}"}`;
    case 'COMMENT_POSTED':
      return `${head},"commentId":"c${1 + Math.floor(r() * 999999)}","text":"Great project!",` +
        `"author":${user()}}`;
    case 'TWITTER_VERIFIED':
      return `${head},"twitterHandle":"@${token}_token","verified":true}`;
    case 'TOKEN_CREATED':
      return `${head},"name":"${token} Token","symbol":"${token}","creator":${user()},` +
        `"supply":${1e6 + Math.floor(r() * 999e6)}}`;
    default: // BALANCE_UPDATED
      return `${head},"userId":${user()},"balance":${num(r, 0, 10000, 8)},` +
        `"change":${num(r, -100, 100, 8)}}`;
  }
}

function pick(r) {
  let draw = Math.floor(r() * TOTAL);
  for (const m of MIX) {
    if (draw < m[1]) return m;
    draw -= m[1];
  }
  return MIX[MIX.length - 1];
}

// Settings as `odin dev` reads them: SIM_RATE, SIM_TOKENS, SIM_TOKEN_POOL, SIM_SEED.
function fromEnv(env) {
  const pool = Number(env.SIM_TOKEN_POOL || 0);
  return {
    rate: Number(env.SIM_RATE || 25),
    tokens: pool > 0 ? tokenPool(pool) : (env.SIM_TOKENS || 'BTC,ETH,SOL,ODIN,DOGE').split(','),
    seed: Number(env.SIM_SEED || 0),
  };
}

// Calls emit(channel, seq, tsUs, dataJson) `rate` times a second; emitBatchEnd() after each
// timer turn (lets a publisher write one batch per turn). Returns { stop, stats }.
function start({ rate, tokens, seed }, emit, emitBatchEnd = () => {}) {
  const r = rng(seed);
  const seqs = new Map();
  const stats = { produced: 0, skipped: 0 };
  const t0 = performance.now();
  let sent = 0;
  let timer = null;
  const turn = () => {
    const elapsed = performance.now() - t0;
    let due = Math.floor((elapsed * rate) / 1000) + 1;
    if (due - sent > rate) { stats.skipped += due - sent - rate; sent = due - rate; }
    for (; sent < due; ++sent) {
      const [type, , kind] = pick(r);
      const token = tokens[Math.floor(r() * tokens.length)];
      const channel = token + '.' + kind;
      const seq = (seqs.get(channel) || 0) + 1;
      seqs.set(channel, seq);
      const ts = nowUs();
      emit(channel, seq, ts, payload(type, token, Math.floor(ts / 1000), r));
      ++stats.produced;
    }
    emitBatchEnd();
    const next = t0 + (sent * 1000) / rate;
    timer = setTimeout(turn, Math.max(1, next - performance.now()));
  };
  timer = setTimeout(turn, 1);
  return { stop: () => clearTimeout(timer), stats };
}

module.exports = { start, fromEnv, tokenPool, nowUs, MIX };
