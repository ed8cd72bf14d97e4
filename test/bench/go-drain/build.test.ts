import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildGoDrain } from '../../../bench/go-drain/build.js';

test('without Go the Go drain is skipped with the reason and the packages to install, not thrown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'go-drain-'));
  try {
    const build = await buildGoDrain(dir, { go: 'no-such-go-command-here' });
    assert.ok('skipped' in build);
    assert.match(build.skipped, /no-such-go-command-here is not on PATH \(apt-get install golang-go golang-google-cloud-dev\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
