import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows } from '../helpers/canonical.js';

// Google's own client, unchanged, pointed at the emulator over an insecure channel. Its auth
// library would otherwise probe the GCE metadata server, which is not on loopback.
process.env.METADATA_SERVER_DETECTION = 'none';
const require = createRequire(import.meta.url);
const { v1 } = require('@google-cloud/bigquery-storage');
const gax = require('google-gax');

const TABLE = 'projects/test-project/datasets/ds/tables/all_types';
const source = generateDemoTable({ rows: 3000, seed: 7, batchRows: 1000 });
let emulator: Emulator;
let client: any; // eslint-disable-line @typescript-eslint/no-explicit-any

before(async () => {
  // No minimum storage block, so that this small table is read across several streams.
  emulator = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 400, storageBlockBytes: 0 });
  client = new v1.BigQueryReadClient({
    servicePath: emulator.host,
    port: emulator.port,
    sslCreds: gax.grpc.credentials.createInsecure(),
  });
});

after(async () => {
  await client.close();
  await emulator.close();
});

async function readAllStreams(readOptions: Record<string, unknown>, maxStreamCount: number) {
  const [session] = await client.createReadSession({
    parent: 'projects/test-project',
    readSession: { table: TABLE, dataFormat: 'ARROW', readOptions },
    maxStreamCount,
  });
  const schema: Uint8Array = session.arrowSchema!.serializedSchema;
  const batches: RecordBatch[] = [];
  let responses = 0;
  for (const stream of session.streams) {
    for await (const response of client.readRows({ readStream: stream.name, offset: 0 })) {
      responses++;
      const batch = RecordBatchReader.from([schema, response.arrowRecordBatch.serializedRecordBatch]).readAll();
      assert.equal(batch.length, 1);
      assert.equal(batch[0]!.numRows, Number(response.rowCount));
      batches.push(batch[0]!);
    }
  }
  return { session, batches, responses };
}

test('the official client reads every type, nulls, nested and repeated exactly, across streams', async () => {
  const { session, batches, responses } = await readAllStreams({}, 4);
  assert.equal(session.streams.length, 4);
  assert.ok(responses > 4, 'several responses per stream');
  assert.match(session.name, /^projects\/test-project\/locations\/us\/sessions\/[\w-]+$/);
  assert.match(session.streams[0]!.name, /^projects\/test-project\/locations\/us\/sessions\/[\w-]+\/streams\/[\w-]+$/);
  assert.equal(Number(session.estimatedRowCount), 3000);
  assert.deepEqual(canonicalRows(batches), canonicalRows(source));
});

test('the official client gets only the selected fields and the rows the restriction keeps', async () => {
  const { batches } = await readAllStreams(
    { selectedFields: ['id', 'f_string', 'rec.a'], rowRestriction: 'id >= 100 AND id < 250 AND f_string IS NOT NULL' },
    3,
  );
  const expected = canonicalRows(source)
    .map((row) => row as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
    .filter((row) => Number(row.id) >= 100 && Number(row.id) < 250 && row.f_string !== null)
    .map((row) => ({ id: row.id, f_string: row.f_string, rec: row.rec === null ? null : { a: row.rec.a } }));
  assert.ok(expected.length > 50);
  assert.deepEqual(canonicalRows(batches), expected);
});

test('the official client sees NOT_FOUND and INVALID_ARGUMENT where the service gives them', async () => {
  await assert.rejects(
    client.createReadSession({ parent: 'projects/test-project', readSession: { table: 'projects/test-project/datasets/ds/tables/missing', dataFormat: 'ARROW' } }),
    (err: { code: number; details: string }) => err.code === 5 && /Not found: Table test-project:ds\.missing/.test(err.details),
  );
  await assert.rejects(
    client.createReadSession({ parent: 'projects/test-project', readSession: { table: TABLE, dataFormat: 'ARROW', readOptions: { selectedFields: ['nope'] } } }),
    (err: { code: number; details: string }) => err.code === 3 && /nope/.test(err.details),
  );
  await assert.rejects(
    client.createReadSession({ parent: 'projects/test-project', readSession: { table: TABLE, dataFormat: 'ARROW', readOptions: { rowRestriction: 'id = ' } } }),
    (err: { code: number; details: string }) => err.code === 3 && /row_restriction/.test(err.details),
  );
  await assert.rejects(
    client.createReadSession({ parent: 'projects/test-project', readSession: { table: TABLE, dataFormat: 'AVRO' } }),
    (err: { code: number; details: string }) => err.code === 3 && /AVRO/.test(err.details),
  );
});
