// The TypeScript declarations compile with --strict against a typical use (test/types/usage.ts),
// and the mistakes marked @ts-expect-error there are caught.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('types/index.d.ts and the generated events.d.ts compile and catch misuse', () => {
  const run = spawnSync(process.execPath, [tsc, '-p', join(here, 'types')], { encoding: 'utf8', timeout: 60000 });
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`);
});
