import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlanError } from '../../src/plan/plan-error.js';
import { parseShard, streamsOfShard } from '../../src/plan/shards.js';

const streams = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

test('every stream is in exactly one shard, for every count from 1 to past the stream count, and shards differ by at most one stream', () => {
  for (const total of [0, 1, 5, 7, 16]) {
    for (let count = 1; count <= total + 3; count++) {
      const shards = Array.from({ length: count }, (_, index) => streamsOfShard(streams(total), { index, count }));
      const all = shards.flat();
      assert.equal(all.length, total, `${total} streams, ${count} shards`);
      assert.deepEqual(new Set(all), new Set(streams(total)));
      const sizes = shards.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${total} streams, ${count} shards: ${sizes.join(',')}`);
      // The same plan gives the same shard on any machine, in session order.
      assert.deepEqual(streamsOfShard(streams(total), { index: 0, count }), shards[0]);
      for (const shard of shards) assert.deepEqual(shard, [...shard].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    }
  }
  assert.deepEqual(streamsOfShard(streams(7), { index: 1, count: 3 }), ['s1', 's4']);
});

test('a shard is INDEX/COUNT with 0 <= INDEX < COUNT', () => {
  assert.deepEqual(parseShard('3/8'), { index: 3, count: 8 });
  assert.deepEqual(parseShard(' 0/1 '), { index: 0, count: 1 });
  for (const bad of ['8/8', '1/0', '-1/3', '1', 'a/b', '1/2/3', '1.5/3', '']) {
    assert.throws(() => parseShard(bad), PlanError, bad);
  }
  assert.throws(() => streamsOfShard(streams(3), { index: 2, count: 2 }), /shard index 2 is not one of 0\.\.1/);
});
