import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { RecordBatchReader, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { loadNdjsonTable } from '../../src/emulator/sources/ndjson.js';
import { canonicalRows } from '../helpers/canonical.js';
import { readableRows } from '../helpers/bq-values.js';
import {
  batchBytes, googleReadClient, googleReadRows, sessionSchema, streamNames, type GoogleReadClient,
} from '../helpers/google-read-client.js';
import { FIRST_ROW_VALUES, TYPES_FIELDS, typesNdjson } from '../helpers/types-table.js';

// Google's own client, unchanged, reading an NDJSON + schema table (as `bqread emulator --table
// t=rows.ndjson:schema.json` serves it) of the types whose Arrow form depends on the column.

const TABLE_PATH = 'projects/test-project/datasets/ds/tables/types';
const ROWS = 400;
let dir: string;
let emulator: Emulator;
let client: GoogleReadClient;
let source: import('apache-arrow').Table;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-types-'));
  writeFileSync(path.join(dir, 'types.ndjson'), typesNdjson(ROWS));
  writeFileSync(path.join(dir, 'types.schema.json'), JSON.stringify(TYPES_FIELDS));
  source = loadNdjsonTable(path.join(dir, 'types.ndjson'), path.join(dir, 'types.schema.json'));
  // No minimum storage block, so that this small table is read across several streams.
  emulator = await startEmulator({ tables: [{ table: TABLE_PATH, data: source }], maxBatchRows: 60, storageBlockBytes: 0 });
  client = googleReadClient(emulator);
});

after(async () => {
  await client.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function createSession(readOptions: Record<string, unknown> = {}, maxStreamCount = 3) {
  const [session] = await client.createReadSession({
    parent: 'projects/test-project',
    readSession: { table: TABLE_PATH, dataFormat: 'ARROW', readOptions },
    maxStreamCount,
  });
  return session;
}

/** Every response of a ReadRows call, decoded against the session schema. */
async function readStream(schema: Uint8Array, stream: string, offset = 0) {
  const batches: RecordBatch[] = [];
  const responseSchemas: (Uint8Array | null)[] = [];
  for await (const response of googleReadRows(client, { readStream: stream, offset })) {
    responseSchemas.push((response.arrowSchema?.serializedSchema as Uint8Array | undefined) ?? null);
    batches.push(...RecordBatchReader.from([schema, batchBytes(response)]).readAll());
  }
  return { batches, responseSchemas };
}

function schemaOf(bytes: Uint8Array): Schema {
  const reader = RecordBatchReader.from(bytes);
  reader.open();
  return reader.schema;
}

const describe = (f: Field) => ({ type: String(f.type), nullable: f.nullable, metadata: Object.fromEntries(f.metadata) });
const DATETIME = { 'ARROW:extension:name': 'google:sqlType:datetime' };
const INTERVAL = { 'ARROW:extension:name': 'google:sqlType:interval' };

test('the official client decodes the column-dependent Arrow types and field metadata', async () => {
  const session = await createSession();
  const schema = schemaOf(sessionSchema(session));
  const field = (name: string) => schema.fields.find((f) => f.name === name)!;
  assert.deepEqual(describe(field('dt')), { type: 'Timestamp<MICROSECOND>', nullable: true, metadata: DATETIME });
  assert.deepEqual(describe(field('ts')), { type: 'Timestamp<MICROSECOND, UTC>', nullable: true, metadata: {} });
  assert.deepEqual(describe(field('price')), { type: 'Decimal[10e+2]', nullable: true, metadata: {} });
  assert.deepEqual(describe(field('big')), { type: 'Decimal[40e+10]', nullable: true, metadata: {} });
  assert.equal((field('big').type as import('apache-arrow').Decimal).bitWidth, 256);
  assert.deepEqual(describe(field('iv')), { type: 'Interval<MONTH_DAY_NANO>', nullable: true, metadata: INTERVAL });
  assert.deepEqual(describe(field('rd')), { type: 'Struct<{start:Date32<DAY>, end:Date32<DAY>}>', nullable: true, metadata: {} });
  assert.deepEqual(describe(field('rdt')), { type: 'Struct<{start:Timestamp<MICROSECOND>, end:Timestamp<MICROSECOND>}>', nullable: true, metadata: {} });
  assert.deepEqual(describe(field('rts')), {
    type: 'Struct<{start:Timestamp<MICROSECOND, UTC>, end:Timestamp<MICROSECOND, UTC>}>', nullable: true, metadata: {},
  });
  const item = (name: string) => describe((field(name).type as import('apache-arrow').List).children[0]!);
  assert.deepEqual(item('r_dt'), { type: 'Timestamp<MICROSECOND>', nullable: false, metadata: DATETIME });
  assert.deepEqual(item('r_iv'), { type: 'Interval<MONTH_DAY_NANO>', nullable: false, metadata: INTERVAL });
  assert.deepEqual((field('rec').type as import('apache-arrow').Struct).children.map(describe), [
    { type: 'Interval<MONTH_DAY_NANO>', nullable: true, metadata: INTERVAL },
    { type: 'Struct<{start:Date32<DAY>, end:Date32<DAY>}>', nullable: true, metadata: {} },
    { type: 'Decimal[5e+1]', nullable: true, metadata: {} },
  ]);
});

test('the official client reads every value exactly across streams', async () => {
  const session = await createSession();
  assert.equal(streamNames(session).length, 3);
  const batches: RecordBatch[] = [];
  for (const name of streamNames(session)) batches.push(...(await readStream(sessionSchema(session), name)).batches);
  assert.deepEqual(canonicalRows(batches), canonicalRows(source));
  const first = readableRows(batches)[0] as Record<string, unknown>;
  assert.deepEqual({ ...first, id: undefined }, { ...FIRST_ROW_VALUES, id: undefined });
});

test('a row restriction on a declared-scale NUMERIC keeps the right rows; estimated_row_count stays the table count', async () => {
  const session = await createSession({ rowRestriction: "price > 100 AND price <= NUMERIC '99999999.99'", selectedFields: ['id', 'price'] }, 1);
  assert.equal(Number(session.estimatedRowCount), ROWS);
  assert.equal(Number(session.estimatedTotalPhysicalFileSize), 0);
  const { batches } = await readStream(sessionSchema(session), streamNames(session)[0]!);
  const rows = readableRows(batches) as { id: string; price: string }[];
  assert.equal(rows.length, ROWS / 2);
  assert.ok(rows.every((row) => ['12345678.91', '99999999.99'].includes(row.price) && [0, 3].includes(Number(row.id) % 4)));
});

test('picos_timestamp_precision is accepted for every value and leaves microsecond TIMESTAMP columns alone', async () => {
  const plain = await createSession({ selectedFields: ['id', 'ts', 'rts'] }, 1);
  for (const precision of ['PICOS_TIMESTAMP_PRECISION_UNSPECIFIED', 'TIMESTAMP_PRECISION_MICROS', 'TIMESTAMP_PRECISION_NANOS', 'TIMESTAMP_PRECISION_PICOS']) {
    const session = await createSession({ selectedFields: ['id', 'ts', 'rts'], arrowSerializationOptions: { picosTimestampPrecision: precision } }, 1);
    assert.deepEqual(schemaOf(sessionSchema(session)).fields.map(describe), schemaOf(sessionSchema(plain)).fields.map(describe));
    const { batches } = await readStream(sessionSchema(session), streamNames(session)[0]!);
    assert.deepEqual(canonicalRows(batches), canonicalRows(source.select(['id', 'ts', 'rts'])), precision);
  }
});

test('a read resumed at an offset gets the schema again in its first response (the emulator\'s unverified choice)', async () => {
  const session = await createSession({}, 1);
  const { batches, responseSchemas } = await readStream(sessionSchema(session), streamNames(session)[0]!, 150);
  assert.ok(responseSchemas[0] !== null && responseSchemas.slice(1).every((s) => s === null));
  assert.deepEqual(canonicalRows(batches), canonicalRows(source).slice(150));
});
