import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC, type Table } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import type { Emulator } from '../../src/emulator/server.js';
import { exportRows, exportText, parseCsv } from '../helpers/bigquery-export.js';
import { canonicalRows, rowsById, type Canonical } from '../helpers/canonical.js';
import { CLI, runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

// 3000 rows: every type with nulls, and the extreme rows (row % 1000) of each type.
const ROWS = 3000;
const SCALARS = ['id', 'f_float64', 'f_numeric', 'f_bignumeric', 'f_string', 'f_bytes', 'f_bool', 'f_date',
  'f_datetime', 'f_time', 'f_timestamp', 'f_geography', 'f_json', 'f_interval'];

let emulator: Emulator;
let source: Table;
let dir: string;
let endpoint: string[];

before(async () => {
  ({ emulator, source } = await demoEmulator(ROWS));
  endpoint = ['--endpoint', emulator.address, '--workers', '2', '--quiet'];
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-read-'));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const byId = (rows: Canonical[]) => rowsById(rows);
const sourceRows = () => byId(canonicalRows(source));

async function readOk(args: string[]) {
  const run = await runCli(['read', DEMO, ...endpoint, ...args]);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

test('--out x.arrow writes an Arrow IPC file with every row and value', async () => {
  const out = path.join(dir, 'all.arrow');
  await readOk(['--out', out]);
  const table = tableFromIPC(readFileSync(out));
  assert.deepEqual(table.schema.fields.map(String), source.schema.fields.map(String));
  assert.deepEqual(byId(canonicalRows(table)), sourceRows());
});

test('--format arrows to stdout is an Arrow IPC stream a pipe can read', async () => {
  const run = await readOk(['--format', 'arrows']);
  assert.deepEqual(byId(canonicalRows(tableFromIPC(run.stdout))), sourceRows());
});

test('--out x.parquet keeps every BigQuery type: lists, structs, decimals, UTC microseconds, INTERVAL as text', async () => {
  const out = path.join(dir, 'all.parquet');
  await readOk(['--out', out]);
  const bytes = readFileSync(out);
  const table = tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
  // Parquet has no lossless INTERVAL: it is written as BigQuery's canonical text.
  const interval = source.schema.fields.find((f) => f.name === 'f_interval')!;
  const expected = [...sourceRows().values()].map((row) => {
    const r = row as Record<string, Canonical>;
    return { ...r, f_interval: r.f_interval === null ? null : exportText(interval, r.f_interval!) };
  });
  assert.deepEqual(byId(canonicalRows(table)), byId(expected));

  // The Parquet schema itself, as an independent reader (hyparquet) sees it.
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  assert.equal(Number(metadata.num_rows), ROWS);
  const element = (name: string) => metadata.schema.find((e) => e.name === name)!;
  assert.deepEqual(element('f_numeric').logical_type, { type: 'DECIMAL', precision: 38, scale: 9 });
  assert.deepEqual(element('f_bignumeric').logical_type, { type: 'DECIMAL', precision: 76, scale: 38 });
  assert.deepEqual(element('f_timestamp').logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' });
  assert.deepEqual(element('f_datetime').logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' });
  assert.deepEqual(element('f_time').logical_type, { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' });
  assert.equal(element('f_date').converted_type, 'DATE');
  assert.equal(element('r_int64').converted_type, 'LIST');
  assert.equal(element('r_int64').repetition_type, 'REQUIRED');
  assert.equal(element('rec').num_children, 4);
  assert.equal(element('r_rec').converted_type, 'LIST');
});

test('NDJSON (the default on a pipe) writes values as BigQuery JSON exports do', async () => {
  const run = await readOk([]);
  const lines = run.stdout.toString('utf8').trimEnd().split('\n');
  assert.equal(lines.length, ROWS);
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const expected = new Map(exportRows(source.schema, canonicalRows(source)).map((row) => [row.id as string, row]));
  for (const row of parsed) assert.deepEqual(row, expected.get(row.id as string));
  // BigQuery escapes <, > and & in its JSON exports; the demo's strings hold none, so check the raw text has none.
  assert.doesNotMatch(run.stdout.toString('utf8'), /[<>&]/);
});

test('--out x.csv writes a header and BigQuery CSV values for every scalar type', async () => {
  const out = path.join(dir, 'scalars.csv');
  await readOk(['--out', out, '--columns', SCALARS.join(',')]);
  const [header, ...records] = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(header, SCALARS);
  assert.equal(records.length, ROWS);
  const fields = source.schema.fields.filter((f) => SCALARS.includes(f.name));
  const expected = new Map(canonicalRows(source).map((row) => {
    const r = row as Record<string, Canonical>;
    return [r.id as string, fields.map((f) => (r[f.name] === null ? null : exportText(f, r[f.name]!)))];
  }));
  for (const record of records) assert.deepEqual(record, expected.get(record[0]!));
});

test('--where and --columns narrow the read', async () => {
  const run = await readOk(['--columns', 'id,f_bool', '--where', 'id < 3']);
  const rows = run.stdout.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string });
  assert.deepEqual(rows.map((r) => r.id).sort(), ['0', '1', '2']);
  assert.deepEqual(Object.keys(rows[0]!).filter((k) => k !== 'f_bool'), ['id']);
});

test('an --out whose extension names no format, or that has none, is NDJSON, as the help says', async () => {
  for (const name of ['rows.txt', 'rows']) {
    const out = path.join(dir, name);
    await readOk(['--out', out, '--columns', 'id']);
    const ids = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
    assert.equal(ids.length, ROWS, name);
  }
});

test('-o /dev/null reads the table and writes it to the device in place', async () => {
  const before = readdirSync('/dev');
  const run = await runCli(['read', DEMO, '--endpoint', emulator.address, '--workers', '2', '-o', '/dev/null']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^3,000 rows, .* \| ndjson .* MB written at .* MB\/s.* -> \/dev\/null\n$/);
  assert.ok(statSync('/dev/null').isCharacterDevice());
  assert.deepEqual(readdirSync('/dev').filter((name) => !before.includes(name)), []);
});

test('the summary line and --stats-json report the read', async () => {
  const out = path.join(dir, 'stats.ndjson');
  const statsPath = path.join(dir, 'stats.json');
  const run = await runCli(['read', DEMO, '--endpoint', emulator.address, '--workers', '2', '--out', out, '--stats-json', statsPath]);
  assert.equal(run.code, 0, run.stderr);
  // stderr is not a terminal here: no progress bar, only the summary.
  assert.match(run.stderr, /^3,000 rows, \d+ columns \| .* MB Arrow in .* s \| .* rows\/s, .* MB\/s \| \d+ streams( \(\+\d+ split off\))?, 0 retries \| ndjson .* MB written at .* MB\/s.* -> .*stats\.ndjson\n$/);
  const stats = JSON.parse(readFileSync(statsPath, 'utf8')) as { rows: number; output: { rows: number; bytes: number; format: string } };
  assert.equal(stats.rows, ROWS);
  assert.equal(stats.output.rows, ROWS);
  assert.equal(stats.output.bytes, statSync(out).size);
  assert.equal(stats.output.format, 'ndjson');
});

test('BIGQUERY_STORAGE_EMULATOR_HOST stands in for --endpoint', async () => {
  const run = await runCli(['read', DEMO, '--columns', 'id', '--quiet', '--max-streams', '1'], { env: { BIGQUERY_STORAGE_EMULATOR_HOST: emulator.address } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.toString('utf8').trimEnd().split('\n').length, ROWS);
});

test('a read that fails midway leaves no output file, not even a partial one', async () => {
  const failing = await demoEmulator(ROWS, { faults: [{ kind: 'error', code: 'INVALID_ARGUMENT', afterResponses: 1 }] });
  try {
    const sub = mkdtempSync(path.join(dir, 'fail-'));
    const out = path.join(sub, 'never.parquet');
    const run = await runCli(['read', DEMO, '--endpoint', failing.emulator.address, '--workers', '1', '--max-streams', '1', '--quiet', '--out', out]);
    assert.equal(run.code, 7, run.stderr);
    assert.match(run.stderr, /^bqread: reading stream .* failed at row \d+: INVALID_ARGUMENT/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(sub), []);
  } finally {
    await failing.emulator.close();
  }
});

test('a reader of stdout that stops early (`| head`) ends the read quietly with exit 0', async () => {
  // All columns: megabytes of NDJSON, far more than a pipe holds, so the write hits the closed pipe.
  const child = spawn(process.execPath, [CLI, 'read', DEMO, ...endpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Take the first chunk, then close the pipe as `head` does.
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});

/** Each part is a valid Parquet file of the rows its manifest entry says, and together they hold every row. */
function assertPartsHoldEveryRow(out: string, files: readonly { path: string; rows: number }[]): void {
  let rows = 0;
  for (const file of files) {
    const table = tableFromIPC(parquet.readParquet(readFileSync(path.join(out, file.path))).intoIPCStream());
    assert.equal(table.numRows, file.rows, file.path);
    rows += table.numRows;
  }
  assert.equal(rows, ROWS);
}

test('--out DIR/ --parts 3 writes three Parquet parts and a manifest; together they hold every row', async () => {
  const out = path.join(dir, 'parts/');
  const run = await runCli(['read', DEMO, '--endpoint', emulator.address, '--workers', '2', '--out', out, '--parts', '3']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /3 parts/);
  assert.deepEqual(readdirSync(out).sort(), ['manifest.json', 'part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { rows: number; files: { path: string; rows: number }[] };
  assert.equal(manifest.rows, ROWS);
  assertPartsHoldEveryRow(out, manifest.files);
});

test('--part-size rolls the parts: more files than --parts, each a valid Parquet file, together every row', async () => {
  const out = path.join(dir, 'sized-parts/');
  const run = await runCli(['read', DEMO, '--endpoint', emulator.address, '--workers', '2', '--out', out, '--parts', '2', '--part-size', '64KiB']);
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { rows: number; files: { path: string; rows: number; bytes: number }[] };
  assert.ok(manifest.files.length > 2, `${manifest.files.length} parts`);
  assertPartsHoldEveryRow(out, manifest.files);
  const bad = await runCli(['read', DEMO, '--endpoint', emulator.address, '--out', path.join(dir, 'bad-size/'), '--part-size', '12 parsecs']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--part-size must be a size such as 256MB/);
});

test('--parts writes Parquet into a directory: stdout or another format is refused before any read', async () => {
  const toStdout = await runCli(['read', DEMO, '--endpoint', emulator.address, '--parts', '2']);
  assert.equal(toStdout.code, 2);
  assert.match(toStdout.stderr, /--out DIR\//);
  const sizedToStdout = await runCli(['read', DEMO, '--endpoint', emulator.address, '--part-size', '1MB']);
  assert.equal(sizedToStdout.code, 2);
  assert.match(sizedToStdout.stderr, /--part-size writes files into a directory/);
  const csv = await runCli(['read', DEMO, '--endpoint', emulator.address, '--out', path.join(dir, 'csvparts/'), '--format', 'csv']);
  assert.equal(csv.code, 2);
  assert.match(csv.stderr, /part files are Parquet/);
});
