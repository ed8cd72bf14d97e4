import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as Status } from '@grpc/grpc-js';
import type { DataType } from 'apache-arrow';
import { childFields, schemaFields } from '../../src/arrow/child-fields.js';
import { registerArrowCodecs } from '../../src/arrow/codecs.js';
import type { ReadApiClient } from '../../src/client/read-client.js';
import type { CreateReadSessionRequest } from '../../src/protocol/messages.js';
import { readApiTypes } from '../../src/protocol/protos.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows, type Canonical } from '../helpers/canonical.js';
import {
  assertGrpcError, decodeChunks, emulatorClient, idsOf, readRows, readSession, readStream, schemaOf,
  sessionRequest, tablePath,
} from '../helpers/read-api.js';

/** The canonical form of the demo table's rows, as far as these tests look into them. */
type Row = {
  id: string;
  f_string: string | null;
  f_bool: boolean | null;
  f_json: string | null;
  rec: { a: string; inner: { x: Canonical } | null } | null;
  r_rec: ({ k: Canonical } | null)[] | null;
};

const TABLE = tablePath('demo');
const LIFETIME_MS = 3_600_000;
// 3000 rows in batches of 1000, served 250 rows per response: 12 responses in all.
const source = generateDemoTable({ rows: 3000, seed: 5, batchRows: 1000 });
const sourceRows = canonicalRows(source) as Row[];
let emulator: Emulator;
let client: ReadApiClient;

before(async () => {
  await registerArrowCodecs();
  emulator = await startEmulator({
    tables: [{ table: TABLE, data: source }],
    maxBatchRows: 250,
    sessionLifetimeMs: LIFETIME_MS,
    // No minimum storage block (a block may be one row): the stream-count tests here ask this small
    // table for up to 1000 streams; stream-count.test.ts checks the block model itself.
    storageBlockBytes: 0,
  });
  client = emulatorClient(emulator);
});

after(async () => {
  client.close();
  await emulator.close();
});

const request = sessionRequest;

test('selected_fields keeps top-level columns in table order, whatever the request order', async () => {
  const session = await client.createReadSession(request(TABLE, { selectedFields: ['f_string', 'id', 'f_bool'] }));
  assert.deepEqual(schemaOf(session.arrowSchema!.serializedSchema).fields.map((f) => f.name), ['id', 'f_string', 'f_bool']);
  const rows = canonicalRows(await readSession(client, session));
  assert.deepEqual(rows, sourceRows.map((r) => ({ id: r.id, f_string: r.f_string, f_bool: r.f_bool })));
});

test('selected_fields picks nested fields of a RECORD and of a REPEATED RECORD', async () => {
  const session = await client.createReadSession(
    request(TABLE, { selectedFields: ['r_rec.k', 'rec.inner.x', 'id', 'rec.a'] }),
  );
  const schema = schemaOf(session.arrowSchema!.serializedSchema);
  assert.deepEqual(schema.fields.map((f) => f.name), ['id', 'rec', 'r_rec']);
  const names = (type: DataType) => childFields(type).map((f) => f.name);
  const [, rec, rRec] = schemaFields(schema);
  assert.deepEqual(names(rec!.type), ['a', 'inner']);
  assert.deepEqual(names(childFields(rec!.type)[1]!.type), ['x']);
  assert.deepEqual(names(childFields(rRec!.type)[0]!.type), ['k']);

  const expected = sourceRows.map((r) => ({
    id: r.id,
    rec: r.rec === null ? null : { a: r.rec.a, inner: r.rec.inner === null ? null : { x: r.rec.inner.x } },
    r_rec: r.r_rec === null ? null : r.r_rec.map((item) => (item === null ? null : { k: item.k })),
  }));
  assert.ok(expected.some((r) => r.rec?.inner?.x != null) && expected.some((r) => (r.r_rec?.length ?? 0) > 1), 'data exercises both');
  assert.deepEqual(canonicalRows(await readSession(client, session)), expected);
});

test('selected_fields with a RECORD and fields of it reads the whole RECORD once, in any order', async () => {
  const recType = String(source.schema.fields.find((f) => f.name === 'rec')!.type);
  const expected = sourceRows.map((r) => ({ rec: r.rec }));
  for (const selectedFields of [['rec', 'rec.a'], ['rec.a', 'rec'], ['rec.inner.x', 'rec', 'rec.inner']]) {
    const session = await client.createReadSession(request(TABLE, { selectedFields }));
    const schema = schemaOf(session.arrowSchema!.serializedSchema);
    assert.deepEqual(schema.fields.map((f) => `${f.name}: ${String(f.type)}`), [`rec: ${recType}`], selectedFields.join());
    assert.deepEqual(canonicalRows(await readSession(client, session)), expected, selectedFields.join());
  }
});

test('selected_fields naming nothing in the table is INVALID_ARGUMENT naming the field', async () => {
  await assertGrpcError(client.createReadSession(request(TABLE, { selectedFields: ['id', 'nope'] })), Status.INVALID_ARGUMENT, /"nope"/);
  await assertGrpcError(client.createReadSession(request(TABLE, { selectedFields: ['rec.zz'] })), Status.INVALID_ARGUMENT, /"rec\.zz"/);
  await assertGrpcError(client.createReadSession(request(TABLE, { selectedFields: ['id.x'] })), Status.INVALID_ARGUMENT, /"id" is not a RECORD/);
});

test('row_restriction keeps exactly the rows the predicate holds for', async () => {
  const cases: [string, (r: Row) => boolean][] = [
    ['id < 10', (r) => Number(r.id) < 10],
    ['id BETWEEN 100 AND 120 OR id IN (5, 2999)', (r) => (Number(r.id) >= 100 && Number(r.id) <= 120) || ['5', '2999'].includes(r.id)],
    ['f_string IS NULL AND id < 600', (r) => r.f_string === null && Number(r.id) < 600],
    ["f_string LIKE '#1%' AND f_bool = TRUE", (r) => r.f_string?.startsWith('#1') === true && r.f_bool === true],
    ['rec.a > 0 AND NOT (id >= 300)', (r) => r.rec !== null && BigInt(r.rec.a) > 0n && Number(r.id) < 300],
  ];
  for (const [restriction, keep] of cases) {
    const expected = sourceRows.filter(keep);
    assert.ok(expected.length > 0, `${restriction} keeps some rows`);
    assert.ok(expected.length < sourceRows.length, `${restriction} drops some rows`);
    assert.deepEqual(await readRows(client, request(TABLE, { rowRestriction: restriction })), expected, restriction);
  }
});

test('a bad row_restriction is INVALID_ARGUMENT saying what is wrong', async () => {
  await assertGrpcError(client.createReadSession(request(TABLE, { rowRestriction: 'id = ' })), Status.INVALID_ARGUMENT, /row_restriction/);
  await assertGrpcError(client.createReadSession(request(TABLE, { rowRestriction: 'id < 10 AND (f_bool' })), Status.INVALID_ARGUMENT, /row_restriction/);
  await assertGrpcError(client.createReadSession(request(TABLE, { rowRestriction: 'no_such_col = 1' })), Status.INVALID_ARGUMENT, /no_such_col/);
});

test('sample_percentage keeps about that share of rows, the same ones every time', async () => {
  const first = await readRows(client, request(TABLE, { samplePercentage: 10 }));
  const second = await readRows(client, request(TABLE, { samplePercentage: 10 }));
  assert.ok(first.length > 200 && first.length < 400, `10% of 3000 rows, got ${first.length}`);
  assert.deepEqual(second, first);
  // Sampled rows are whole source rows, in table order.
  const ids = idsOf(first);
  assert.deepEqual(first, ids.map((id) => sourceRows[id]));
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!));

  const half = await readRows(client, request(TABLE, { samplePercentage: 50 }));
  assert.ok(half.length > 1300 && half.length < 1700, `50% of 3000 rows, got ${half.length}`);
  assert.equal((await readRows(client, request(TABLE, { samplePercentage: 100 }))).length, 3000);
});

test('sample_percentage outside (0, 100] is INVALID_ARGUMENT', async () => {
  for (const bad of [0, -5, 100.5]) {
    await assertGrpcError(
      client.createReadSession(request(TABLE, { samplePercentage: bad })),
      Status.INVALID_ARGUMENT,
      new RegExp(`sample_percentage must be in \\(0, 100\\] \\(got ${bad}\\)`),
    );
  }
});

test('table_modifiers.snapshot_time reads the table as it was then', async () => {
  const growing = tablePath('growing');
  const firstRows = source.slice(0, 1000);
  const laterRows = source.slice(1000, 1600);
  emulator.addTable(growing, firstRows);
  await sleep(25);
  const between = Date.now();
  await sleep(25);
  emulator.appendRows(growing, laterRows);

  const at = (ms: number) => ({ readSession: { tableModifiers: { snapshotTime: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } } } });
  assert.deepEqual(await readRows(client, request(growing, {}, at(between))), canonicalRows(firstRows));
  assert.deepEqual(await readRows(client, request(growing)), [...canonicalRows(firstRows), ...canonicalRows(laterRows)]);
  const session = await client.createReadSession(request(growing, {}, at(between)));
  assert.equal(Number(session.estimatedRowCount), 1000);
  assert.equal(Number(session.tableModifiers?.snapshotTime?.seconds), Math.floor(between / 1000));

  await assertGrpcError(client.createReadSession(request(growing, {}, at(Date.now() + 60_000))), Status.INVALID_ARGUMENT, /snapshot_time .* in the future/);
  await assertGrpcError(client.createReadSession(request(growing, {}, at(between - 60_000))), Status.INVALID_ARGUMENT, /snapshot_time .* was created at/);
});

test('max_stream_count gives exactly that many streams when the rows allow it, covering every row once', async () => {
  for (const count of [1, 5, 10, 999]) {
    const session = await client.createReadSession(request(TABLE, { selectedFields: ['id'] }, { maxStreamCount: count }));
    assert.equal(session.streams.length, count, `max_stream_count ${count}`);
    assert.equal(new Set(session.streams.map((s: { name: string }) => s.name)).size, count);
    if (count <= 10) {
      const rows = canonicalRows(await readSession(client, session));
      assert.deepEqual(idsOf(rows), sourceRows.map((_, i) => i), `max_stream_count ${count} rows`);
    }
  }
});

test('max_stream_count is capped at 1000, and a table with fewer rows gets a stream per row', async () => {
  const capped = await client.createReadSession(request(TABLE, { selectedFields: ['id'] }, { maxStreamCount: 5000 }));
  assert.equal(capped.streams.length, 1000);
  assert.deepEqual(idsOf(canonicalRows(await readSession(client, capped))), sourceRows.map((_, i) => i));

  const tiny = tablePath('tiny');
  emulator.addTable(tiny, source.slice(0, 4));
  const session = await client.createReadSession(request(tiny, {}, { maxStreamCount: 10 }));
  assert.equal(session.streams.length, 4);
  assert.deepEqual(canonicalRows(await readSession(client, session)), sourceRows.slice(0, 4));
});

test('preferred_min_stream_count raises the server-chosen stream count', async () => {
  const serverChoice = await client.createReadSession(request(TABLE));
  assert.equal(serverChoice.streams.length, 1);
  const preferred = await client.createReadSession(request(TABLE, { selectedFields: ['id'] }, { preferredMinStreamCount: 7 }));
  assert.equal(preferred.streams.length, 7);
  assert.deepEqual(idsOf(canonicalRows(await readSession(client, preferred))), sourceRows.map((_, i) => i));
});

test('preferred_min_stream_count above a non-zero max_stream_count is INVALID_ARGUMENT, as the service answers', async () => {
  await assertGrpcError(
    client.createReadSession(request(TABLE, {}, { maxStreamCount: 1, preferredMinStreamCount: 2 })),
    Status.INVALID_ARGUMENT,
    /preferred_min_stream_count must be less than or equal to max_stream_count/,
  );
  const equal = await client.createReadSession(request(TABLE, { selectedFields: ['id'] }, { maxStreamCount: 3, preferredMinStreamCount: 3 }));
  assert.equal(equal.streams.length, 3);
});

test('negative stream counts are INVALID_ARGUMENT', async () => {
  await assertGrpcError(client.createReadSession(request(TABLE, {}, { maxStreamCount: -1 })), Status.INVALID_ARGUMENT, /max_stream_count must not be negative \(got -1\)/);
  await assertGrpcError(client.createReadSession(request(TABLE, {}, { preferredMinStreamCount: -2 })), Status.INVALID_ARGUMENT, /preferred_min_stream_count must not be negative/);
});

/** Reads one stream's raw record-batch messages and decoded rows. */
async function readCompressed(compression: string): Promise<{ messages: Uint8Array[]; rows: Canonical[] }> {
  const session = await client.createReadSession(
    request(TABLE, { selectedFields: ['id', 'f_string', 'f_json'], arrowSerializationOptions: { bufferCompression: compression } }),
  );
  assert.equal(session.readOptions?.arrowSerializationOptions?.bufferCompression, compression);
  const read = await readStream(client, session.streams[0]!.name);
  assert.equal(read.error, undefined);
  return {
    messages: read.chunks.map((c) => c.recordBatch!),
    rows: canonicalRows(decodeChunks(session.arrowSchema!.serializedSchema, read.chunks)),
  };
}

test('buffer_compression LZ4_FRAME and ZSTD really compress the Arrow buffers, and the values survive', async () => {
  const plain = await readCompressed('COMPRESSION_UNSPECIFIED');
  const expected = sourceRows.map((r) => ({ id: r.id, f_string: r.f_string, f_json: r.f_json }));
  assert.deepEqual(plain.rows, expected);
  const plainBytes = plain.messages.reduce((n, m) => n + m.byteLength, 0);
  for (const codec of ['LZ4_FRAME', 'ZSTD']) {
    const compressed = await readCompressed(codec);
    assert.deepEqual(compressed.rows, expected, codec);
    assert.equal(compressed.messages.length, plain.messages.length);
    assert.ok(!Buffer.from(compressed.messages[0]!).equals(Buffer.from(plain.messages[0]!)), `${codec} bytes differ`);
    const bytes = compressed.messages.reduce((n, m) => n + m.byteLength, 0);
    assert.ok(bytes < plainBytes * 0.8, `${codec}: ${bytes} bytes vs ${plainBytes} uncompressed`);
  }
});

test('response_compression_codec LZ4 sends LZ4 blocks with uncompressed_byte_size, and rows come back exact', async () => {
  const session = await client.createReadSession(request(TABLE, { responseCompressionCodec: 'RESPONSE_COMPRESSION_CODEC_LZ4' }));
  const read = await readStream(client, session.streams[0]!.name);
  assert.equal(read.error, undefined);
  for (const chunk of read.chunks) {
    assert.ok(chunk.uncompressedByteSize! > chunk.recordBatch!.byteLength, `${chunk.uncompressedByteSize} > ${chunk.recordBatch!.byteLength}`);
  }
  assert.deepEqual(canonicalRows(decodeChunks(session.arrowSchema!.serializedSchema, read.chunks)), sourceRows);

  const plain = await client.createReadSession(request(TABLE));
  const plainRead = await readStream(client, plain.streams[0]!.name);
  const { ReadRowsResponse } = readApiTypes();
  const onWire = (raw: Buffer) => Object.hasOwn(ReadRowsResponse.decode(raw), 'uncompressedByteSize');
  assert.ok(read.raw.every(onWire));
  assert.ok(!plainRead.raw.some(onWire), 'not set without response compression');
});

test('buffer_compression together with response_compression_codec is INVALID_ARGUMENT', async () => {
  await assertGrpcError(
    client.createReadSession(request(TABLE, {
      responseCompressionCodec: 'RESPONSE_COMPRESSION_CODEC_LZ4',
      arrowSerializationOptions: { bufferCompression: 'ZSTD' },
    })),
    Status.INVALID_ARGUMENT,
    /buffer_compression and response_compression_codec/,
  );
});

test('the session carries service-shaped names, expiry, estimates and the request echoed back', async () => {
  const before = Date.now();
  const session = await client.createReadSession(request(TABLE, {}, { maxStreamCount: 3 }));
  const afterMs = Date.now();
  assert.match(session.name, /^projects\/test-project\/locations\/us\/sessions\/[A-Za-z0-9_-]{20,}$/);
  for (const stream of session.streams as { name: string }[]) {
    assert.ok(stream.name.startsWith(`${session.name}/streams/`), stream.name);
    assert.match(stream.name, /\/streams\/[A-Za-z0-9_-]{8,}$/);
  }
  const expireTime = session.expireTime!;
  const expireMs = Number(expireTime.seconds) * 1000 + expireTime.nanos / 1e6;
  assert.ok(expireMs >= before + LIFETIME_MS - 1 && expireMs <= afterMs + LIFETIME_MS + 1, `expire ${expireMs}`);
  assert.equal(session.table, TABLE);
  assert.equal(session.dataFormat, 'ARROW');
  assert.equal(Number(session.estimatedRowCount), 3000);
  const fullBytes = Number(session.estimatedTotalBytesScanned);
  assert.ok(fullBytes > 3000 * 8, `bytes scanned ${fullBytes}`);
  const narrow = await client.createReadSession(request(TABLE, { selectedFields: ['id'] }));
  const narrowBytes = Number(narrow.estimatedTotalBytesScanned);
  assert.ok(narrowBytes >= 3000 * 8 && narrowBytes < fullBytes, `one column scans less: ${narrowBytes} < ${fullBytes}`);
  assert.deepEqual(narrow.readOptions?.selectedFields, ['id']);
});

test('an unknown table is NOT_FOUND', async () => {
  await assertGrpcError(client.createReadSession(request(tablePath('missing'))), Status.NOT_FOUND, /Not found: Table test-project:ds\.missing/);
});

test('malformed parent or table paths, AVRO and an unspecified format are INVALID_ARGUMENT', async () => {
  const bad = async (req: CreateReadSessionRequest, pattern: RegExp) =>
    assertGrpcError(client.createReadSession(req), Status.INVALID_ARGUMENT, pattern);
  await bad({ ...request(TABLE), parent: 'test-project' }, /Invalid parent "test-project"/);
  await bad({ ...request(TABLE), parent: 'projects/Bad_Project!' }, /Invalid parent/);
  await bad(request('test-project.ds.demo'), /Invalid table "test-project\.ds\.demo": expected projects\/\{project_id\}/);
  await bad(request('projects/test-project/datasets/bad-dataset/tables/demo'), /invalid dataset id "bad-dataset"/);
  await bad(request(TABLE, {}, { readSession: { dataFormat: 'AVRO' } }), /AVRO/);
  await bad(request(TABLE, {}, { readSession: { dataFormat: 'DATA_FORMAT_UNSPECIFIED' } }), /data_format must be ARROW/);
});
