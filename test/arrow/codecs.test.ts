import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressionType, compressionRegistry } from 'apache-arrow';
import { CorruptBatchError, decodeRecordBatch } from '../../src/arrow/batch-message.js';
import { registerArrowCodecs } from '../../src/arrow/codecs.js';
import { encodeBatchMessage, encodeSchemaMessage } from '../../src/arrow/ipc-messages.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';

// 64 Int32 squares (0, 1, 4, ...) as a ZSTD encoder wrote them (@bokuweb/zstd-wasm 0.0.27, level 1):
// a fixed frame, so a change of codec library must still decode what conforming encoders (the
// service's included) write.
const FOREIGN_FRAME = '28b52ffd6000000d0500d2ce242b806b9a039b6aa095a584b5b294b056765ac65a594a582b4b099b2d8ca686d2280a'
  + '3511b2bbed2da5943205531ca6b4270f4fde92882595231447a42118432e471d47d3d1c0906648e121f1c3f2b3f133fd14ec6c762076a41dc72e'
  + 'b34bd8bddbc50d7333601633ccec60f65e19afcc8be125bd00569b55c56a5a2dac2c2b018d6b3ef1e90dbf1ce1d2095e79c0dfa1b7ab0f0340188a'
  + 'b3a17c8c06b210';

test('a fixed ZSTD frame decodes to the bytes it was made of', async () => {
  await registerArrowCodecs();
  const squares = new Uint8Array(Int32Array.from({ length: 64 }, (_, i) => i * i).buffer);
  assert.deepEqual(new Uint8Array(compressionRegistry.get(CompressionType.ZSTD)!.decode!(Buffer.from(FOREIGN_FRAME, 'hex'))), squares);
});

test('a batch compressed with LZ4_FRAME or ZSTD decodes to the very bytes of the uncompressed one', async () => {
  await registerArrowCodecs();
  const table = generateDemoTable({ rows: 2000, seed: 9 });
  const schemaMessage = encodeSchemaMessage(table.schema);
  const batch = table.batches[0]!;
  const plain = encodeBatchMessage(batch, schemaMessage.byteLength);
  for (const codec of [CompressionType.LZ4_FRAME, CompressionType.ZSTD]) {
    const compressed = encodeBatchMessage(batch, schemaMessage.byteLength, codec);
    assert.ok(compressed.byteLength < plain.byteLength * 0.8, `${CompressionType[codec]} compresses`);
    const decoded = decodeRecordBatch(schemaMessage, compressed, batch.numRows);
    assert.deepEqual(encodeBatchMessage(decoded, schemaMessage.byteLength), plain);
  }
});

test('a ZSTD batch whose compressed bytes are broken is a CorruptBatchError', async () => {
  await registerArrowCodecs();
  const table = generateDemoTable({ rows: 2000, seed: 9 });
  const schemaMessage = encodeSchemaMessage(table.schema);
  const message = encodeBatchMessage(table.batches[0]!, schemaMessage.byteLength, CompressionType.ZSTD);
  // Each compressed buffer's frame starts with ZSTD's magic number; break the last one's.
  const broken = Buffer.from(message);
  const frame = broken.lastIndexOf(Buffer.from('28b52ffd', 'hex'));
  assert.ok(frame > 0);
  broken[frame] = 0;
  assert.throws(() => decodeRecordBatch(schemaMessage, broken, 2000), CorruptBatchError);
});
