import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { insertQueryJob, rest, runQuery, type RestReply } from './rest-calls.js';

const PROJECT = 'test-project';
let emulator: Emulator;

before(async () => {
  const data = tableFromNdjson('{"id":1,"s":"a"}', [{ name: 'id', type: 'INT64' }, { name: 's', type: 'STRING' }]);
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.t`, data }] });
});

after(async () => {
  await emulator.close();
});

/** BigQuery's error body: code, message, errors[0] with the same message, status. */
function assertErrorBody(reply: RestReply, code: number, status: string, reason: string, message: RegExp, location?: string): void {
  assert.equal(reply.status, code, JSON.stringify(reply.body));
  const error = reply.body.error!;
  assert.equal(error.code, code);
  assert.equal(error.status, status);
  assert.match(error.message, message);
  assert.equal(error.errors.length, 1);
  assert.equal(error.errors[0]!.reason, reason);
  assert.equal(error.errors[0]!.message, error.message);
  assert.equal(error.errors[0]!.domain, 'global');
  assert.equal(error.errors[0]!.location, location);
}

test('a bad query: 400 invalidQuery, its position "at [line:column]" in the message, location "query"', async () => {
  const reply = await runQuery(emulator, PROJECT, 'SELECT id,\n  nope\nFROM ds.t');
  assertErrorBody(reply, 400, 'INVALID_ARGUMENT', 'invalidQuery', /^Unrecognized name: nope at \[2:3\]$/, 'query');
  const syntax = await runQuery(emulator, PROJECT, 'SELECT id FROM ds.t WHERE id = = 1');
  assertErrorBody(syntax, 400, 'INVALID_ARGUMENT', 'invalidQuery', /^Syntax error: Unexpected "=" at \[1:32\]$/, 'query');
});

test('unsupported SQL is refused as a bad query that says the emulator does not support it', async () => {
  const reply = await runQuery(emulator, PROJECT, 'SELECT id FROM ds.t GROUP BY id');
  assertErrorBody(reply, 400, 'INVALID_ARGUMENT', 'invalidQuery', /^GROUP BY is not supported by the bqread emulator's SQL subset at \[1:21\]$/, 'query');
});

test('a missing table: 404 notFound', async () => {
  const reply = await runQuery(emulator, PROJECT, 'SELECT * FROM ds.nope');
  assertErrorBody(reply, 404, 'NOT_FOUND', 'notFound', /^Not found: Table test-project:ds\.nope was not found in location US at \[1:15\]$/);
  const table = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/nope`);
  assertErrorBody(table, 404, 'NOT_FOUND', 'notFound', /^Not found: Table test-project:ds\.nope$/);
});

test('a missing job: 404 notFound from jobs.get, getQueryResults and jobs.cancel', async () => {
  for (const [method, path] of [['GET', 'jobs/none'], ['GET', 'queries/none'], ['POST', 'jobs/none/cancel']] as const) {
    assertErrorBody(await rest(emulator, method, `projects/${PROJECT}/${path}`), 404, 'NOT_FOUND', 'notFound', /^Not found: Job test-project:none$/);
  }
});

test('jobs.insert of a bad query makes a job that is DONE with the error as errorResult; getQueryResults answers the error', async () => {
  const inserted = await insertQueryJob(emulator, PROJECT, 'SELECT nope FROM ds.t', {}, { jobId: 'bad_1' });
  assert.equal(inserted.status, 200);
  const job = await rest(emulator, 'GET', `projects/${PROJECT}/jobs/bad_1`);
  const status = job.body.status as { state: string; errorResult: unknown; errors: unknown[] };
  assert.equal(status.state, 'DONE');
  const expected = { reason: 'invalidQuery', message: 'Unrecognized name: nope at [1:8]', location: 'query' };
  assert.deepEqual(status.errorResult, expected);
  assert.deepEqual(status.errors, [expected]);
  assertErrorBody(await rest(emulator, 'GET', `projects/${PROJECT}/queries/bad_1`), 400, 'INVALID_ARGUMENT', 'invalidQuery', /^Unrecognized name: nope at \[1:8\]$/, 'query');
});

test('a job id in use: 409 duplicate', async () => {
  assert.equal((await insertQueryJob(emulator, PROJECT, 'SELECT 1', {}, { jobId: 'twice' })).status, 200);
  assertErrorBody(await insertQueryJob(emulator, PROJECT, 'SELECT 1', {}, { jobId: 'twice' }), 409, 'ALREADY_EXISTS', 'duplicate', /^Already Exists: Job test-project:US\.twice$/);
});

test('legacy SQL (the REST default) is refused; a #standardSQL first line is GoogleSQL', async () => {
  const legacy = await rest(emulator, 'POST', `projects/${PROJECT}/queries`, { query: 'SELECT 1' });
  assertErrorBody(legacy, 400, 'INVALID_ARGUMENT', 'invalid', /runs GoogleSQL only: set useLegacySql to false/);
  const prefixed = await rest(emulator, 'POST', `projects/${PROJECT}/queries`, { query: '#standardSQL\nSELECT 1 AS x' });
  assert.equal(prefixed.status, 200, JSON.stringify(prefixed.body));
});

test('maximumBytesBilled below what the query bills: bytesBilledLimitExceeded', async () => {
  const reply = await runQuery(emulator, PROJECT, 'SELECT * FROM ds.t', { maximumBytesBilled: '1000' });
  assertErrorBody(reply, 400, 'INVALID_ARGUMENT', 'bytesBilledLimitExceeded', /^Query exceeded limit for bytes billed: 1000\. 10485760 or higher required\.$/);
  assert.equal((await runQuery(emulator, PROJECT, 'SELECT * FROM ds.t', { maximumBytesBilled: '10485760' })).status, 200);
});

test('unknown paths, wrong methods and bad JSON bodies', async () => {
  assertErrorBody(await rest(emulator, 'GET', `projects/${PROJECT}/datasets`), 404, 'NOT_FOUND', 'notFound', /^Not found: URL \/bigquery\/v2\/projects\/test-project\/datasets$/);
  assertErrorBody(await rest(emulator, 'GET', `projects/${PROJECT}/queries`), 405, 'METHOD_NOT_ALLOWED', 'notAllowed', /^Method GET is not allowed/);
  const response = await fetch(`${emulator.restUrl}/bigquery/v2/projects/${PROJECT}/queries`, { method: 'POST', body: '{nope', signal: AbortSignal.timeout(30_000) });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason, 'parseError');
  assertErrorBody(await rest(emulator, 'POST', `projects/${PROJECT}/queries`, { useLegacySql: false }), 400, 'INVALID_ARGUMENT', 'invalid', /^Required parameter is missing: query$/);
});

test('a required token is checked on the REST API too: 401 without one', async () => {
  const guarded = await startEmulator({ requireToken: 'secret' });
  try {
    const denied = await fetch(`${guarded.restUrl}/bigquery/v2/projects/p/queries`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(30_000) });
    assert.equal(denied.status, 401);
    const body = (await denied.json()) as { error: { status: string; errors: { reason: string; location: string }[] } };
    assert.equal(body.error.status, 'UNAUTHENTICATED');
    assert.deepEqual([body.error.errors[0]!.reason, body.error.errors[0]!.location], ['required', 'Authorization']);
    const allowed = await fetch(`${guarded.restUrl}/bigquery/v2/projects/p/queries`, {
      method: 'POST', body: JSON.stringify({ query: 'SELECT 1 AS x', useLegacySql: false }), headers: { authorization: 'Bearer secret' }, signal: AbortSignal.timeout(30_000),
    });
    assert.equal(allowed.status, 200);
  } finally {
    await guarded.close();
  }
});

test('a bad request fails jobs.insert itself (no job is made): no query text, legacy SQL', async () => {
  const missing = await rest(emulator, 'POST', `projects/${PROJECT}/jobs`, { jobReference: { jobId: 'no_query' }, configuration: { query: { useLegacySql: false } } });
  assertErrorBody(missing, 400, 'INVALID_ARGUMENT', 'invalid', /^Required parameter is missing: query$/);
  const legacy = await rest(emulator, 'POST', `projects/${PROJECT}/jobs`, { jobReference: { jobId: 'legacy' }, configuration: { query: { query: 'SELECT 1' } } });
  assertErrorBody(legacy, 400, 'INVALID_ARGUMENT', 'invalid', /runs GoogleSQL only/);
  assert.equal((await rest(emulator, 'GET', `projects/${PROJECT}/jobs/no_query`)).status, 404);
});
