import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { DEMO_TABLE } from '../../src/cli/demo-table.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { CLI, runCli } from '../helpers/cli.js';

const execFileAsync = promisify(execFile);
const PROJECT = 'test-project';
const DEMO = `\`${PROJECT}.ds.demo\``;
let emulator: Emulator;
let slow: Emulator;
let dir: string;
let flags: string[];

before(async () => {
  const tables = [{ table: `${PROJECT}.ds.demo`, data: generateDemoTable({ rows: 2000, seed: 4 }) }];
  emulator = await startEmulator({ tables });
  emulator.addView(`${PROJECT}.ds.first_ids`, `SELECT id, f_string FROM ${DEMO} WHERE id < 25`);
  slow = await startEmulator({ tables, jobLatencyMs: 30_000 });
  flags = ['--api-endpoint', emulator.restUrl, '--endpoint', emulator.address, '--billing-project', PROJECT, '--workers', '2', '--quiet'];
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-query-cli-'));
});

after(async () => {
  await Promise.all([emulator.close(), slow.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('bqread query --param ... --out x.parquet writes the result, read through either path', async () => {
  const sql = `SELECT id, f_string, f_numeric, f_date, rec FROM ${DEMO} WHERE id < @n AND f_date >= @day`;
  const outputs = [];
  for (const cutover of ['10000', '0']) {
    const out = path.join(dir, `q-${cutover}.parquet`);
    const run = await runCli(['query', sql, '--param', 'n:INT64:700', '--param', 'day:DATE:1970-01-01', '--inline-max-rows', cutover, '--out', out, ...flags]);
    assert.equal(run.code, 0, run.stderr);
    outputs.push(rowsById(canonicalRows(tableFromIPC(parquet.readParquet(readFileSync(out)).intoIPCStream()))));
  }
  assert.ok(outputs[0]!.size > 100 && outputs[0]!.size < 700);
  assert.deepEqual(outputs[0], outputs[1]);
});

test('without --quiet: the job line (its time, bytes processed, where the rows came from), then the read\'s summary line', async () => {
  const run = await runCli(['query', `SELECT id FROM ${DEMO} WHERE id < 3`, '--format', 'csv', ...flags.filter((f) => f !== '--quiet')]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.toString('utf8').trimEnd().split('\n').sort(), ['0', '1', '2', 'id']);
  assert.match(run.stderr, /^query job test-project:US\.bqread_[\w-]+: done in \d+\.\d\d s, [\d.]+ MB processed, 3 rows read from the jobs response\n3 rows, 1 column \|.*\| no read session, 0 retries \|/);
});

test('--stats-json names the job as the table read, with the read\'s statistics', async () => {
  const stats = path.join(dir, 'stats.json');
  const run = await runCli(['query', `SELECT id FROM ${DEMO} WHERE id < 1500`, '--inline-max-rows', '0', '--format', 'csv', '--stats-json', stats, ...flags]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(readFileSync(stats, 'utf8')) as { table: string; rows: number; streams: number; output: { rows: number } };
  assert.match(report.table, /^test-project:US\.bqread_/);
  assert.deepEqual([report.rows, report.output.rows], [1500, 1500]);
  assert.ok(report.streams >= 1);
});

test('BIGQUERY_EMULATOR_HOST and BIGQUERY_STORAGE_EMULATOR_HOST name the endpoints, and NDJSON goes to a pipe', async () => {
  const run = await runCli(['query', `SELECT id, f_bool FROM ${DEMO} WHERE id = ?`, '--param', ':INT64:7', '--billing-project', PROJECT, '--quiet'], {
    env: { BIGQUERY_EMULATOR_HOST: emulator.restUrl.replace('http://', ''), BIGQUERY_STORAGE_EMULATOR_HOST: emulator.address },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout.toString('utf8')) as { id: string }).id, '7');
});

test('--dry-run prints the bytes the query would process and writes nothing', async () => {
  const out = path.join(dir, 'dry.parquet');
  const run = await runCli(['query', `SELECT id, f_string FROM ${DEMO}`, '--dry-run', '--out', out, ...flags]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout.toString('utf8'), /^[1-9]\d* bytes would be processed \(dry run\)\n$/);
  assert.equal(existsSync(out), false);
});

test('a bad query exits 3 with BigQuery\'s message and position on one line, and leaves no file', async () => {
  const out = path.join(dir, 'bad.parquet');
  const run = await runCli(['query', `SELECT nope FROM ${DEMO}`, '--out', out, ...flags]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /^bqread: Unrecognized name: nope at \[1:8\]\n$/);
  assert.equal(existsSync(out), false);
});

test('a bad --param is a usage error (exit 2), before any job runs', async () => {
  for (const param of ['n:INT64', 'n:NUMBER:1', 'n:INT64:x']) {
    const run = await runCli(['query', `SELECT id FROM ${DEMO} WHERE id < @n`, '--param', param, ...flags]);
    assert.equal(run.code, 2, `${param}: ${run.stderr}`);
    assert.match(run.stderr, /^bqread: .*(--param|type|INT64)/);
  }
});

test('SIGTERM while the job runs stops it (jobs.cancel) and exits 143 with no file left, not waiting for the job', async () => {
  const sub = mkdtempSync(path.join(dir, 'stopped-'));
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'query', `SELECT id FROM ${DEMO}`, '--out', path.join(sub, 'x.parquet'), '--api-endpoint', slow.restUrl, '--endpoint', slow.address, '--billing-project', PROJECT, '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // The job is asked for within a second of the start; it then runs for 30.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGTERM');
  const exit = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(exit, 143, stderr);
  assert.equal(stderr, 'bqread: interrupted (SIGTERM)\n');
  assert.ok(performance.now() - started < 20_000);
  assert.deepEqual(readdirSync(sub), []);
});

test('read on a view: refused (exit 3) with how to read it; --materialize-view reads it as a query of its columns and filter', async () => {
  const refused = await runCli(['read', `${PROJECT}.ds.first_ids`, ...flags]);
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /non-table entities .* It is a view: read it as a query, readQuery\('SELECT \* FROM `test-project\.ds\.first_ids`'\) or bqread query/);
  const run = await runCli(['read', `${PROJECT}.ds.first_ids`, '--materialize-view', '--columns', 'id', '--where', 'id >= 20', ...flags]);
  assert.equal(run.code, 0, run.stderr);
  const ids = run.stdout.toString('utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { id: string }).id).sort();
  assert.deepEqual(ids, ['20', '21', '22', '23', '24']);
});

test('the README\'s query of the demo table runs as written, against an emulator serving the demo table', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const line = readme.split('\n').find((l) => l.startsWith('BIGQUERY_EMULATOR_HOST=http://127.0.0.1:9050 ') && l.includes(' query '));
  assert.ok(line, 'the README has the demo query line');
  const args = line.replace(/^.*node dist\/src\/cli\/main\.js query /, '');
  const demo = await startEmulator({ tables: [{ table: DEMO_TABLE, data: generateDemoTable({ rows: 100_000 }) }] });
  try {
    const cwd = mkdtempSync(path.join(dir, 'readme-'));
    const command = `BIGQUERY_EMULATOR_HOST=${demo.restUrl} BIGQUERY_STORAGE_EMULATOR_HOST=${demo.address} "${process.execPath}" "${CLI}" query ${args}`;
    const run = await execFileAsync('sh', ['-c', command], { cwd, timeout: 60_000 });
    assert.match(run.stderr, /rows read/);
    const out = /--out (\S+)/.exec(args)![1]!;
    const table = tableFromIPC(parquet.readParquet(readFileSync(path.join(cwd, out))).intoIPCStream());
    assert.ok(table.numRows > 1000);
    const ids = canonicalRows(table).map((r) => Number((r as { id: string }).id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'ORDER BY id DESC');
  } finally {
    await demo.close();
  }
});

test('--out DIR/ --parts N writes a query\'s result as Parquet part files with their manifest, from either path', async () => {
  for (const cutover of ['10000', '0']) {
    const out = path.join(dir, `parts-${cutover}/`);
    const run = await runCli(['query', `SELECT id, f_string FROM ${DEMO} WHERE id < 900`, '--out', out, '--parts', '2', '--inline-max-rows', cutover, ...flags]);
    assert.equal(run.code, 0, run.stderr);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { rows: number };
    assert.equal(manifest.rows, 900);
  }
});
