// The event types are generated from schemas/*.json; this fails when the committed files are
// stale (a schema changed and `npm run generate` was not run) or the mapping went wrong.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { generate } from '../scripts/gen_event_types.mjs';
import { EVENT_TYPES, KINDS, KIND_OF_EVENT_TYPE } from '../src/index.js';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

test('the committed generated files equal what schemas/ generates', () => {
  for (const [file, text] of Object.entries(generate())) {
    const committed = readFileSync(join(root, file), 'utf8');
    assert.ok(committed === text, `${file} is stale: run \`npm run generate\` in clients/js`);
  }
});

test('23 event types, each on one of the eight kinds', () => {
  assert.equal(EVENT_TYPES.length, 23);
  for (const type of EVENT_TYPES) assert.ok(KINDS.includes(KIND_OF_EVENT_TYPE[type]), type);
  assert.equal(KIND_OF_EVENT_TYPE.TRADE_EXECUTED, 'trade');
  assert.equal(KIND_OF_EVENT_TYPE.BALANCE_UPDATED, 'balances');
  const dts = readFileSync(join(root, 'types', 'events.d.ts'), 'utf8');
  for (const type of EVENT_TYPES) assert.ok(dts.includes(`type: "${type}";`), `${type} in events.d.ts`);
});
