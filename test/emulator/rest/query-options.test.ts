import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { cells, insertQueryJob, rest, runQuery } from './rest-calls.js';

const PROJECT = 'test-project';
let emulator: Emulator;

before(async () => {
  const data = tableFromNdjson('{"id":1}\n{"id":2}\n{"id":3}', [{ name: 'id', type: 'INT64' }]);
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.t`, data }] });
});

after(async () => {
  await emulator.close();
});

test('dryRun answers the bytes the query would process and its schema, and runs nothing', async () => {
  const query = await runQuery(emulator, PROJECT, 'SELECT id FROM ds.t', { dryRun: true });
  assert.equal(query.status, 200);
  assert.equal(query.body.totalBytesProcessed, '24');
  assert.equal(query.body.rows, undefined);
  assert.deepEqual(query.body.schema, { fields: [{ name: 'id', type: 'INTEGER', mode: 'NULLABLE' }] });
  const job = await rest(emulator, 'POST', `projects/${PROJECT}/jobs`, { configuration: { dryRun: true, query: { query: 'SELECT id FROM ds.t', useLegacySql: false } } });
  assert.equal(job.status, 200);
  assert.deepEqual(job.body.status, { state: 'DONE' });
  assert.equal((job.body.jobReference as { jobId?: string }).jobId, undefined);
  assert.equal((job.body.statistics as { totalBytesProcessed: string }).totalBytesProcessed, '24');
  const bad = await runQuery(emulator, PROJECT, 'SELECT nope FROM ds.t', { dryRun: true });
  assert.equal(bad.status, 400);
});

test('a named destination table receives the result; WRITE_EMPTY refuses a table with rows, WRITE_TRUNCATE replaces, WRITE_APPEND appends', async () => {
  const destinationTable = { projectId: PROJECT, datasetId: 'out', tableId: 'copy' };
  const first = await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t WHERE id < 3', { destinationTable });
  assert.deepEqual((first.body.configuration as { query: { destinationTable: unknown } }).query.destinationTable, destinationTable);
  const table = async () => (await rest(emulator, 'GET', `projects/${PROJECT}/datasets/out/tables/copy`)).body.numRows;
  assert.equal(await table(), '2');
  const refused = await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t', { destinationTable });
  assert.deepEqual((refused.body.status as { errorResult: unknown }).errorResult, { reason: 'duplicate', message: `Already Exists: Table ${PROJECT}:out.copy` });
  assert.equal(await table(), '2');
  await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t', { destinationTable, writeDisposition: 'WRITE_TRUNCATE' });
  assert.equal(await table(), '3');
  await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t WHERE id = 1', { destinationTable, writeDisposition: 'WRITE_APPEND' });
  assert.equal(await table(), '4');
});

test('labels, parameters and the job configuration are echoed by jobs.get', async () => {
  const labels = { team: 'etl' };
  const queryParameters = [{ name: 'n', parameterType: { type: 'INT64' }, parameterValue: { value: '2' } }];
  const inserted = await rest(emulator, 'POST', `projects/${PROJECT}/jobs`, {
    jobReference: { jobId: 'echo_1', location: 'US' },
    configuration: { labels, query: { query: 'SELECT id FROM ds.t WHERE id = @n', useLegacySql: false, parameterMode: 'NAMED', queryParameters } },
  });
  assert.equal(inserted.status, 200);
  const job = await rest(emulator, 'GET', `projects/${PROJECT}/jobs/echo_1`);
  const configuration = job.body.configuration as { labels: unknown; query: { parameterMode: string; queryParameters: unknown } };
  assert.deepEqual(configuration.labels, labels);
  assert.equal(configuration.query.parameterMode, 'NAMED');
  assert.deepEqual(configuration.query.queryParameters, queryParameters);
  assert.deepEqual(cells((await rest(emulator, 'GET', `projects/${PROJECT}/queries/echo_1`)).body.rows), [['2']]);
});

test('setQueryResult answers a query outside the subset with the registered table', async () => {
  const sql = 'SELECT COUNT(*) AS n FROM ds.t';
  assert.equal((await runQuery(emulator, PROJECT, sql)).status, 400);
  emulator.setQueryResult(sql, tableFromNdjson('{"n":3}', [{ name: 'n', type: 'INT64' }]));
  const { status, body } = await runQuery(emulator, PROJECT, sql);
  assert.equal(status, 200);
  assert.deepEqual(cells(body.rows), [['3']]);
});

test('a defaultDataset lets a query name a table alone', async () => {
  const { status, body } = await runQuery(emulator, PROJECT, 'SELECT id FROM t WHERE id = 3', { defaultDataset: { projectId: PROJECT, datasetId: 'ds' } });
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(cells(body.rows), [['3']]);
});
