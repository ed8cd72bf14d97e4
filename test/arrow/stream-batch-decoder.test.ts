import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorruptBatchError, StreamBatchDecoder } from '../../src/arrow/batch-message.js';
import { encodeBatchMessage, encodeSchemaMessage } from '../../src/arrow/ipc-messages.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows } from '../helpers/canonical.js';

const table = generateDemoTable({ rows: 1000, seed: 5, batchRows: 250 });
const schema = encodeSchemaMessage(table.schema);
const messages = table.batches.map((batch) => encodeBatchMessage(batch, schema.byteLength));

test('one decoder decodes a stream\'s messages one by one, each as it is given', () => {
  const decoder = new StreamBatchDecoder(schema);
  const decoded = messages.map((message) => decoder.decode(message, 250));
  assert.deepEqual(canonicalRows(decoded), canonicalRows(table));
});

test('a truncated message fails as corrupt instead of waiting for bytes that never come', () => {
  const decoder = new StreamBatchDecoder(schema);
  decoder.decode(messages[0]!, 250);
  assert.throws(() => decoder.decode(messages[1]!.subarray(0, messages[1]!.byteLength - 100), 250), CorruptBatchError);
});

test('a message holding two batches, or another row count than the response says, fails as corrupt', () => {
  const twice = new Uint8Array(messages[0]!.byteLength + messages[1]!.byteLength);
  twice.set(messages[0]!);
  twice.set(messages[1]!, messages[0]!.byteLength);
  assert.throws(() => new StreamBatchDecoder(schema).decode(twice, 250), (err: Error) => err instanceof CorruptBatchError && /framing says/.test(err.message));
  assert.throws(() => new StreamBatchDecoder(schema).decode(messages[0]!, 249), /response said 249 rows but its record batch holds 250/);
});
