import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuSlopes, evaluateCpuTargets, medianCpu, projectCeiling } from '../../bench/cpu-slope.js';
import { plateauTargets } from '../../bench/stream-plateau.js';
import type { ResultRow } from '../../bench/targets.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

function row(label: string, reader: string, workers: number, cpuMs: number, thread?: [number, number, number]): ResultRow {
  return {
    label, reader, workers, cpuMs, compression: 'none',
    threadCpu: thread && { mainMs: thread[0], workerThreadsMs: thread[1], helperThreadsMs: thread[2], workerThreads: workers },
  } as unknown as ResultRow;
}

test('CPU per GiB is the slope between two sizes, by thread, and against the raw drain at the same worker count', () => {
  const small = [row('raw drain (w=2)', 'raw-drain', 2, 1000, [100, 600, 300]), row('bqread table (w=2)', 'bqread-table', 2, 2000, [300, 1200, 500])];
  const large = [row('raw drain (w=2)', 'raw-drain', 2, 3000, [300, 1800, 900]), row('bqread table (w=2)', 'bqread-table', 2, 5000, [600, 3000, 1400])];
  const slopes = cpuSlopes(small, large, GIB, 3 * GIB, 2);
  const bqread = slopes.find((s) => s.reader === 'bqread-table')!;
  assert.equal(bqread.totalSPerGiB, 1.5);
  assert.equal(bqread.mainSPerGiB, 0.15);
  assert.equal(bqread.workerThreadsSPerGiB, 0.9);
  assert.equal(bqread.helperThreadsSPerGiB, 0.45);
  assert.equal(bqread.vsRaw, 1.5);
  const lines = evaluateCpuTargets(slopes, 2).map((t) => t.line);
  assert.match(lines[0]!, /^MISS .* 1\.50x/);
  assert.match(lines[1]!, /^PASS .*main thread share.* 10%/);
});

test('the projected ceiling grows with cores until the main thread alone fills one', () => {
  const [two, four, eight] = projectCeiling(
    { label: 'x', totalSPerGiB: 2, mainSPerGiB: 0.4 },
    [2, 4, 8],
  );
  assert.deepEqual([two!.mibPerSec, two!.limitedBy], [1024, 'cores']);
  assert.deepEqual([four!.mibPerSec, four!.limitedBy], [2048, 'cores']);
  assert.deepEqual([eight!.mibPerSec, eight!.limitedBy], [2560, 'main thread']);
});

test('the plateau passes under budget + 150 MiB without growth, and names by how much it misses', () => {
  const points = (peaks: number[]) => peaks.map((p, i) => ({ round: i + 1, streamedBytes: (i + 1) * 100 * MIB, peakRssBytes: p * MIB, peakBufferedBytes: 0 }));
  assert.deepEqual(plateauTargets(16 * MIB, points([120, 150, 150, 152])).map((t) => t.pass), [true, true]);
  const [size, growth] = plateauTargets(16 * MIB, points([200, 250, 300, 340]));
  assert.equal(size!.pass, false);
  assert.match(size!.line, /340 MiB .* 166 MiB/);
  assert.equal(growth!.pass, false);
});

test('repeated runs count each CPU figure as the median of the runs, not the outlier the middle run may carry', () => {
  const run = (cpuMs: number, main: number) => ({ cpuMs, systemCpuMs: cpuMs / 10, threadCpu: { mainMs: main, workerThreadsMs: cpuMs - main, workerThreads: 2, helperThreadsMs: 0 } });
  const median = medianCpu([run(900, 90), run(3000, 300), run(1000, 100)]);
  assert.equal(median.cpuMs, 1000);
  assert.equal(median.systemCpuMs, 100);
  assert.deepEqual(median.threadCpu, { mainMs: 100, workerThreadsMs: 900, workerThreads: 2, helperThreadsMs: 0 });
  assert.equal(medianCpu([run(900, 90), { cpuMs: 1000, systemCpuMs: 50 }]).threadCpu, undefined);
});
