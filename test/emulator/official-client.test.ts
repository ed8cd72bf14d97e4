import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows, type Canonical } from '../helpers/canonical.js';
import {
  batchBytes, googleReadClient, googleReadRows, sessionSchema, streamNames, type GoogleReadClient,
} from '../helpers/google-read-client.js';


const TABLE = 'projects/test-project/datasets/ds/tables/all_types';
const source = generateDemoTable({ rows: 3000, seed: 7, batchRows: 1000 });
let emulator: Emulator;
let client: GoogleReadClient;

before(async () => {
  // No minimum storage block, so that this small table is read across several streams.
  emulator = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 400, storageBlockBytes: 0 });
  client = googleReadClient(emulator);
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
  const schema: Uint8Array = sessionSchema(session);
  const batches: RecordBatch[] = [];
  let responses = 0;
  for (const name of streamNames(session)) {
    for await (const response of googleReadRows(client, { readStream: name, offset: 0 })) {
      responses++;
      const batch = RecordBatchReader.from([schema, batchBytes(response)]).readAll();
      assert.equal(batch.length, 1);
      assert.equal(batch[0]!.numRows, Number(response.rowCount));
      batches.push(batch[0]!);
    }
  }
  return { session, batches, responses };
}

test('the official client reads every type, nulls, nested and repeated exactly, across streams', async () => {
  const { session, batches, responses } = await readAllStreams({}, 4);
  assert.equal(streamNames(session).length, 4);
  assert.ok(responses > 4, 'several responses per stream');
  assert.match(session.name ?? '', /^projects\/test-project\/locations\/us\/sessions\/[\w-]+$/);
  assert.match(streamNames(session)[0]!, /^projects\/test-project\/locations\/us\/sessions\/[\w-]+\/streams\/[\w-]+$/);
  assert.equal(Number(session.estimatedRowCount), 3000);
  assert.deepEqual(canonicalRows(batches), canonicalRows(source));
});

test('the official client gets only the selected fields and the rows the restriction keeps', async () => {
  const { batches } = await readAllStreams(
    { selectedFields: ['id', 'f_string', 'rec.a'], rowRestriction: 'id >= 100 AND id < 250 AND f_string IS NOT NULL' },
    3,
  );
  const expected = canonicalRows(source)
    .map((row) => row as Record<string, Canonical>)
    .filter((row) => Number(row.id) >= 100 && Number(row.id) < 250 && row.f_string !== null)
    .map((row) => ({ id: row.id, f_string: row.f_string, rec: row.rec === null ? null : { a: (row.rec as Record<string, Canonical>).a } }));
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
