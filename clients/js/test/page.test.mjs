// The live page served by the gateway at GET /, in headless Debian Chromium (playwright-core)
// against a real `odin dev`: no console error, one WebSocket, tiles whose prices change, the
// inspector showing frames of a typed channel, reconnection after the gateway restarts, and a
// screenshot under the build tree (ODIN_ARTIFACTS) that must not be a blank page.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { OdinDev } from './support/odin_dev.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const ARTIFACTS = process.env.ODIN_ARTIFACTS || join(tmpdir(), 'odin-page-test');
const TOKENS = ['BTC', 'ETH', 'SOL', 'ODIN', 'DOGE'];

let odin;
let browser;
let profile;

before(async () => {
  odin = await new OdinDev({ SIM_RATE: '100' }).start();
  profile = mkdtempSync(join(tmpdir(), 'odin-chromium-'));
  // a fresh --user-data-dir (playwright passes it for a persistent context)
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await odin?.kill('SIGTERM');
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function tilePrices(page) {
  return page.$$eval('.tile', (tiles) => Object.fromEntries(
    tiles.map((t) => [t.dataset.token, t.querySelector('.price').dataset.value ?? null])));
}

test('the page at GET / shows live tiles, inspects a channel, and survives a gateway restart', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));

  const response = await page.goto(odin.pageUrl);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'] ?? '', /default-src 'self'/);
  await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 10000 });

  // tiles: one per simulator token, prices that change within a few seconds
  assert.deepEqual(await page.$$eval('.tile', (t) => t.map((n) => n.dataset.token)), TOKENS);
  await page.waitForFunction(() => [...document.querySelectorAll('.tile .price')].filter((p) => p.dataset.value).length >= 3,
    null, { timeout: 10000 });
  const first = await tilePrices(page);
  await page.waitForFunction((before) => [...document.querySelectorAll('.tile')].some((t) => {
    const v = t.querySelector('.price').dataset.value;
    return v && before[t.dataset.token] && v !== before[t.dataset.token];
  }), first, { timeout: 10000 });
  assert.match(await page.textContent('#eps'), /^\d/);

  // the inspector: type a channel, see its frames with seq and latency
  await page.fill('#inspector-input', 'BTC.trade');
  await page.click('#inspector-go');
  await page.waitForSelector('#frames tbody tr[data-channel="BTC.trade"]', { timeout: 10000 });
  const row = await page.$$eval('#frames tbody tr', (rows) => [...rows[0].children].map((td) => td.textContent));
  assert.equal(row[1], 'BTC.trade');
  assert.match(row[2], /^(TRADE_EXECUTED|BUY_COMPLETED|SELL_COMPLETED)$/);
  assert.match(row[3], /^\d+$/, 'seq');
  assert.match(row[5], /ms$/, 'latency');
  // a refused request shows the server's error code
  await page.fill('#inspector-input', 'BTC.trades');
  await page.click('#inspector-go');
  await page.waitForFunction(() => document.querySelector('#inspector-error').textContent.startsWith('unknown_kind'),
    null, { timeout: 5000 });

  assert.deepEqual(problems, [], 'no console error, no failed request while loading and using the page');
  assert.equal(sockets.length, 1, `exactly one WebSocket (${sockets.join(', ')})`);

  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, 'page.png');
  await page.screenshot({ path: shot, fullPage: true });
  // not a blank page: the sparklines have drawn pixels, the screenshot is not one flat colour
  const drawn = await page.$$eval('.tile canvas', (canvases) => canvases.filter((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
    return false;
  }).length);
  assert.ok(drawn >= 3, `sparklines drawn on ${drawn} tiles`);
  assert.ok(statSync(shot).size > 20000, `${shot} is more than a blank page`);
  const text = await page.textContent('#tiles');
  assert.match(text, /BTC[\s\S]*\d+\.\d\d/, 'a BTC price is shown');

  // the gateway restarts: the page reconnects by itself and prices move again
  await odin.kill('SIGKILL');
  await page.waitForSelector('#conn-state:not([data-state="connected"])', { timeout: 10000 });
  await odin.start();
  await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 20000 });
  const reconnected = await tilePrices(page);
  await page.waitForFunction((before) => [...document.querySelectorAll('.tile')].some((t) => {
    const v = t.querySelector('.price').dataset.value;
    return v && v !== before[t.dataset.token];
  }), reconnected, { timeout: 10000 });
  assert.equal(await page.textContent('#reconnects'), '1');
  await page.screenshot({ path: join(ARTIFACTS, 'page-after-restart.png'), fullPage: true });
  await page.close();
});

test('odin dev prints the page URL; ?tokens= chooses the tiles', async () => {
  assert.ok(odin.output.includes(`Live page  http://127.0.0.1:${odin.wsPort}/\n`), odin.output);
  const page = await browser.newPage();
  await page.goto(`${odin.pageUrl}?tokens=ETH,not+valid,SOL`);
  await page.waitForSelector('#conn-state[data-state="connected"]', { timeout: 10000 });
  assert.deepEqual(await page.$$eval('.tile', (t) => t.map((n) => n.dataset.token)), ['ETH', 'SOL']);
  await page.close();
  const custom = await new OdinDev({ SIM_TOKENS: 'AAA,BBB' }).start();
  try {
    assert.ok(custom.output.includes(`Live page  http://127.0.0.1:${custom.wsPort}/?tokens=AAA,BBB\n`), custom.output);
  } finally {
    await custom.kill('SIGTERM');
  }
});

test('the page and the library are served as files, plain GETs only', async () => {
  const base = odin.pageUrl;
  const lib = await fetch(new URL('lib/index.js', base));
  assert.equal(lib.status, 200);
  assert.match(lib.headers.get('content-type'), /^text\/javascript/);
  assert.match(await lib.text(), /export \{ OdinStream \}/);
  const css = await fetch(new URL('style.css', base));
  assert.match(css.headers.get('content-type'), /^text\/css/);
  assert.equal((await fetch(new URL('no-such-file.js', base))).status, 404);
  assert.equal((await fetch(base, { method: 'POST', body: 'x' })).status, 405);
});
