import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RecordBatchReader, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { childFields, schemaFields } from '../../src/arrow/child-fields.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { canonicalRows } from '../helpers/canonical.js';
import {
  batchBytes, googleReadClient, googleReadRows, sessionSchema, streamNames, type GoogleReadClient, type GoogleTableReadOptions,
} from '../helpers/google-read-client.js';

// picos_timestamp_precision through Google's own client, on TIMESTAMP columns declared with
// timestampPrecision 12. The values are java-bigquerystorage's (Helper.EXPECTED_TIMESTAMPS_HIGHER_PRECISION_ISO_OUTPUT):
// a microsecond column reads as epoch micros, the picosecond one as ISO text under TIMESTAMP_PRECISION_PICOS.

const TABLE = 'projects/test-project/datasets/ds/tables/picos';
const FIELDS: BqField[] = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'tsp', type: 'TIMESTAMP', timestampPrecision: '12' },
  { name: 'r_tsp', type: 'TIMESTAMP', mode: 'REPEATED', timestampPrecision: 12 },
  { name: 'rec', type: 'RECORD', fields: [{ name: 'tsp', type: 'TIMESTAMP', timestampPrecision: '12' }] },
];
const ROWS = [
  { id: 0, ts: '2025-01-01T12:34:56.123456Z', tsp: '2025-01-01T12:34:56.123456789123Z', r_tsp: ['1990-03-03 12:34:56.123456789123'], rec: { tsp: '1975-04-04T12:34:56.123456789123Z' } },
  { id: 1, ts: '2020-02-02T12:34:56.123456Z', tsp: '2020-02-02 12:34:56.5+01:00', r_tsp: [], rec: null },
  { id: 2, ts: null, tsp: '1969-12-31T23:59:59.999999999999Z', r_tsp: ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000000000001Z'], rec: { tsp: null } },
  { id: 3, ts: '1990-03-03T12:34:56.123456Z', tsp: null, r_tsp: [], rec: { tsp: '2262-04-11T23:47:16.854775807999Z' } },
];
const source = tableFromNdjson(ROWS.map((row) => JSON.stringify(row)).join('\n'), FIELDS);
let emulator: Emulator;
let client: GoogleReadClient;

before(async () => {
  emulator = await startEmulator({
    tables: [
      { table: TABLE, data: source },
      { table: `${TABLE}_old`, data: tableFromNdjson('{"id": 0, "tsp": "1000-01-01T00:00:00Z", "r_tsp": [], "rec": null}', FIELDS) },
    ],
  });
  client = googleReadClient(emulator);
});

after(async () => {
  await client.close();
  await emulator.close();
});

async function read(picosTimestampPrecision?: string | number, table = TABLE): Promise<{ schema: Schema; batches: RecordBatch[] }> {
  // Google's types name the enum; the test also sends what they do not, a number.
  const readOptions = (picosTimestampPrecision === undefined ? {} : { arrowSerializationOptions: { picosTimestampPrecision } }) as GoogleTableReadOptions;
  const [session] = await client.createReadSession({ parent: 'projects/test-project', readSession: { table, dataFormat: 'ARROW', readOptions }, maxStreamCount: 1 });
  const reader = RecordBatchReader.from(sessionSchema(session));
  reader.open();
  const batches: RecordBatch[] = [];
  for await (const response of googleReadRows(client, { readStream: streamNames(session)[0]!, offset: 0 })) {
    batches.push(...RecordBatchReader.from([sessionSchema(session), batchBytes(response)]).readAll());
  }
  return { schema: reader.schema, batches };
}

const typeOf = (schema: Schema) => {
  const field = (name: string) => schemaFields(schema).find((f) => f.name === name)!;
  const describe = (f: Field) => `${String(f.type)} ${JSON.stringify(Object.fromEntries(f.metadata))}`;
  return [describe(field('ts')), describe(field('tsp')), describe(childFields(field('r_tsp').type)[0]!), describe(childFields(field('rec').type)[0]!)];
};

const values = (batches: RecordBatch[]) => (canonicalRows(batches) as Record<string, unknown>[]).map(({ tsp, r_tsp, rec }) => ({ tsp, r_tsp, rec }));

test('unspecified and TIMESTAMP_PRECISION_MICROS truncate picosecond columns to microsecond TIMESTAMPs', async () => {
  for (const precision of [undefined, 'PICOS_TIMESTAMP_PRECISION_UNSPECIFIED', 'TIMESTAMP_PRECISION_MICROS']) {
    const { schema, batches } = await read(precision);
    assert.deepEqual(typeOf(schema), Array<string>(4).fill('Timestamp<MICROSECOND, UTC> {}'), String(precision));
    assert.deepEqual(values(batches), [
      { tsp: '1735734896123456', r_tsp: ['636467696123456'], rec: { tsp: '165846896123456' } },
      { tsp: '1580643296500000', r_tsp: [], rec: null },
      { tsp: '-1', r_tsp: ['0', '0'], rec: { tsp: null } },
      { tsp: null, r_tsp: [], rec: { tsp: '9223372036854775' } },
    ]);
    assert.deepEqual((canonicalRows(batches) as { ts: unknown }[]).map((row) => row.ts), ['1735734896123456', '1580646896123456', null, '636467696123456']);
  }
});

test('TIMESTAMP_PRECISION_NANOS truncates to nanosecond TIMESTAMPs', async () => {
  const { schema, batches } = await read('TIMESTAMP_PRECISION_NANOS');
  assert.deepEqual(typeOf(schema), ['Timestamp<MICROSECOND, UTC> {}', ...Array<string>(3).fill('Timestamp<NANOSECOND, UTC> {}')]);
  assert.deepEqual(values(batches), [
    { tsp: '1735734896123456789', r_tsp: ['636467696123456789'], rec: { tsp: '165846896123456789' } },
    { tsp: '1580643296500000000', r_tsp: [], rec: null },
    { tsp: '-1', r_tsp: ['0', '0'], rec: { tsp: null } },
    { tsp: null, r_tsp: [], rec: { tsp: '9223372036854775807' } },
  ]);
});

test('TIMESTAMP_PRECISION_PICOS sends the full value as ISO 8601 text', async () => {
  const { schema, batches } = await read('TIMESTAMP_PRECISION_PICOS');
  assert.deepEqual(typeOf(schema), ['Timestamp<MICROSECOND, UTC> {}', ...Array<string>(3).fill('Utf8 {}')]);
  assert.deepEqual(values(batches), [
    { tsp: '2025-01-01T12:34:56.123456789123Z', r_tsp: ['1990-03-03T12:34:56.123456789123Z'], rec: { tsp: '1975-04-04T12:34:56.123456789123Z' } },
    { tsp: '2020-02-02T11:34:56.500000000000Z', r_tsp: [], rec: null },
    { tsp: '1969-12-31T23:59:59.999999999999Z', r_tsp: ['1970-01-01T00:00:00.000000000000Z', '1970-01-01T00:00:00.000000000001Z'], rec: { tsp: null } },
    { tsp: null, r_tsp: [], rec: { tsp: '2262-04-11T23:47:16.854775807999Z' } },
  ]);
});

test('a value a nanosecond TIMESTAMP cannot hold fails the session; an unknown precision is INVALID_ARGUMENT', async () => {
  await assert.rejects(read('TIMESTAMP_PRECISION_NANOS', `${TABLE}_old`), (err: { code: number; details: string }) =>
    err.code === 3 && /1000-01-01T00:00:00\.000000000000Z cannot be read with picos_timestamp_precision TIMESTAMP_PRECISION_NANOS/.test(err.details));
  assert.equal((await read('TIMESTAMP_PRECISION_MICROS', `${TABLE}_old`)).batches[0]!.numRows, 1);
  await assert.rejects(read(7), (err: { code: number; details: string }) => err.code === 3 && /Unsupported picos_timestamp_precision 7/.test(err.details));
});
