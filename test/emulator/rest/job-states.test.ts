import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { Job } from '../../../src/emulator/rest/jobs.js';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { emulatorClient, sessionRequest } from '../../helpers/read-api.js';
import { cells, insertQueryJob, rest, runQuery } from './rest-calls.js';

const PROJECT = 'test-project';
// Long enough to see each state from a loaded machine; the tests wait on states, not on the clock.
const LATENCY_MS = 1500;
let emulator: Emulator;

before(async () => {
  const data = tableFromNdjson('{"id":1}\n{"id":2}', [{ name: 'id', type: 'INT64' }]);
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.t`, data }], jobLatencyMs: LATENCY_MS });
});

after(async () => {
  await emulator.close();
});

interface JobBody {
  status: { state: string; errorResult?: { reason: string; message: string } };
  statistics: { creationTime: string; startTime?: string; endTime?: string; totalBytesProcessed?: string };
  configuration: { query: { destinationTable: { projectId: string; datasetId: string; tableId: string } } };
}

const getJob = async (jobId: string) => (await rest(emulator, 'GET', `projects/${PROJECT}/jobs/${jobId}`)).body as unknown as JobBody;

async function until(jobId: string, state: string): Promise<JobBody> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(20)) {
    const job = await getJob(jobId);
    if (job.status.state === state) return job;
  }
  throw new Error(`job ${jobId} never reached ${state}`);
}

test('a job is PENDING, then RUNNING, then DONE; statistics follow its life', async () => {
  const inserted = await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t', {}, { jobId: 'states_1' });
  const first = inserted.body as unknown as JobBody;
  assert.equal(first.status.state, 'PENDING');
  assert.equal(first.statistics.startTime, undefined);
  assert.equal(first.statistics.totalBytesProcessed, undefined);
  const running = await until('states_1', 'RUNNING');
  assert.ok(running.statistics.startTime);
  assert.equal(running.statistics.endTime, undefined);
  const done = await until('states_1', 'DONE');
  assert.equal(done.status.errorResult, undefined);
  assert.equal(done.statistics.totalBytesProcessed, '16');
  assert.ok(Number(done.statistics.endTime) >= Number(done.statistics.startTime) && Number(done.statistics.startTime) >= Number(done.statistics.creationTime));
});

test('jobs.query answers jobComplete false when the job outlasts timeoutMs, and getQueryResults waits for it', async () => {
  const { body } = await runQuery(emulator, PROJECT, 'SELECT id FROM ds.t', { timeoutMs: 10 });
  assert.equal(body.jobComplete, false);
  assert.equal(body.rows, undefined);
  assert.equal(body.schema, undefined);
  const jobId = (body.jobReference as { jobId: string }).jobId;
  const early = await rest(emulator, 'GET', `projects/${PROJECT}/queries/${jobId}?timeoutMs=0`);
  assert.equal(early.body.jobComplete, false);
  const waited = await rest(emulator, 'GET', `projects/${PROJECT}/queries/${jobId}?timeoutMs=60000`);
  assert.equal(waited.body.jobComplete, true);
  assert.deepEqual(cells(waited.body.rows), [['1'], ['2']]);
});

test('the destination table appears only when the job is DONE', async () => {
  await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t', {}, { jobId: 'states_2' });
  const pending = await getJob('states_2');
  const { projectId, datasetId, tableId } = pending.configuration.query.destinationTable;
  const before = await rest(emulator, 'GET', `projects/${projectId}/datasets/${datasetId}/tables/${tableId}`);
  assert.equal(before.status, 404);
  await until('states_2', 'DONE');
  const afterDone = await rest(emulator, 'GET', `projects/${projectId}/datasets/${datasetId}/tables/${tableId}`);
  assert.equal(afterDone.status, 200);
  assert.equal(afterDone.body.numRows, '2');
});

test('jobs.cancel stops a running job: DONE with errorResult stopped, no rows, no destination table', async () => {
  await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t', {}, { jobId: 'cancel_1' });
  const cancelled = await rest(emulator, 'POST', `projects/${PROJECT}/jobs/cancel_1/cancel`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.kind, 'bigquery#jobCancelResponse');
  const job = cancelled.body.job as JobBody;
  assert.equal(job.status.state, 'DONE');
  assert.deepEqual(job.status.errorResult, { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' });
  const results = await rest(emulator, 'GET', `projects/${PROJECT}/queries/cancel_1`);
  assert.equal(results.status, 400);
  assert.equal(results.body.error!.errors[0]!.reason, 'stopped');
  await sleep(LATENCY_MS + 200);
  const { projectId, datasetId, tableId } = (await getJob('cancel_1')).configuration.query.destinationTable;
  assert.equal((await rest(emulator, 'GET', `projects/${projectId}/datasets/${datasetId}/tables/${tableId}`)).status, 404);
  const client = emulatorClient(emulator);
  try {
    await assert.rejects(client.createReadSession(sessionRequest(`projects/${projectId}/datasets/${datasetId}/tables/${tableId}`)), /NOT_FOUND|not found/i);
  } finally {
    client.close();
  }
});

test('cancelling a DONE job changes nothing', async () => {
  await insertQueryJob(emulator, PROJECT, 'SELECT id FROM ds.t', {}, { jobId: 'cancel_2' });
  await until('cancel_2', 'DONE');
  const cancelled = await rest(emulator, 'POST', `projects/${PROJECT}/jobs/cancel_2/cancel`);
  assert.deepEqual((cancelled.body.job as JobBody).status, { state: 'DONE' });
  const results = await rest(emulator, 'GET', `projects/${PROJECT}/queries/cancel_2`);
  assert.deepEqual(cells(results.body.rows), [['1'], ['2']]);
});

test('a job is DONE once its result is committed, not once the clock passes its due time', async () => {
  // Timers fire late on a busy machine (and a wait on one can end a little early): a job the
  // clock alone called DONE answered jobComplete with rows while its destination table was not
  // there yet for the Read API, and Google's client paged a result of 20 rows in 4 pages.
  const committed: string[] = [];
  const outcome = { kind: 'result' as const, table: tableFromNdjson('{"id":1}', [{ name: 'id', type: 'INT64' }]), destination: { projectId: PROJECT, datasetId: '_d', tableId: 't' }, bytesProcessed: 8, bytesBilled: 8 };
  const created = Date.now();
  const job = new Job({ projectId: PROJECT, jobId: 'j', location: 'US' }, { query: {} }, outcome, created, created + 20, (done) => committed.push(done.kind));
  const pastDue = created + 1000;
  assert.equal(job.state(pastDue), 'RUNNING');
  assert.equal(job.outcome(), undefined);
  assert.equal(job.endMs(), undefined);
  await job.settled;
  assert.deepEqual(committed, ['result']);
  assert.equal(job.state(Date.now()), 'DONE');
  assert.equal(job.outcome(), outcome);
  assert.ok(job.endMs()! >= created + 20);
});
