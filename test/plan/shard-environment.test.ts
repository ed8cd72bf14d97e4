import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlanError } from '../../src/plan/plan-error.js';
import { shardFromEnvironment } from '../../src/plan/shard-environment.js';

test('Kubernetes Indexed Job: the index from $JOB_COMPLETION_INDEX, the count from --shard-count or the plan', () => {
  assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, 4, undefined), { index: 2, count: 4, source: 'Kubernetes Indexed Job ($JOB_COMPLETION_INDEX=2)' });
  assert.equal(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, undefined, 3).count, 3);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, undefined, undefined), /gives no shard count: give --shard-count N or make the plan with --shards N/);
});

test('Cloud Run Jobs: $CLOUD_RUN_TASK_INDEX and $CLOUD_RUN_TASK_COUNT', () => {
  const shard = shardFromEnvironment({ CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '5' }, undefined, undefined);
  assert.deepEqual([shard.index, shard.count], [0, 5]);
  assert.match(shard.source, /Cloud Run Jobs/);
  assert.equal(shardFromEnvironment({ CLOUD_RUN_TASK_INDEX: '4', CLOUD_RUN_TASK_COUNT: '5' }, 5, 5).index, 4);
});

test('AWS Batch array job: $AWS_BATCH_JOB_ARRAY_INDEX, the count from --shard-count or the plan', () => {
  const shard = shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '1' }, 2, undefined);
  assert.deepEqual([shard.index, shard.count], [1, 2]);
  assert.match(shard.source, /AWS Batch/);
  assert.equal(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '1' }, undefined, 2).count, 2);
});

test('counts given two ways must agree; an index past the count, two engines at once, no engine, or a non-number are refused', () => {
  assert.throws(() => shardFromEnvironment({ CLOUD_RUN_TASK_INDEX: '0', CLOUD_RUN_TASK_COUNT: '5' }, 4, undefined),
    /the shard count is 5 from \$CLOUD_RUN_TASK_COUNT but 4 from --shard-count/);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 4, 3), /4 from --shard-count but 3 from the plan/);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4' }, 4, undefined), /shard index 4 is not one of 0\.\.3/);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', AWS_BATCH_JOB_ARRAY_INDEX: '0' }, 2, undefined), /more than one job engine/);
  assert.throws(() => shardFromEnvironment({}, 2, 2), /no shard: give --shard INDEX\/COUNT/);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: 'x' }, 2, undefined), PlanError);
  assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '' }, 2, undefined), /no shard/);
});
