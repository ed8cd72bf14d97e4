// A query's destination table, read through the Read API, against the source table read through
// the Read API with the query's WHERE as its row_restriction: the same schema and the same rows,
// for every BigQuery type.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Field } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { generateDemoTable } from '../../../src/emulator/sources/demo.js';
import type { ReadApiClient } from '../../../src/client/read-client.js';
import { emulatorClient, readRows, schemaOf, sessionRequest } from '../../helpers/read-api.js';
import { typesTable } from '../../helpers/types-table.js';
import { insertQueryJob, rest } from './rest-calls.js';

const PROJECT = 'test-project';
let emulator: Emulator;
let client: ReadApiClient;

before(async () => {
  emulator = await startEmulator({
    tables: [
      { table: `${PROJECT}.ds.demo`, data: generateDemoTable({ rows: 2500, seed: 9, batchRows: 600 }) },
      { table: `${PROJECT}.ds.types`, data: typesTable(60, 13) },
    ],
  });
  client = emulatorClient(emulator);
});

after(async () => {
  client.close();
  await emulator.close();
});

const fieldText = (field: Field) => `${String(field)} ${JSON.stringify([...field.metadata])}`;

async function destinationOf(query: string): Promise<string> {
  const { body } = await insertQueryJob(emulator, PROJECT, query);
  const jobId = (body.jobReference as { jobId: string }).jobId;
  const job = await rest(emulator, 'GET', `projects/${PROJECT}/jobs/${jobId}`);
  assert.equal((job.body.status as { errorResult?: unknown }).errorResult, undefined, JSON.stringify(job.body.status));
  const { projectId, datasetId, tableId } = (job.body.configuration as { query: { destinationTable: Record<string, string> } }).query.destinationTable;
  return `projects/${projectId}/datasets/${datasetId}/tables/${tableId}`;
}

async function assertSameAsRestriction(table: string, where: string): Promise<void> {
  const destination = await destinationOf(`SELECT * FROM ds.${table} WHERE ${where}`);
  const source = `projects/${PROJECT}/datasets/ds/tables/${table}`;
  const [fromQuery, fromTable] = await Promise.all([
    client.createReadSession(sessionRequest(destination)),
    client.createReadSession(sessionRequest(source, { rowRestriction: where })),
  ]);
  assert.deepEqual(
    schemaOf(fromQuery.arrowSchema!.serializedSchema).fields.map(fieldText),
    schemaOf(fromTable.arrowSchema!.serializedSchema).fields.map(fieldText),
  );
  const expected = await readRows(client, sessionRequest(source, { rowRestriction: where }));
  assert.ok(expected.length > 0, where);
  assert.deepEqual(await readRows(client, sessionRequest(destination)), expected, where);
}

test('the demo table (every BigQuery type, NULLs, REPEATED, RECORDs) through a query equals its restricted read', async () => {
  for (const where of ['id >= 0', 'id < 1000 AND f_bool', "f_string IS NULL OR f_date > '2000-01-01'", 'rec.a > 100']) {
    await assertSameAsRestriction('demo', where);
  }
});

test('the declared-parameter types (NUMERIC(P, S), INTERVAL, RANGE, DATETIME) through a query equal their restricted read', async () => {
  await assertSameAsRestriction('types', 'id >= 0');
  await assertSameAsRestriction('types', 'price IS NOT NULL AND id > 10');
});

test('one row, and a restriction that keeps none (an empty destination table)', async () => {
  await assertSameAsRestriction('demo', 'id = 7');
  const destination = await destinationOf('SELECT * FROM ds.demo WHERE id < 0');
  assert.deepEqual(await readRows(client, sessionRequest(destination)), []);
});
