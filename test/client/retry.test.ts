import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, status as Status } from '@grpc/grpc-js';
import { backoffMs, classifyReadError, DEFAULT_RETRY } from '../../src/client/retry.js';
import { encodeRetryInfoStatus, retryDelayFromMetadata, STATUS_DETAILS_KEY } from '../../src/protocol/status-details.js';

test('which ReadRows failures resume at the offset', () => {
  assert.equal(classifyReadError({ code: Status.UNAVAILABLE, details: 'Connection dropped' }).retryable, true);
  assert.equal(classifyReadError({ code: Status.INTERNAL, details: 'Received RST_STREAM with code 2' }).retryable, true);
  assert.equal(classifyReadError({ code: Status.INTERNAL, details: 'Received unexpected EOS on DATA frame from server.' }).retryable, true);
  assert.equal(classifyReadError({ code: Status.INTERNAL, details: 'something else broke' }).retryable, false);
  assert.equal(classifyReadError({ code: Status.UNKNOWN, details: 'Stream removed' }).retryable, true);
  assert.equal(classifyReadError({ code: Status.UNKNOWN, details: 'bad input' }).retryable, false);
  assert.equal(classifyReadError({ code: Status.RESOURCE_EXHAUSTED, details: 'quota' }).retryable, false);
  for (const code of [Status.NOT_FOUND, Status.INVALID_ARGUMENT, Status.PERMISSION_DENIED, Status.FAILED_PRECONDITION, Status.DATA_LOSS]) {
    assert.equal(classifyReadError({ code, details: 'x' }).retryable, false, Status[code]);
  }
});

test('RESOURCE_EXHAUSTED with a RetryInfo is retried after exactly the delay the server asked for', () => {
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, encodeRetryInfoStatus(Status.RESOURCE_EXHAUSTED, 'slow down', 2500));
  assert.equal(retryDelayFromMetadata(metadata), 2500);
  assert.deepEqual(classifyReadError({ code: Status.RESOURCE_EXHAUSTED, details: 'slow down', metadata }), {
    retryable: true,
    serverDelayMs: 2500,
  });
  const garbage = new Metadata();
  garbage.set(STATUS_DETAILS_KEY, Buffer.from([0xff, 0xff, 0xff]));
  assert.equal(retryDelayFromMetadata(garbage), undefined);
});

test('backoff grows exponentially, is capped, and is jittered between half and all of the step', () => {
  const settings = { ...DEFAULT_RETRY, initialBackoffMs: 100, maxBackoffMs: 1000, backoffMultiplier: 2 };
  assert.equal(backoffMs(1, settings, () => 0.999999), 100);
  assert.equal(backoffMs(1, settings, () => 0), 50);
  assert.equal(backoffMs(3, settings, () => 0.999999), 400);
  assert.equal(backoffMs(10, settings, () => 0.999999), 1000);
  assert.equal(backoffMs(10, settings, () => 0), 500);
});
