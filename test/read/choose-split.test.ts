import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSplit, MIN_SPLIT_GAIN_MS, type Remaining } from '../../src/read/rebalancer.js';

const run = (name: string, left: Remaining | undefined) => ({ name, remaining: () => left });

test('splits the stream that will end last into equal shares of what it has left, one a free slot', () => {
  const runs = [
    run('big', { fraction: 0.2, rows: 80_000, ms: 4000 }),
    run('straggler', { fraction: 0.5, rows: 1000, ms: 9000 }),
    run('unknown', undefined),
  ];
  const one = chooseSplit(runs, 300, 0, 1);
  assert.equal(one?.run.name, 'straggler', 'the slow stream, not the one with the most rows');
  assert.equal(one.parts, 2);
  assert.equal(one.fraction, 0.75, 'the worker keeps half of what is left');
  // Six free slots shared by the two streams worth splitting: the straggler's rest in four shares.
  const shared = chooseSplit(runs, 300, 0, 6);
  assert.equal(shared?.parts, 4);
  assert.equal(shared.fraction, 0.5 + 0.5 / 4);
  assert.equal(chooseSplit(runs, 300, 0, 0), undefined, 'no free slot');
});

test('no split that would not end the read MIN_SPLIT_GAIN_MS sooner, both halves paying a stream\'s start', () => {
  const startupMs = 300;
  // Halves end at startup + ms / 2: a gain of ms / 2 - startup.
  const enough = 2 * (startupMs + MIN_SPLIT_GAIN_MS);
  assert.ok(chooseSplit([run('a', { fraction: 0.5, rows: 1, ms: enough })], startupMs, 0, 4));
  assert.equal(chooseSplit([run('a', { fraction: 0.5, rows: 1, ms: enough - 1 })], startupMs, 0, 4), undefined);
  assert.equal(chooseSplit([run('a', { fraction: 0.5, rows: 1, ms: Infinity })], startupMs, 0, 4), undefined, 'no pace measured yet');
  assert.equal(chooseSplit([], startupMs, 0, 4), undefined);
});
