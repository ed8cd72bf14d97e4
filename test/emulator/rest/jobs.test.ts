import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { emulatorClient, readRows, sessionRequest } from '../../helpers/read-api.js';
import type { ReadApiClient } from '../../../src/client/read-client.js';
import { leftOver, liveResources } from '../../helpers/leaks.js';
import { cells, insertQueryJob, rest, runQuery } from './rest-calls.js';

const PROJECT = 'test-project';
const numbers = tableFromNdjson(
  ['{"id":1,"name":"a"}', '{"id":2,"name":"b"}', '{"id":3,"name":null}', '{"id":4,"name":"d"}', '{"id":5,"name":""}'].join('\n'),
  [{ name: 'id', type: 'INT64' }, { name: 'name', type: 'STRING' }],
);
let emulator: Emulator;
let client: ReadApiClient;

before(async () => {
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.numbers`, data: numbers }] });
  client = emulatorClient(emulator);
});

after(async () => {
  client.close();
  await emulator.close();
});

test('restUrl is http://HOST:PORT with no trailing slash', () => {
  assert.match(emulator.restUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('jobs.query answers with the schema, every row and the job that ran it', async () => {
  const { status, body } = await runQuery(emulator, PROJECT, 'SELECT id, name FROM ds.numbers WHERE id >= 2');
  assert.equal(status, 200);
  assert.equal(body.kind, 'bigquery#queryResponse');
  assert.equal(body.jobComplete, true);
  assert.equal(body.totalRows, '4');
  assert.deepEqual(body.schema, { fields: [{ name: 'id', type: 'INTEGER', mode: 'NULLABLE' }, { name: 'name', type: 'STRING', mode: 'NULLABLE' }] });
  assert.deepEqual(cells(body.rows), [['2', 'b'], ['3', null], ['4', 'd'], ['5', '']]);
  assert.equal(body.pageToken, undefined);
  const reference = body.jobReference as { projectId: string; jobId: string; location: string };
  assert.equal(reference.projectId, PROJECT);
  assert.equal(reference.location, 'US');
  assert.match(reference.jobId, /^[\w-]+$/);
});

test('a result of zero rows has totalRows "0" and no rows, as BigQuery leaves them out', async () => {
  const { status, body } = await runQuery(emulator, PROJECT, 'SELECT id FROM ds.numbers WHERE id > 100');
  assert.equal(status, 200);
  assert.equal(body.totalRows, '0');
  assert.equal(body.rows, undefined);
});

test('getQueryResults pages by maxResults with page tokens, and startIndex starts anywhere', async () => {
  const first = await runQuery(emulator, PROJECT, 'SELECT id FROM `test-project.ds.numbers`', { maxResults: 2 });
  assert.deepEqual(cells(first.body.rows), [['1'], ['2']]);
  const jobId = (first.body.jobReference as { jobId: string }).jobId;
  const pages: unknown[][] = [];
  let token = first.body.pageToken as string | undefined;
  while (token) {
    const page = await rest(emulator, 'GET', `projects/${PROJECT}/queries/${jobId}?maxResults=2&pageToken=${token}`);
    assert.equal(page.status, 200);
    assert.equal(page.body.kind, 'bigquery#getQueryResultsResponse');
    assert.equal(page.body.totalRows, '5');
    pages.push(...cells(page.body.rows));
    token = page.body.pageToken as string | undefined;
  }
  assert.deepEqual(pages, [['3'], ['4'], ['5']]);
  const from = await rest(emulator, 'GET', `projects/${PROJECT}/queries/${jobId}?startIndex=4`);
  assert.deepEqual(cells(from.body.rows), [['5']]);
});

test('jobs.get reports a DONE query job with its destination table and bytes processed', async () => {
  const { body } = await insertQueryJob(emulator, PROJECT, 'SELECT * FROM ds.numbers', {}, { jobId: 'my_job_1' });
  assert.equal(body.kind, 'bigquery#job');
  const job = await rest(emulator, 'GET', `projects/${PROJECT}/jobs/my_job_1`);
  assert.equal(job.status, 200);
  const { status, configuration, statistics, id } = job.body as {
    status: { state: string; errorResult?: unknown };
    configuration: { jobType: string; query: { destinationTable: { projectId: string; datasetId: string; tableId: string } } };
    statistics: { totalBytesProcessed: string; query: { totalBytesProcessed: string; totalBytesBilled: string } };
    id: string;
  };
  assert.equal(id, `${PROJECT}:US.my_job_1`);
  assert.deepEqual(status, { state: 'DONE' });
  assert.equal(configuration.jobType, 'QUERY');
  const destination = configuration.query.destinationTable;
  assert.equal(destination.projectId, PROJECT);
  assert.match(destination.datasetId, /^_[0-9a-f]{40}$/);
  assert.match(destination.tableId, /^anon[0-9a-f]{40}$/);
  // 5 int64s and 5 strings (bytes, offsets, a validity bitmap) of the Arrow table the query read.
  assert.equal(statistics.totalBytesProcessed, statistics.query.totalBytesProcessed);
  assert.ok(Number(statistics.totalBytesProcessed) >= 5 * 8 + 5);
  assert.equal(statistics.query.totalBytesBilled, String(10 * 1024 * 1024));
});

test('the destination table is a table like any other: tables.get and the Storage Read API serve it', async () => {
  const { body } = await insertQueryJob(emulator, PROJECT, 'SELECT name, id FROM ds.numbers WHERE id != 3');
  const jobId = (body.jobReference as { jobId: string }).jobId;
  const job = await rest(emulator, 'GET', `projects/${PROJECT}/jobs/${jobId}`);
  const destination = (job.body.configuration as { query: { destinationTable: { projectId: string; datasetId: string; tableId: string } } }).query.destinationTable;
  const table = await rest(emulator, 'GET', `projects/${destination.projectId}/datasets/${destination.datasetId}/tables/${destination.tableId}`);
  assert.equal(table.status, 200);
  assert.equal(table.body.type, 'TABLE');
  assert.equal(table.body.numRows, '4');
  const path = `projects/${destination.projectId}/datasets/${destination.datasetId}/tables/${destination.tableId}`;
  const rows = await readRows(client, sessionRequest(path));
  assert.deepEqual(rows, [{ name: 'a', id: '1' }, { name: 'b', id: '2' }, { name: 'd', id: '4' }, { name: '', id: '5' }]);
});

test('tables.get describes a table: schema, numRows, numBytes, type TABLE', async () => {
  const { status, body } = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/numbers`);
  assert.equal(status, 200);
  assert.equal(body.kind, 'bigquery#table');
  assert.equal(body.id, `${PROJECT}:ds.numbers`);
  assert.deepEqual(body.tableReference, { projectId: PROJECT, datasetId: 'ds', tableId: 'numbers' });
  assert.equal(body.type, 'TABLE');
  assert.equal(body.numRows, '5');
  assert.ok(Number(body.numBytes) > 0);
  assert.deepEqual((body.schema as { fields: { name: string }[] }).fields.map((f) => f.name), ['id', 'name']);
});

test('the REST paths answer without the /bigquery/v2 prefix too (a BIGQUERY_EMULATOR_HOST base)', async () => {
  const response = await fetch(`${emulator.restUrl}/projects/${PROJECT}/datasets/ds/tables/numbers`, { signal: AbortSignal.timeout(30_000) });
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { type: string }).type, 'TABLE');
});

test('a job asked for in another location is not found, as the service\'s jobs are regional', async () => {
  await insertQueryJob(emulator, PROJECT, 'SELECT 1 AS x', {}, { jobId: 'located_1', location: 'US' });
  assert.equal((await rest(emulator, 'GET', `projects/${PROJECT}/jobs/located_1?location=us`)).status, 200);
  const elsewhere = await rest(emulator, 'GET', `projects/${PROJECT}/queries/located_1?location=EU`);
  assert.equal(elsewhere.status, 404);
  assert.equal(elsewhere.body.error!.message, `Not found: Job ${PROJECT}:EU.located_1`);
});

test('past maxJobs the oldest job is let go with its anonymous result table; a named destination stays', async () => {
  const small = await startEmulator({ tables: [{ table: `${PROJECT}.ds.numbers`, data: numbers }], maxJobs: 2 });
  try {
    const destinationOf = async (jobId: string) => {
      const job = await rest(small, 'GET', `projects/${PROJECT}/jobs/${jobId}`);
      const { projectId, datasetId, tableId } = (job.body.configuration as { query: { destinationTable: Record<string, string> } }).query.destinationTable;
      return `projects/${projectId}/datasets/${datasetId}/tables/${tableId}`;
    };
    await insertQueryJob(small, PROJECT, 'SELECT id FROM ds.numbers', {}, { jobId: 'first' });
    const anonymous = await destinationOf('first');
    await insertQueryJob(small, PROJECT, 'SELECT id FROM ds.numbers', { destinationTable: { datasetId: 'out', tableId: 'kept' } }, { jobId: 'second' });
    assert.equal((await rest(small, 'GET', anonymous)).status, 200);
    await insertQueryJob(small, PROJECT, 'SELECT id FROM ds.numbers', {}, { jobId: 'third' });
    await insertQueryJob(small, PROJECT, 'SELECT id FROM ds.numbers', {}, { jobId: 'fourth' });
    assert.equal((await rest(small, 'GET', `projects/${PROJECT}/jobs/first`)).status, 404);
    assert.equal((await rest(small, 'GET', `projects/${PROJECT}/jobs/second`)).status, 404);
    assert.equal((await rest(small, 'GET', anonymous)).status, 404);
    assert.equal((await rest(small, 'GET', `projects/${PROJECT}/datasets/out/tables/kept`)).status, 200);
    assert.equal((await rest(small, 'GET', `projects/${PROJECT}/jobs/fourth`)).status, 200);
  } finally {
    await small.close();
  }
});

test('getQueryResults with maxResults=0 only waits for the job: no rows, and a token for the first', async () => {
  const { body } = await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.numbers');
  const jobId = (body.jobReference as { jobId: string }).jobId;
  const waited = await rest(emulator, 'GET', `projects/${PROJECT}/queries/${jobId}?maxResults=0`);
  assert.equal(waited.body.jobComplete, true);
  assert.equal(waited.body.totalRows, '5');
  assert.equal(waited.body.rows, undefined);
  const next = await rest(emulator, 'GET', `projects/${PROJECT}/queries/${jobId}?pageToken=${String(waited.body.pageToken)}`);
  assert.deepEqual(cells(next.body.rows), [['1'], ['2'], ['3'], ['4'], ['5']]);
});

test('a REST port in use fails startEmulator with EADDRINUSE and leaves nothing listening', async () => {
  const port = Number(new URL(emulator.restUrl).port);
  const baseline = liveResources();
  await assert.rejects(startEmulator({ restPort: port }), /EADDRINUSE/);
  assert.equal(await leftOver(baseline), '');
});
