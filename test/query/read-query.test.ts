import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC, type Data } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { ReadAbortedError, ReadOptionsError, ViewReadError, EndpointUnreachableError } from '../../src/read/errors.js';
import { QueryError } from '../../src/query/errors.js';
import { readQuery, readQueryBatches, type QueryTableResult } from '../../src/query/read-query.js';
import type { QueryOptions } from '../../src/query/options.js';
import { writeArrowFile, writeNdjson } from '../../src/sinks/write-batches.js';
import { decimalText } from '../helpers/bq-values.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { describeFields } from '../helpers/rest-rows.js';
import { typesTable } from '../helpers/types-table.js';

const PROJECT = 'test-project';
const DEMO = `\`${PROJECT}.ds.demo\``;
const TYPES = `\`${PROJECT}.ds.types\``;
let emulator: Emulator;
let slow: Emulator;
let options: QueryOptions;
let dir: string;

before(async () => {
  const tables = [
    { table: `${PROJECT}.ds.demo`, data: generateDemoTable({ rows: 3000, seed: 3, batchRows: 500 }) },
    { table: `${PROJECT}.ds.types`, data: typesTable(60) },
  ];
  emulator = await startEmulator({ tables, storageBlockBytes: 0, maxBatchRows: 250 });
  emulator.addView(`${PROJECT}.ds.small_ids`, `SELECT id, f_string FROM ${DEMO} WHERE id < 10`);
  // Jobs that take 20 s: long enough for a cancel to find them running.
  slow = await startEmulator({ tables, jobLatencyMs: 20_000 });
  // A cut-over above every result here but the ones that set their own: each comes from the jobs response unless told.
  options = { apiEndpoint: emulator.restUrl, endpoint: emulator.address, billingProject: PROJECT, workers: 2, inlineMaxRows: 10_000 };
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-query-'));
});

after(async () => {
  await Promise.all([emulator.close(), slow.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const rows = (result: Pick<QueryTableResult, 'table'>) => rowsById(canonicalRows(result.table));

for (const [name, table, filter] of [
  ['every demo type', DEMO, 'id < 1200 AND id >= 7'],
  ['declared decimals, INTERVAL and the RANGEs, top level, REPEATED and in a RECORD', TYPES, 'id >= 3'],
] as const) {
  test(`${name}: the jobs response and the Storage Read API give one schema and the values of the table read with the same filter`, async () => {
    const sql = `SELECT * FROM ${table} WHERE ${filter}`;
    const inline = await readQuery(sql, options);
    const storage = await readQuery(sql, { ...options, inlineMaxRows: 0 });
    assert.equal(inline.source, 'jobs-response');
    assert.equal(storage.source, 'storage-read');
    assert.match(storage.session.table, /\/datasets\/_/, 'the result is an anonymous table in a _ dataset');
    const direct = await readTableParallel(table.replaceAll('`', ''), { endpoint: emulator.address, rowRestriction: filter, workers: 2 });
    assert.ok(direct.table.numRows > 50);
    assert.deepEqual(describeFields(inline.table.schema.fields), describeFields(direct.table.schema.fields));
    assert.deepEqual(describeFields(storage.table.schema.fields), describeFields(direct.table.schema.fields));
    assert.deepEqual(rows(inline), rows(direct));
    assert.deepEqual(rows(storage), rows(direct));
    assert.equal(inline.job.totalRows, direct.table.numRows);
    assert.ok(inline.job.totalBytesProcessed > 0);
  });
}

test('a result beyond inlineMaxRows, or beyond the first page, is read through the Storage Read API', async () => {
  const few = await readQuery(`SELECT id FROM ${DEMO} WHERE id < 100`, { ...options, inlineMaxRows: 99 });
  assert.equal(few.source, 'storage-read');
  assert.equal(few.table.numRows, 100);
  const exact = await readQuery(`SELECT id FROM ${DEMO} WHERE id < 100`, { ...options, inlineMaxRows: 100 });
  assert.equal(exact.source, 'jobs-response');
  assert.deepEqual(rows(exact), rows(few));
});

test('an ORDER BY result keeps its order through the Storage Read API: one stream, read in order', async () => {
  const sql = `SELECT id, f_string FROM ${DEMO} WHERE id >= 100 ORDER BY id DESC`;
  const table = await readQuery(sql, { ...options, inlineMaxRows: 0 });
  assert.equal(table.session.streams.length, 1);
  const ids = canonicalRows(table.table).map((r) => Number((r as { id: string }).id));
  assert.deepEqual(ids, Array.from({ length: 2900 }, (_, i) => 2999 - i));
  const streamed: number[] = [];
  for await (const batch of await readQueryBatches(sql, { ...options, inlineMaxRows: 0 })) {
    for (const row of canonicalRows([batch])) streamed.push(Number((row as { id: string }).id));
  }
  assert.deepEqual(streamed, ids);
  const unordered = await readQuery(`SELECT id FROM ${DEMO} WHERE id >= 100`, { ...options, inlineMaxRows: 0 });
  assert.ok(unordered.session.streams.length > 1, 'without ORDER BY the session decides the streams');
});

test('zero rows and one row: the schema on both paths', async () => {
  for (const filter of ['id < 0', 'id = 42']) {
    const sql = `SELECT id, f_string, r_int64, rec FROM ${DEMO} WHERE ${filter}`;
    const [inline, storage] = [await readQuery(sql, options), await readQuery(sql, { ...options, inlineMaxRows: 0 })];
    assert.deepEqual(describeFields(inline.table.schema.fields), describeFields(storage.table.schema.fields));
    assert.deepEqual(canonicalRows(inline.table), canonicalRows(storage.table));
    assert.equal(inline.table.numRows, filter === 'id < 0' ? 0 : 1);
  }
});

test('parameters of every type reach the query and come back as their own values, on both paths', async () => {
  const params = {
    i: 9007199254740993n, f: -1.5, n: '123.456', bn: '-1.5e-30', s: 'é', by: Buffer.from([0, 255]), b: true,
    d: new Date('2026-03-04T00:00:00Z'), dt: '2026-03-04 05:06:07.123456', t: '12:34:56.789012', ts: new Date('2026-01-02T03:04:05.678Z'),
    j: { a: [1] }, g: 'POINT(1 2)', iv: '1-2 3 4:5:6.789', r: { start: '2026-01-01', end: null }, arr: [1n, 2n], st: { a: 1n, s: 'x' }, nul: null, e: [],
  };
  const types = { n: 'NUMERIC', bn: 'BIGNUMERIC', d: 'DATE', dt: 'DATETIME', t: 'TIME', j: 'JSON', g: 'GEOGRAPHY', iv: 'INTERVAL', r: 'RANGE<DATE>', nul: 'INT64', e: 'ARRAY<STRING>' };
  const sql = `SELECT ${Object.keys(params).map((k) => `@${k} AS p_${k}`).join(', ')} FROM ${DEMO} WHERE id = @id`;
  const inline = await readQuery(sql, { ...options, params: { ...params, id: 5n }, types });
  const storage = await readQuery(sql, { ...options, params: { ...params, id: 5n }, types, inlineMaxRows: 0 });
  assert.deepEqual(canonicalRows(inline.table), canonicalRows(storage.table));
  assert.deepEqual(describeFields(inline.table.schema.fields), describeFields(storage.table.schema.fields));
  const [row] = canonicalRows(inline.table) as Record<string, unknown>[];
  assert.deepEqual(row, {
    p_i: '9007199254740993', p_f: -1.5, p_n: row!.p_n, p_bn: row!.p_bn, p_s: 'é', p_by: '00ff', p_b: true, p_d: 20516,
    p_dt: '1772600767123456', p_t: '45296789012', p_ts: '1767323045678000', p_j: '{"a":[1]}', p_g: 'POINT(1 2)',
    p_iv: '14m 3d 14706789000000ns', p_r: { start: 20454, end: null }, p_arr: ['1', '2'], p_st: { a: '1', s: 'x' }, p_nul: null, p_e: [],
  });
  const decimal = (name: string) => decimalText(inline.table.getChild(name)!.data[0] as Data, 0);
  assert.deepEqual([decimal('p_n'), decimal('p_bn')], ['123.456000000', `-0.${'0'.repeat(29)}150000000`]);
  const positional = await readQuery(`SELECT id FROM ${DEMO} WHERE id < ? AND f_bool = ?`, { ...options, params: [20n, true] });
  assert.ok(positional.table.numRows > 0 && positional.table.numRows < 20);
});

test('a bad query fails with one QueryError: BigQuery\'s reason, message and the position in the SQL', async () => {
  const err = await readQuery(`SELECT id,\n  nope FROM ${DEMO}`, options).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof QueryError, String(err));
  assert.equal(err.reason, 'invalidQuery');
  assert.deepEqual(err.position, { line: 2, column: 3 });
  assert.match(err.message, /nope.*at \[2:3\]/);
  assert.equal(err.status, 'INVALID_ARGUMENT');
  assert.ok(err.job?.startsWith(`${PROJECT}:`));
});

test('the job carries the prefix, labels, location and byte limit asked for; over the limit it fails with BigQuery\'s reason', async () => {
  const result = await readQuery(`SELECT id FROM ${DEMO} WHERE id < 5`, { ...options, jobIdPrefix: 'etl_step_', labels: { team: 'etl', run: 'r1' }, location: 'US', maximumBytesBilled: 10n ** 12n });
  assert.match(result.job.reference.jobId, /^etl_step_[0-9a-f-]{36}$/);
  assert.equal(result.job.reference.location, 'US');
  const job = await fetch(`${emulator.restUrl}/bigquery/v2/projects/${PROJECT}/jobs/${result.job.reference.jobId}?location=US`)
    .then((r) => r.json() as Promise<{ configuration: { labels?: Record<string, string>; query: { maximumBytesBilled?: string } } }>);
  assert.deepEqual(job.configuration.labels, { team: 'etl', run: 'r1' });
  assert.equal(job.configuration.query.maximumBytesBilled, '1000000000000');
  const err = await readQuery(`SELECT * FROM ${DEMO}`, { ...options, maximumBytesBilled: 1 }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof QueryError, String(err));
  assert.equal(err.reason, 'bytesBilledLimitExceeded');
});

test('options that choose rows, and a query with no project, are refused before anything is sent', async () => {
  await assert.rejects(readQuery(`SELECT 1 FROM ${DEMO}`, { ...options, rowRestriction: 'id < 3' } as QueryOptions), (e: unknown) => e instanceof ReadOptionsError && /say it in the SQL/.test(e.message));
  const { billingProject: _, ...unbilled } = options;
  const env = { ...process.env };
  delete process.env.GOOGLE_CLOUD_PROJECT;
  delete process.env.GCLOUD_PROJECT;
  try {
    await assert.rejects(readQuery(`SELECT 1 FROM ${DEMO}`, unbilled), (e: unknown) => e instanceof ReadOptionsError && /billingProject/.test(e.message));
  } finally {
    process.env = env;
  }
  await assert.rejects(readQuery(' ', options), ReadOptionsError);
});

test('an unreachable REST API is an EndpointUnreachableError', async () => {
  const closed = await startEmulator({});
  const url = closed.restUrl;
  await closed.close();
  await assert.rejects(readQuery('SELECT 1', { ...options, apiEndpoint: url, retry: { maxRetries: 1, initialBackoffMs: 1 } }), (e: unknown) =>
    e instanceof EndpointUnreachableError && e.message.includes(url));
});

test('a dry run reports the bytes it would process, with the schema, and reads nothing', async () => {
  const result = await readQuery(`SELECT id, f_string FROM ${DEMO}`, { ...options, dryRun: true });
  assert.equal(result.job.dryRun, true);
  assert.ok(result.job.totalBytesProcessed > 0);
  assert.equal(result.table.numRows, 0);
  assert.deepEqual(result.table.schema.fields.map((f) => f.name), ['id', 'f_string']);
});

test('an abort cancels the running job with jobs.cancel: it ends DONE, stopped', async () => {
  const controller = new AbortController();
  const started = performance.now();
  const reading = readQuery(`SELECT id FROM ${DEMO}`, { ...options, apiEndpoint: slow.restUrl, endpoint: slow.address, jobIdPrefix: 'cancelled_', signal: controller.signal });
  setTimeout(() => controller.abort(new Error('stop')), 300);
  const err = await reading.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ReadAbortedError, String(err));
  assert.ok(performance.now() - started < 10_000, 'the read stopped without waiting for the job');
  const jobId = /query job test-project:US\.(cancelled_[\w-]+) cancelled/.exec(err.message)?.[1];
  assert.ok(jobId, err.message);
  const job = await fetch(`${slow.restUrl}/bigquery/v2/projects/${PROJECT}/jobs/${jobId}`).then((r) => r.json() as Promise<{ status: { state: string; errorResult?: { reason: string } } }>);
  assert.equal(job.status.state, 'DONE');
  assert.equal(job.status.errorResult?.reason, 'stopped');
});

test('a query result is a source for every sink: a stream from the jobs response and one through the Storage Read API', async () => {
  const sql = `SELECT id, f_string, f_numeric, rec FROM ${DEMO} WHERE id < 500`;
  for (const inlineMaxRows of [10_000, 0]) {
    const stream = await readQueryBatches(sql, { ...options, inlineMaxRows });
    assert.equal(stream.source, inlineMaxRows ? 'jobs-response' : 'storage-read');
    const file = path.join(dir, `q-${inlineMaxRows}.arrow`);
    const written = await writeArrowFile(stream, file);
    assert.equal(written.rows, 500);
    assert.equal(tableFromIPC(readFileSync(file)).numRows, 500);
    assert.equal(stream.stats.rows, 500);
    const text = path.join(dir, `q-${inlineMaxRows}.ndjson`);
    await writeNdjson(await readQueryBatches(sql, { ...options, inlineMaxRows }), text);
    assert.equal(readFileSync(text, 'utf8').trimEnd().split('\n').length, 500);
  }
  assert.equal(readFileSync(path.join(dir, 'q-0.ndjson'), 'utf8').split('\n').sort().join('\n'), readFileSync(path.join(dir, 'q-10000.ndjson'), 'utf8').split('\n').sort().join('\n'));
});

test('a view: a table read is refused with the way to read it, and a query of it reads it', async () => {
  const err = await readTableParallel(`${PROJECT}.ds.small_ids`, { endpoint: emulator.address }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ViewReadError, String(err));
  assert.match(err.message, /readQuery\('SELECT \* FROM `test-project\.ds\.small_ids`'\)/);
  const viaQuery = await readQuery(`SELECT * FROM \`${PROJECT}.ds.small_ids\``, options);
  assert.deepEqual(canonicalRows(viaQuery.table).map((r) => (r as { id: string }).id).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 10 }, (_, i) => String(i)));
});

