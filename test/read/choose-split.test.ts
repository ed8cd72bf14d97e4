import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSplit, MIN_SPLIT_GAIN_MS, type Remaining } from '../../src/read/rebalancer.js';

const run = (name: string, left: Remaining | undefined) => ({ name, remaining: () => left });

test('splits the stream that will end last, in the middle of what it has left', () => {
  const choice = chooseSplit([
    run('big', { fraction: 0.2, rows: 80_000, ms: 4000 }),
    run('straggler', { fraction: 0.5, rows: 1000, ms: 9000 }),
    run('unknown', undefined),
  ], 300, 0);
  assert.equal(choice?.run.name, 'straggler', 'the slow stream, not the one with the most rows');
  assert.equal(choice.fraction, 0.75);
});

test('no split that would not end the read MIN_SPLIT_GAIN_MS sooner, both halves paying a stream\'s start', () => {
  const startupMs = 300;
  // Halves end at startup + ms / 2: a gain of ms / 2 - startup.
  const enough = 2 * (startupMs + MIN_SPLIT_GAIN_MS);
  assert.ok(chooseSplit([run('a', { fraction: 0.5, rows: 1, ms: enough })], startupMs, 0));
  assert.equal(chooseSplit([run('a', { fraction: 0.5, rows: 1, ms: enough - 1 })], startupMs, 0), undefined);
  assert.equal(chooseSplit([run('a', { fraction: 0.5, rows: 1, ms: Infinity })], startupMs, 0), undefined, 'no pace measured yet');
  assert.equal(chooseSplit([], startupMs, 0), undefined);
});
