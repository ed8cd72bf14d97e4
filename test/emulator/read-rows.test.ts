import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as Status } from '@grpc/grpc-js';
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { CorruptBatchError, decodeRecordBatch } from '../../src/arrow/batch-message.js';
import { registerArrowCodecs } from '../../src/arrow/codecs.js';
import type { ReadApiClient } from '../../src/client/read-client.js';
import type { FaultSpec } from '../../src/emulator/faults.js';
import { RESPONSES_AHEAD } from '../../src/emulator/read-rows.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { formatRoutingHeader, ROUTING_HEADER } from '../../src/protocol/routing.js';
import { retryDelayFromMetadata } from '../../src/protocol/status-details.js';
import { canonicalRows } from '../helpers/canonical.js';
import { eventually } from '../helpers/demo-emulator.js';
import {
  assertGrpcError, decodeChunks, drain, emulatorClient, idsOf, metadataOf, RawReadClient, readSession, readStream, schemaOf,
  sessionRequest, tablePath, type StreamRead,
} from '../helpers/read-api.js';

const TABLE = tablePath('demo');
const OTHER = tablePath('other');
// 3000 rows in batches of 1000, served 250 rows per response: 12 responses on one stream.
const source = generateDemoTable({ rows: 3000, seed: 9, batchRows: 1000 });
const sourceRows = canonicalRows(source);
const allIds = sourceRows.map((_, i) => i);
let emulator: Emulator;
let client: ReadApiClient;

before(async () => {
  emulator = await startEmulator({
    tables: [{ table: TABLE, data: source }, { table: OTHER, data: source.slice(0, 500) }],
    maxBatchRows: 250,
    // No minimum storage block: tests here cut these small tables into several streams.
    storageBlockBytes: 0,
  });
  client = emulatorClient(emulator);
});

after(async () => {
  client.close();
  await emulator.close();
});

async function session(table = TABLE, readOptions = {}, maxStreamCount = 1) {
  return client.createReadSession(sessionRequest(table, readOptions, { maxStreamCount }));
}

function rowsOf(schema: Uint8Array, read: StreamRead) {
  assert.equal(read.error, undefined, read.error?.message);
  return canonicalRows(decodeChunks(schema, read.chunks));
}

/** Runs `body` with faults armed, disarming them whatever happens. */
async function withFaults(faults: FaultSpec[], body: () => Promise<void>): Promise<void> {
  for (const fault of faults) emulator.addFault(fault);
  try {
    await body();
  } finally {
    emulator.clearFaults();
  }
}

test('a stream sends the schema in its first response only, with row counts and progress to 1', async () => {
  const s = await session();
  const read = await readStream(client, s.streams[0]!.name);
  assert.equal(read.chunks.length, 12);
  assert.ok(read.chunks[0]!.schema && Buffer.from(read.chunks[0]!.schema).equals(Buffer.from(s.arrowSchema!.serializedSchema)));
  assert.ok(read.chunks.slice(1).every((c) => c.schema === undefined), 'no schema after the first response');
  assert.deepEqual(read.chunks.map((c) => c.rowCount), Array(12).fill(250));
  const progress = read.chunks.map((c) => c.progressAtEnd!);
  assert.ok(progress.every((p, i) => i === 0 || p > progress[i - 1]!), 'progress grows');
  assert.ok(Math.abs(progress[0]! - 250 / 3000) < 1e-9);
  assert.equal(progress.at(-1), 1);
  assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, read), sourceRows);
});

test('ReadRows at an offset inside a response resumes with exactly the remaining rows', async () => {
  const s = await session();
  const schema: Uint8Array = s.arrowSchema!.serializedSchema;
  const read = await readStream(client, s.streams[0]!.name, 1234);
  assert.equal(read.chunks[0]!.rowCount, 1250 - 1234, 'the first response is the rest of the interrupted one');
  assert.ok(read.chunks[0]!.schema, 'a resumed call starts with the schema too');
  assert.ok(Math.abs(read.chunks[0]!.progressAtEnd! - 1250 / 3000) < 1e-9);
  assert.deepEqual(rowsOf(schema, read), sourceRows.slice(1234));
  assert.deepEqual(rowsOf(schema, await readStream(client, s.streams[0]!.name, 1500)), sourceRows.slice(1500));
  assert.deepEqual(rowsOf(schema, await readStream(client, s.streams[0]!.name, 2999)), sourceRows.slice(2999));
});

test('resuming mid-response re-encodes the tail under buffer and response compression alike', async () => {
  await registerArrowCodecs();
  const options = [
    { arrowSerializationOptions: { bufferCompression: 'ZSTD' } },
    { arrowSerializationOptions: { bufferCompression: 'LZ4_FRAME' } },
    { responseCompressionCodec: 'RESPONSE_COMPRESSION_CODEC_LZ4' },
  ];
  for (const readOptions of options) {
    const s = await session(TABLE, readOptions);
    const read = await readStream(client, s.streams[0]!.name, 1234);
    assert.equal(read.chunks[0]!.rowCount, 16);
    assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, read), sourceRows.slice(1234), JSON.stringify(readOptions));
  }
});

test('ReadRows at the end sends nothing; beyond the end is FAILED_PRECONDITION, as the service answers', async () => {
  const s = await session();
  const atEnd = await readStream(client, s.streams[0]!.name, 3000);
  assert.equal(atEnd.error, undefined);
  assert.equal(atEnd.chunks.length, 0);
  const beyond = await readStream(client, s.streams[0]!.name, 3001);
  assert.equal(beyond.error?.code, Status.FAILED_PRECONDITION);
  assert.equal(beyond.error.details, 'offset 3001 has not been allocated yet');
});

test('ReadRows of an unknown stream is NOT_FOUND, of a malformed name INVALID_ARGUMENT', async () => {
  const s = await session();
  const unknown = `${s.name}/streams/doesnotexist`;
  const missing = await readStream(client, unknown);
  assert.equal(missing.error?.code, Status.NOT_FOUND);
  assert.match(missing.error.details, /doesnotexist.*not found/);
  const otherSession = await readStream(client, 'projects/test-project/locations/us/sessions/nosuch/streams/x');
  assert.equal(otherSession.error?.code, Status.NOT_FOUND);
  const malformed = await readStream(client, 'streams/oops');
  assert.equal(malformed.error?.code, Status.INVALID_ARGUMENT);
  assert.match(malformed.error.details, /Invalid stream name "streams\/oops"/);
});

test('an expired session is FAILED_PRECONDITION for ReadRows and SplitReadStream', async () => {
  const shortLived = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 250, sessionLifetimeMs: 50 });
  const shortClient = emulatorClient(shortLived);
  try {
    const s = await shortClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    await sleep(80);
    const read = await readStream(shortClient, s.streams[0]!.name);
    assert.equal(read.error?.code, Status.FAILED_PRECONDITION);
    assert.match(read.error.details, /session expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    await assertGrpcError(shortClient.splitReadStream(s.streams[0]!.name, 0.5), Status.FAILED_PRECONDITION, /session expired at/);
    // A new session makes the emulator drop the expired one's rows; readers of it still hear why.
    await shortClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    const late = await readStream(shortClient, s.streams[0]!.name);
    assert.equal(late.error?.code, Status.FAILED_PRECONDITION);
    assert.match(late.error.details, /session expired at/);
  } finally {
    shortClient.close();
    await shortLived.close();
  }
});

test('a stream the row restriction empties sends no responses at all, not even the schema', async () => {
  const s = await session(TABLE, { rowRestriction: 'id < 500' }, 4);
  assert.equal(s.streams.length, 4);
  const reads = await Promise.all(s.streams.map((st: { name: string }) => readStream(client, st.name)));
  assert.deepEqual(idsOf(rowsOf(s.arrowSchema!.serializedSchema, reads[0]!)), allIds.slice(0, 500));
  for (const read of reads.slice(1)) {
    assert.equal(read.error, undefined);
    assert.equal(read.chunks.length, 0);
  }
});

test('a table with no rows gives a session with a schema and no streams', async () => {
  const empty = tablePath('empty');
  emulator.addTable(empty, generateDemoTable({ rows: 0 }));
  const s = await session(empty, {}, 0);
  assert.deepEqual(s.streams, []);
  assert.equal(Number(s.estimatedRowCount), 0);
  assert.deepEqual(schemaOf(s.arrowSchema!.serializedSchema).fields.map((f) => f.name), source.schema.fields.map((f) => f.name));
});

test('responses over 4 MiB reach a client without a size limit; a default client gets RESOURCE_EXHAUSTED', async () => {
  const wide = tablePath('wide');
  const text = (i: number) => String.fromCharCode(97 + i).repeat(5 * 1024 * 1024);
  emulator.addTable(wide, new Table({ s: vectorFromArray([text(0), text(1), text(2)], new Utf8()) }));
  const s = await session(wide, {}, 1);
  const read = await readStream(client, s.streams[0]!.name);
  assert.equal(read.error, undefined);
  assert.ok(read.raw.every((r) => r.byteLength > 4 * 1024 * 1024), 'every response is over 4 MiB');
  const values = canonicalRows(decodeChunks(s.arrowSchema!.serializedSchema, read.chunks)).map((r) => (r as { s: string }).s);
  assert.deepEqual(values.map((v) => [v.length, v[0]]), [[5 << 20, 'a'], [5 << 20, 'b'], [5 << 20, 'c']]);

  const limited = new RawReadClient(emulator.address);
  try {
    const name = s.streams[0]!.name;
    const failed = await limited.readRows(name, 0, metadataOf({ [ROUTING_HEADER]: formatRoutingHeader({ read_stream: name }) }));
    assert.equal(failed.error?.code, Status.RESOURCE_EXHAUSTED);
    assert.match(failed.error.details, /larger than max/);
  } finally {
    limited.close();
  }
});

test('a long stream under flow control does not pile up listeners on the call', async () => {
  // One row per response: 300 responses outrun the call's buffer many times over.
  const narrow = await startEmulator({
    tables: [{ table: TABLE, data: new Table({ n: vectorFromArray(Int32Array.from(allIds.slice(0, 300))) }) }],
    maxBatchRows: 1,
  });
  const narrowClient = emulatorClient(narrow);
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    const s = await narrowClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    const read = await readStream(narrowClient, s.streams[0]!.name);
    assert.equal(read.chunks.length, 300);
    assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, read), allIds.slice(0, 300).map((n) => ({ n })));
    await sleep(10); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
    narrowClient.close();
    await narrow.close();
  }
  assert.deepEqual(warnings, []);
});

test('a reader that stops reading holds its call to RESPONSES_AHEAD responses written ahead; all arrive once it reads on', async () => {
  // 40 responses of 250 rows of 400 bytes, each over the 64 KiB HTTP/2 window a bare client has.
  const paused = tablePath('paused');
  const texts = Array.from({ length: 40 * 250 }, (_, i) => String(i).padEnd(400, '.'));
  emulator.addTable(paused, new Table({ s: vectorFromArray(texts, new Utf8()) }));
  const s = await session(paused, {}, 1);
  const name = s.streams[0]!.name;
  const raw = new RawReadClient(emulator.address);
  try {
    const call = raw.readRowsCall(name, 0, metadataOf({ [ROUTING_HEADER]: formatRoutingHeader({ read_stream: name }) }));
    const read = drain(call);
    await new Promise((resolve) => call.once('data', resolve));
    call.pause();
    // Long enough for the emulator to encode every response, were it not held back.
    await sleep(300);
    const ahead = emulator.stats.responsesAhead;
    assert.ok(ahead >= 1 && ahead <= RESPONSES_AHEAD, `${ahead} responses written ahead of a reader that stopped`);
    call.resume();
    const { chunks, error } = await read;
    assert.equal(error, undefined);
    assert.equal(chunks.length, 40);
    assert.deepEqual(canonicalRows(decodeChunks(s.arrowSchema!.serializedSchema, chunks)).map((r) => (r as { s: string }).s), texts);
    assert.equal(emulator.stats.responsesAhead, 0);
  } finally {
    raw.close();
  }
});

test('SplitReadStream: primary then remainder cover the original exactly, and the original still serves every row', async () => {
  const s = await session();
  const schema: Uint8Array = s.arrowSchema!.serializedSchema;
  const original: string = s.streams[0]!.name;
  const split = await client.splitReadStream(original, 0.25);
  assert.ok(split.primaryStream!.name.startsWith(`${s.name}/streams/`));
  assert.notEqual(split.primaryStream!.name, original);
  assert.notEqual(split.remainderStream!.name, split.primaryStream!.name);

  const primary = rowsOf(schema, await readStream(client, split.primaryStream!.name));
  const remainder = rowsOf(schema, await readStream(client, split.remainderStream!.name));
  assert.deepEqual(idsOf(primary), allIds.slice(0, 750), 'a quarter of the 12 responses');
  assert.deepEqual([...primary, ...remainder], sourceRows);
  assert.deepEqual(rowsOf(schema, await readStream(client, original)), sourceRows, 'storage.proto: the original can still be read as before');
});

test('SplitReadStream: the primary refuses an offset past its end (the reader has passed the split point)', async () => {
  const s = await session();
  const schema: Uint8Array = s.arrowSchema!.serializedSchema;
  const original: string = s.streams[0]!.name;
  // A reader 1000 rows into the original, which is then split at 750.
  assert.equal(idsOf(rowsOf(schema, await readStream(client, original, 2000))).length, 1000);
  const split = await client.splitReadStream(original, 0.25);
  const passed = await readStream(client, split.primaryStream!.name, 1000);
  assert.equal(passed.error?.code, Status.FAILED_PRECONDITION);
  assert.equal(passed.error.details, 'offset 1000 has not been allocated yet');
  // A reader short of the split point switches to the primary at its offset and ends at 750.
  assert.deepEqual(idsOf(rowsOf(schema, await readStream(client, split.primaryStream!.name, 600))), allIds.slice(600, 750));
  assert.deepEqual(rowsOf(schema, await readStream(client, split.primaryStream!.name, 750)), [], 'at its end the primary just ends');
});

test('SplitReadStream splits a remainder and a primary again, back to back', async () => {
  const s = await session();
  const schema: Uint8Array = s.arrowSchema!.serializedSchema;
  const first = await client.splitReadStream(s.streams[0]!.name, 0.5);
  const again = await client.splitReadStream(first.remainderStream!.name, 0.5);
  const head = rowsOf(schema, await readStream(client, again.primaryStream!.name));
  const tail = rowsOf(schema, await readStream(client, again.remainderStream!.name));
  assert.deepEqual(idsOf(head), allIds.slice(1500, 2250));
  assert.deepEqual([...head, ...tail], sourceRows.slice(1500));
  assert.deepEqual(rowsOf(schema, await readStream(client, first.remainderStream!.name)), sourceRows.slice(1500));
  const front = await client.splitReadStream(first.primaryStream!.name, 0.9);
  assert.deepEqual(idsOf(rowsOf(schema, await readStream(client, front.primaryStream!.name))), allIds.slice(0, 1250), '5 of 6 responses');
  assert.deepEqual(idsOf(rowsOf(schema, await readStream(client, front.remainderStream!.name))), allIds.slice(1250, 1500));
});

test('SplitReadStream cuts on storage blocks: at least one on each side, nearest the fraction', async () => {
  const bytes = Number((await session()).estimatedTotalBytesScanned);
  // Blocks of a quarter of the table: 4 blocks of 3 responses (750 rows) each.
  const quarters = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 250, storageBlockBytes: Math.floor(bytes / 4) });
  const quartersClient = emulatorClient(quarters);
  try {
    const s = await quartersClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    const schema: Uint8Array = s.arrowSchema!.serializedSchema;
    const read = async (name: string) => idsOf(rowsOf(schema, await readStream(quartersClient, name)));
    const early = await quartersClient.splitReadStream(s.streams[0]!.name, 0.1);
    assert.deepEqual(await read(early.primaryStream!.name), allIds.slice(0, 750), 'one block, not a tenth of the rows');
    const late = await quartersClient.splitReadStream(s.streams[0]!.name, 0.99);
    assert.deepEqual(await read(late.remainderStream!.name), allIds.slice(2250), 'one block left for the remainder');
    const middle = await quartersClient.splitReadStream(s.streams[0]!.name, 0.45);
    assert.deepEqual(await read(middle.remainderStream!.name), allIds.slice(1500), 'the block boundary nearest 0.45');
    const oneBlock = await quartersClient.splitReadStream(late.remainderStream!.name, 0.5);
    assert.equal(oneBlock.primaryStream ?? null, null, 'a one-block stream cannot split');
  } finally {
    quartersClient.close();
    await quarters.close();
  }
});

test('SplitReadStream: fraction outside (0, 1) is INVALID_ARGUMENT; a one-response stream cannot split', async () => {
  const s = await session();
  for (const fraction of [0, 1, 1.5, -0.5]) {
    await assertGrpcError(client.splitReadStream(s.streams[0]!.name, fraction), Status.INVALID_ARGUMENT, /fraction must be in the open interval \(0, 1\)/);
  }
  const small = await session(OTHER, { rowRestriction: 'id < 100' }, 2);
  assert.equal(small.streams.length, 2);
  const unsplittable = await client.splitReadStream(small.streams[0]!.name, 0.5);
  assert.equal(unsplittable.primaryStream ?? null, null);
  assert.equal(unsplittable.remainderStream ?? null, null);
  await assertGrpcError(client.splitReadStream(`${s.name}/streams/nope`, 0.5), Status.NOT_FOUND, /not found/);
});

test('fault error: UNAVAILABLE after N responses, once', async () => {
  await withFaults([{ kind: 'error', table: TABLE, afterResponses: 2 }], async () => {
    const s = await session();
    const failed = await readStream(client, s.streams[0]!.name);
    assert.equal(failed.chunks.length, 2);
    assert.equal(failed.error?.code, Status.UNAVAILABLE);
    assert.equal(failed.error.details, 'injected fault: UNAVAILABLE');
    // Resuming where the failure left off reads the rest: the fault fired its one time.
    const resumed = await readStream(client, s.streams[0]!.name, 500);
    assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, resumed), sourceRows.slice(500));
  });
});

test('fault error: INTERNAL with a message such as RST_STREAM', async () => {
  await withFaults([{ kind: 'error', code: 'INTERNAL', message: 'Received RST_STREAM with code 2', table: TABLE }], async () => {
    const s = await session();
    const failed = await readStream(client, s.streams[0]!.name);
    assert.equal(failed.chunks.length, 0);
    assert.equal(failed.error?.code, Status.INTERNAL);
    assert.match(failed.error.details, /Received RST_STREAM/);
  });
});

test('fault error: RESOURCE_EXHAUSTED carries its retry delay in grpc-status-details-bin', async () => {
  await withFaults([{ kind: 'error', code: 'RESOURCE_EXHAUSTED', retryDelayMs: 1500, afterResponses: 1, table: TABLE }], async () => {
    const s = await session();
    const failed = await readStream(client, s.streams[0]!.name);
    assert.equal(failed.error?.code, Status.RESOURCE_EXHAUSTED);
    assert.equal(retryDelayFromMetadata(failed.error.metadata), 1500);
  });
});

test('fault times: fires on that many calls, then disarms', async () => {
  await withFaults([{ kind: 'error', code: 'ABORTED', times: 2, table: TABLE }], async () => {
    const s = await session();
    const name: string = s.streams[0]!.name;
    assert.equal((await readStream(client, name)).error?.code, Status.ABORTED);
    assert.equal((await readStream(client, name)).error?.code, Status.ABORTED);
    assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, await readStream(client, name)), sourceRows);
  });
});

test('fault filters: only the given stream index of sessions on the given table', async () => {
  await withFaults([{ kind: 'error', stream: 1, times: 10, table: TABLE }, { kind: 'error', code: 'DATA_LOSS', table: OTHER }], async () => {
    const s = await session(TABLE, { selectedFields: ['id'] }, 3);
    const reads = [];
    for (const st of s.streams as { name: string }[]) reads.push(await readStream(client, st.name));
    assert.equal(reads[0]!.error, undefined);
    assert.equal(reads[1]!.error?.code, Status.UNAVAILABLE);
    assert.equal(reads[2]!.error, undefined);
    assert.ok(reads[0]!.chunks.length > 0 && reads[2]!.chunks.length > 0);

    const other = await session(OTHER);
    assert.equal((await readStream(client, other.streams[0]!.name)).error?.code, Status.DATA_LOSS);
  });
});

test('faults given to startEmulator are armed from the start', async () => {
  const faulty = await startEmulator({ tables: [{ table: OTHER, data: source.slice(0, 500) }], faults: [{ kind: 'error', code: 'UNAVAILABLE' }] });
  const faultyClient = emulatorClient(faulty);
  try {
    const s = await faultyClient.createReadSession(sessionRequest(OTHER));
    assert.equal((await readStream(faultyClient, s.streams[0]!.name)).error?.code, Status.UNAVAILABLE);
    assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, await readStream(faultyClient, s.streams[0]!.name)), sourceRows.slice(0, 500));
  } finally {
    faultyClient.close();
    await faulty.close();
  }
});

test('fault drop: the connection closes under the call', async () => {
  await withFaults([{ kind: 'drop', afterResponses: 2, table: TABLE }], async () => {
    const s = await session();
    const connectionsBefore = emulator.openConnections();
    assert.ok(connectionsBefore >= 1);
    const dropped = await readStream(client, s.streams[0]!.name);
    assert.ok(dropped.error, 'the call fails');
    assert.ok([Status.UNAVAILABLE, Status.INTERNAL].includes(dropped.error.code), `code ${dropped.error.code}: ${dropped.error.details}`);
    // A reset may still take the last response with it (TCP discards what the peer had not read).
    assert.ok(dropped.chunks.length >= 1 && dropped.chunks.length <= 2, `${dropped.chunks.length} responses before the drop`);
    // The channel reconnects; the drop fired its one time.
    assert.deepEqual(rowsOf(s.arrowSchema!.serializedSchema, await readStream(client, s.streams[0]!.name)), sourceRows);
  });
});

test('fault drop after N large responses: they go out before the connection does', async () => {
  const big = await startEmulator({ tables: [{ table: TABLE, data: generateDemoTable({ rows: 30_000, seed: 3 }) }] });
  const bigClient = emulatorClient(big);
  try {
    big.addFault({ kind: 'drop', afterResponses: 3 });
    const s = await bigClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    const dropped = await readStream(bigClient, s.streams[0]!.name);
    assert.ok(dropped.error, 'the call fails');
    assert.ok(dropped.raw[0]!.byteLength > 512 * 1024, 'responses of about 1 MiB, more than a socket buffer holds');
    // Before the drop waited for its responses to go out, none of them reached the client; a reset
    // may still take the last one with it (TCP discards what the peer had not read yet).
    assert.ok(dropped.chunks.length >= 2 && dropped.chunks.length <= 3, `${dropped.chunks.length} of 3 responses arrived`);
  } finally {
    bigClient.close();
    await big.close();
  }
});

test('fault delay: a straggler stream takes at least the delay per response; times limits the calls it slows', async () => {
  await withFaults([{ kind: 'delay', delayMs: 150, stream: 1, times: 1, table: TABLE }], async () => {
    const s = await session(TABLE, { selectedFields: ['id'] }, 4); // 3 responses per stream
    const timed = async (name: string) => {
      const start = performance.now();
      const read = await readStream(client, name);
      assert.equal(read.error, undefined);
      assert.equal(read.chunks.length, 3);
      return performance.now() - start;
    };
    const straggler = await timed(s.streams[1]!.name);
    assert.ok(straggler >= 3 * 150 - 5, `straggler took ${straggler} ms`);
    // Its one call is spent: the next read of the same stream is not delayed.
    const again = await timed(s.streams[1]!.name);
    assert.ok(again < 300, `disarmed after one call, yet took ${again} ms`);
  });
});

test('fault throttle: every response reports the throttle percent until disarmed', async () => {
  await withFaults([{ kind: 'throttle', throttlePercent: 40, table: TABLE }, { kind: 'throttle', throttlePercent: 15, times: 1, table: OTHER }], async () => {
    const s = await session();
    const read = await readStream(client, s.streams[0]!.name);
    assert.deepEqual(read.chunks.map((c) => c.throttlePercent), Array(12).fill(40));
    const other = await session(OTHER);
    const first = await readStream(client, other.streams[0]!.name);
    assert.ok(first.chunks.length > 1 && first.chunks.every((c) => c.throttlePercent === 15));
    const second = await readStream(client, other.streams[0]!.name);
    assert.ok(second.chunks.every((c) => c.throttlePercent === 0), 'times: 1 disarms after one call');
  });
  const s = await session();
  assert.ok((await readStream(client, s.streams[0]!.name)).chunks.every((c) => c.throttlePercent === 0));
});

test('fault corrupt: that one response no longer decodes, the others do', async () => {
  await withFaults([{ kind: 'corrupt', afterResponses: 1, table: TABLE }], async () => {
    const s = await session();
    const schema: Uint8Array = s.arrowSchema!.serializedSchema;
    const read = await readStream(client, s.streams[0]!.name);
    assert.equal(read.error, undefined);
    assert.equal(read.chunks.length, 12);
    assert.equal(read.chunks[1]!.rowCount, 250);
    assert.throws(() => decodeRecordBatch(schema, read.chunks[1]!.recordBatch!, 250), CorruptBatchError);
    assert.deepEqual(canonicalRows(decodeChunks(schema, [read.chunks[0]!, ...read.chunks.slice(2)])), [
      ...sourceRows.slice(0, 250),
      ...sourceRows.slice(500),
    ]);
    assert.deepEqual(canonicalRows(await readSession(client, s)), sourceRows, 'the next call is clean');
  });
});

test('close() ends promptly while a client is still connected, even mid-stream', async () => {
  const doomed = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 250 });
  const doomedClient = emulatorClient(doomed);
  try {
    doomed.addFault({ kind: 'delay', delayMs: 200, afterResponses: 1 });
    const s = await doomedClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    const reading = readStream(doomedClient, s.streams[0]!.name);
    await sleep(50);
    assert.equal(doomed.openConnections(), 1);
    const start = performance.now();
    await doomed.close();
    assert.ok(performance.now() - start < 1000, `close took ${performance.now() - start} ms`);
    assert.equal(doomed.openConnections(), 0);
    const read = await reading;
    assert.equal(read.error?.code, Status.UNAVAILABLE, `the cut call fails: ${read.error?.details}`);
    assert.ok(read.chunks.length < 12);
  } finally {
    doomedClient.close();
    await doomed.close();
  }
});

test('a delay fault ends with its call: a closed emulator leaves no delay timer holding the process open', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  const doomed = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 250 });
  const doomedClient = emulatorClient(doomed);
  try {
    doomed.addFault({ kind: 'delay', delayMs: 600_000, afterResponses: 1 });
    const s = await doomedClient.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 1 }));
    const reading = readStream(doomedClient, s.streams[0]!.name);
    await sleep(50);
    await doomed.close();
    assert.ok((await reading).chunks.length < 12);
  } finally {
    doomedClient.close();
    await doomed.close();
  }
  assert.ok(await eventually(() => timers() <= before), `${timers() - before} timer(s) left`);
});

test('fault drop also cuts the connection on an IPv6 loopback emulator', async () => {
  const v6 = await startEmulator({ host: '::1', tables: [{ table: OTHER, data: source.slice(0, 500) }], maxBatchRows: 100 });
  const v6Client = emulatorClient(v6);
  try {
    assert.match(v6.address, /^\[::1\]:\d+$/);
    v6.addFault({ kind: 'drop', afterResponses: 1 });
    const s = await v6Client.createReadSession(sessionRequest(OTHER, {}, { maxStreamCount: 1 }));
    const dropped = await readStream(v6Client, s.streams[0]!.name);
    assert.ok(dropped.error && [Status.UNAVAILABLE, Status.INTERNAL].includes(dropped.error.code), `got ${dropped.error?.code}`);
  } finally {
    v6Client.close();
    await v6.close();
  }
});

test('fault corrupt under response compression: the LZ4 block is sound, the Arrow message inside is not', async () => {
  await withFaults([{ kind: 'corrupt', table: TABLE }], async () => {
    const s = await session(TABLE, { responseCompressionCodec: 'RESPONSE_COMPRESSION_CODEC_LZ4' });
    const schema: Uint8Array = s.arrowSchema!.serializedSchema;
    const read = await readStream(client, s.streams[0]!.name);
    assert.equal(read.error, undefined);
    assert.throws(() => decodeChunks(schema, read.chunks.slice(0, 1)), CorruptBatchError);
    assert.deepEqual(canonicalRows(decodeChunks(schema, read.chunks.slice(1))), sourceRows.slice(250));
  });
});
