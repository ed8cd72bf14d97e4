import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('../../bench/sink-usage.js', import.meta.url));
const MIB = 2 ** 20;

test("the sink bench's preload reports the peak RSS of the process it is in, not that of the process that started it", () => {
  // A parent far bigger than the child: getrusage's maxRSS in the child reads the parent's size.
  const parentHeld = Buffer.alloc(400 * MIB, 1);
  const dir = mkdtempSync(join(tmpdir(), 'bqread-sink-usage-'));
  try {
    const usage = join(dir, 'usage.json');
    const child = spawnSync(process.execPath, ['--import', PRELOAD, '-e', 'globalThis.held = Buffer.alloc(64 * 2 ** 20, 1)'], {
      env: { ...process.env, BQREAD_SINK_USAGE: usage }, encoding: 'utf8', timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    const { cpuMs, maxRssBytes } = JSON.parse(readFileSync(usage, 'utf8')) as { cpuMs: number; maxRssBytes: number };
    assert.ok(maxRssBytes >= 64 * MIB, `the child's 64 MiB is in its peak (${(maxRssBytes / MIB).toFixed(0)} MiB)`);
    assert.ok(maxRssBytes < parentHeld.length, `the parent's ${parentHeld.length / MIB} MiB is not (${(maxRssBytes / MIB).toFixed(0)} MiB)`);
    assert.ok(cpuMs > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
