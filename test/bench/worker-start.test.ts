import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureWorkerStart, workerStartTarget } from '../../bench/worker-start.js';

const spread = (median: number) => ({ median, min: median, max: median });

test('the worker-start target line: PASS or MISS at 100 ms of CPU, naming the Node it ran on', () => {
  const onTarget = workerStartTarget(spread(56), 'v24.22.3', 9);
  assert.equal(onTarget.pass, true);
  assert.match(onTarget.line, /^PASS {2}worker start: 56 ms of CPU .*median of 9 on Node v24\.22\.3; target <= 100 ms of CPU\)$/);
  const elsewhere = workerStartTarget(spread(120), 'v20.20.2', 9);
  assert.equal(elsewhere.pass, false);
  assert.match(elsewhere.line, /^MISS .*Node v20\.20\.2; the target is for Node 24;/);
  assert.match(workerStartTarget(undefined, 'v24.1.0', 3).line, /^MISS .*not measurable/);
});

test('a real start of the pool\'s worker entry is timed to ready', async () => {
  const result = await measureWorkerStart(1);
  const [sample] = result.samples;
  assert.ok(sample && sample.wallMs > 0 && sample.processCpuMs > 0);
  if (process.platform === 'linux') {
    assert.ok(sample.threadCpuMs! > 0 && sample.threadCpuMs! <= sample.wallMs + 1, 'the thread\'s CPU, within its wall time');
  }
});
