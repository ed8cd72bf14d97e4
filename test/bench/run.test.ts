import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

test('a bad flag ends the bench with exit 2 before it measures anything, as bench/README.md says', () => {
  for (const [args, message] of [
    [['--bogus'], /^bench: Unknown option '--bogus'/],
    [['--rows'], /^bench: Option '--rows <value>' argument missing/],
    [['--rows', 'many'], /^bench: --rows must be a positive integer \(got many\)/],
  ] as const) {
    const run = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stdout, '');
  }
});
