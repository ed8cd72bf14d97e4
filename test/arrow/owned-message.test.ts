import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownedAlignedMessage } from '../../src/arrow/owned-message.js';

/** A response as grpc-js hands it over: a view skipping the 5-byte frame header of a buffer of its own. */
function grpcResponse(bytes: number): Buffer {
  const framed = Buffer.allocUnsafeSlow(bytes + 5);
  for (let i = 0; i < framed.length; i++) framed[i] = i % 251;
  return framed.subarray(5);
}

test('a message inside a response that owns its memory moves to the start of that memory, 8-aligned', () => {
  const response = grpcResponse(64 * 1024);
  const message = response.subarray(11, 11 + 60_000);
  const expected = Buffer.from(message);
  const owned = ownedAlignedMessage(message, response);
  assert.equal(owned.buffer, response.buffer, 'no new memory');
  assert.equal(owned.byteOffset, 0);
  assert.equal(owned.byteLength, 60_000);
  assert.deepEqual(Buffer.from(owned.buffer, owned.byteOffset, owned.byteLength), expected);
});

test('a message in shared memory is copied: a pooled small response, a slice that is not the whole buffer, a decompressed message', () => {
  const pooled = Buffer.from(Buffer.alloc(1000, 7)); // from Node's shared 8 KiB pool
  assert.ok(pooled.buffer.byteLength > pooled.byteLength);
  const partial = grpcResponse(10_000).subarray(0, 9000);
  const cases: [string, Uint8Array, Uint8Array][] = [
    ['pooled', pooled.subarray(3, 900), pooled],
    ['not the whole buffer', partial.subarray(9, 8000), partial],
    ['elsewhere', Buffer.alloc(5000, 3), grpcResponse(6000)],
  ];
  for (const [name, message, response] of cases) {
    const before = Buffer.from(response);
    const owned = ownedAlignedMessage(message, response);
    assert.notEqual(owned.buffer, response.buffer, name);
    assert.equal(owned.byteOffset % 8, 0, name);
    assert.deepEqual(Buffer.from(owned), Buffer.from(message), name);
    assert.deepEqual(Buffer.from(response), before, `${name}: the response is left as it was`);
  }
});
