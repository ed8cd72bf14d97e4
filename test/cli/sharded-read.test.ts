// N machines played by N OS processes of the built CLI, each told its shard by a different job
// engine's environment, against one emulator; one is killed mid-read and run again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import type { Emulator } from '../../src/emulator/server.js';
import type { ShardManifest } from '../../src/plan/part-manifest.js';
import { canonicalRows, rowsById, type Canonical } from '../helpers/canonical.js';
import { CLI, runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator, eventually } from '../helpers/demo-emulator.js';
import { parquetCanonicalRows } from '../helpers/parquet-canonical.js';

const ROWS = 6000;
let emulator: Emulator;
let source: Table;
let dir: string;

before(async () => {
  ({ emulator, source } = await demoEmulator(ROWS));
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-shards-'));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const connect = () => ['--endpoint', emulator.address, '--workers', '1', '--quiet'];

async function makePlan(name: string, args: string[]): Promise<string> {
  const plan = path.join(dir, name);
  const run = await runCli(['plan', DEMO, ...args, '--endpoint', emulator.address, '--out', plan]);
  assert.equal(run.code, 0, run.stderr);
  return plan;
}

/** A shard's process, with no engine variable but the ones given. */
function startShard(plan: string, out: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
    !/^(JOB_COMPLETION_INDEX|CLOUD_RUN_TASK_|AWS_BATCH_JOB_ARRAY_INDEX|BIGQUERY_STORAGE_EMULATOR_HOST)/.test(name)));
  const child = spawn(process.execPath, [CLI, 'read', '--plan', plan, '--out', out, ...connect(), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...inherited, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stderr }));
  return { child, exited };
}

async function partRows(parts: string): Promise<Canonical[]> {
  const rows: Canonical[] = [];
  for (const name of readdirSync(parts).filter((n) => n.endsWith('.parquet')).sort()) {
    rows.push(...(await parquetCanonicalRows(readFileSync(path.join(parts, name)), source.schema)));
  }
  return rows;
}

test('three shard processes (Kubernetes, Cloud Run and AWS Batch environments), one killed mid-read and run again, write parts whose union is the table', async () => {
  const plan = await makePlan('plan.json', ['--shards', '3', '--max-streams', '7']);
  const parts = path.join(dir, 'parts') + path.sep;
  // Shard 1's first stream stalls after its first response, so its first run is caught mid-read.
  emulator.addFault({ kind: 'delay', table: DEMO, stream: 1, afterResponses: 1, delayMs: 60_000 });
  const callsBefore = emulator.stats.readRowsCalls;
  const k8s = startShard(plan, parts, { JOB_COMPLETION_INDEX: '0' }, ['--parts', '2']);
  const stalled = startShard(plan, parts, { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '3' }, ['--no-rebalance', '--parts', '1']);
  const aws = startShard(plan, parts, { AWS_BATCH_JOB_ARRAY_INDEX: '2' }, ['--shard-count', '3', '--parts', '1']);
  for (const shard of [k8s, aws]) {
    const { code, stderr } = await shard.exited;
    assert.equal(code, 0, stderr);
  }
  // Every stream has been called, shard 1's two included: it is reading, and cannot finish.
  assert.ok(await eventually(() => emulator.stats.readRowsCalls - callsBefore >= 7, 20_000), 'shard 1 never started reading');
  stalled.child.kill('SIGKILL');
  assert.equal((await stalled.exited).signal, 'SIGKILL');
  emulator.clearFaults();
  const partial = readdirSync(parts);
  assert.ok(!partial.some((name) => name.startsWith('shard-00001-of-00003')), `a killed shard left no part under a final name: ${partial.join(', ')}`);
  const unfinished = await runCli(['plan', 'verify', plan, parts]);
  assert.equal(unfinished.code, 1);
  assert.match(unfinished.stderr, /shard 1 of 3 missing/);

  // The engine runs the failed task again: it replaces nothing, and adds the missing parts.
  const retry = startShard(plan, parts, { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '3' }, ['--parts', '1']);
  assert.equal((await retry.exited).code, 0);
  const verified = await runCli(['plan', 'verify', plan, parts]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout.toString(), new RegExp(`ok: 3 shards, ${ROWS.toLocaleString('en-US')} rows`));
  const names = readdirSync(parts).filter((n) => !n.startsWith('.')).sort();
  assert.deepEqual(names, [
    '_shard-00000-of-00003.shard.json', '_shard-00001-of-00003.shard.json', '_shard-00002-of-00003.shard.json',
    'shard-00000-of-00003-part-00000.parquet', 'shard-00000-of-00003-part-00001.parquet',
    'shard-00001-of-00003-part-00000.parquet', 'shard-00002-of-00003-part-00000.parquet',
  ]);
  assert.equal(readdirSync(parts).filter((n) => n.startsWith('.')).length, 0, 'the retry removed the killed try\'s partial files');

  // The union of the parts is the table: every row once (rowsById refuses a duplicate id), every value equal.
  const rows = await partRows(parts);
  assert.equal(rows.length, ROWS);
  assert.deepEqual(rowsById(rows), rowsById(canonicalRows(source)));

  // The parts are a Parquet directory a second reader takes whole.
  const duckdb = await DuckDBInstance.create(':memory:');
  try {
    const sql = await duckdb.connect();
    const glob = path.join(parts, '*.parquet').replaceAll("'", "''");
    const reader = await sql.runAndReadAll(`SELECT count(*)::VARCHAR, count(DISTINCT id)::VARCHAR FROM read_parquet('${glob}')`);
    assert.deepEqual(reader.getRows()[0], [String(ROWS), String(ROWS)]);
    const values = await sql.runAndReadAll(`SELECT id::VARCHAR, f_string, f_bool, f_float64 FROM read_parquet('${glob}') ORDER BY id`);
    const expected = canonicalRows(source).map((row) => {
      const r = row as Record<string, Canonical>;
      // canonical.ts writes NaN and the infinities as text.
      return [r.id, r.f_string, r.f_bool, typeof r.f_float64 === 'string' ? Number(r.f_float64) : r.f_float64];
    }).sort((a, b) => Number(BigInt(a[0] as string) - BigInt(b[0] as string)));
    assert.deepEqual(values.getRows(), expected);
    sql.closeSync();
  } finally {
    duckdb.closeSync();
  }

  // A part gone: verify names its shard and fails.
  unlinkSync(path.join(parts, 'shard-00002-of-00003-part-00000.parquet'));
  const broken = await runCli(['plan', 'verify', plan, parts]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /shard 2 \(shard-00002-of-00003-part-00000\.parquet\): its manifest is here but the part is not/);
  unlinkSync(path.join(parts, '_shard-00002-of-00003.shard.json'));
  const missing = await runCli(['plan', 'verify', plan, parts]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /shard 2 of 3 missing/);
});

test('a shard with no streams writes a valid empty Parquet file with the schema; a shard run again replaces its parts, however many; a changed part or a stray one fails verify', async () => {
  const plan = await makePlan('small-plan.json', ['--max-streams', '2', '--columns', 'id,f_string']);
  const parts = path.join(dir, 'small') + path.sep;
  for (let index = 0; index < 3; index++) {
    const run = await runCli(['read', '--plan', plan, '--shard', `${index}/3`, '--out', parts, '--parts', '1', ...connect()]);
    assert.equal(run.code, 0, run.stderr);
  }
  const empty = readFileSync(path.join(parts, 'shard-00002-of-00003-part-00000.parquet'));
  const metadata = parquetMetadata(empty.buffer.slice(empty.byteOffset, empty.byteOffset + empty.byteLength));
  assert.equal(Number(metadata.num_rows), 0);
  assert.deepEqual(metadata.schema.slice(1).map((e) => e.name), ['id', 'f_string']);
  const manifest = JSON.parse(readFileSync(path.join(parts, '_shard-00002-of-00003.shard.json'), 'utf8')) as ShardManifest;
  assert.deepEqual([manifest.rows, manifest.streams, manifest.files.length], [0, [], 1]);
  assert.equal((await runCli(['plan', 'verify', plan, parts])).code, 0);
  // A shard run again after it finished (an engine's retry, on a machine of more cores) replaces its
  // part with two; a run of fewer parts after that leaves none of the two behind.
  const rerun = await runCli(['read', '--plan', plan, '--shard', '0/3', '--out', parts, '--parts', '2', ...connect()]);
  assert.equal(rerun.code, 0, rerun.stderr);
  const ofShard0 = () => readdirSync(parts).filter((n) => n.includes('shard-00000-of-00003')).sort();
  assert.deepEqual(ofShard0(), ['_shard-00000-of-00003.shard.json', 'shard-00000-of-00003-part-00000.parquet', 'shard-00000-of-00003-part-00001.parquet']);
  assert.equal((await runCli(['plan', 'verify', plan, parts])).code, 0);
  const again = await runCli(['read', '--plan', plan, '--shard', '0/3', '--out', parts, '--parts', '1', ...connect()]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(ofShard0(), ['_shard-00000-of-00003.shard.json', 'shard-00000-of-00003-part-00000.parquet']);
  assert.equal((await runCli(['plan', 'verify', plan, parts])).code, 0);

  writeFileSync(path.join(parts, 'part-00009.parquet'), empty);
  const stray = await runCli(['plan', 'verify', plan, parts]);
  assert.equal(stray.code, 1);
  assert.match(stray.stderr, /part-00009\.parquet is in no shard's manifest/);
  unlinkSync(path.join(parts, 'part-00009.parquet'));

  writeFileSync(path.join(parts, 'shard-00002-of-00003-part-00000.parquet'), Buffer.concat([empty.subarray(0, 4), Buffer.from('XXXX'), empty.subarray(8)]));
  const changed = await runCli(['plan', 'verify', plan, parts]);
  assert.equal(changed.code, 1);
  assert.match(changed.stderr, /shard 2 \(shard-00002-of-00003-part-00000\.parquet\) does not match its manifest's checksum/);
});

test('shard flags that cannot work, a bad plan file and an expired plan fail with their exit codes', async () => {
  const plan = await makePlan('flags-plan.json', ['--max-streams', '2', '--shards', '2']);
  const out = path.join(dir, 'flags') + path.sep;
  const cases: [string[], NodeJS.ProcessEnv, number, RegExp][] = [
    [['read', '--plan', plan, '--shard', '0/3', '--out', out], {}, 2, /--shard 0\/3 has 3 shards but the plan was made for 2/],
    [['read', '--plan', plan, '--out', out], {}, 2, /no shard: give --shard INDEX\/COUNT/],
    [['read', '--plan', plan, '--shard', '0/2', '--where', 'id > 1', '--out', out], {}, 2, /--where shapes a session/],
    [['read', '--plan', plan, '--shard', '0/2'], {}, 2, /a shard writes part files: give --out DIR\//],
    [['read', '--plan', plan, '--shard', '0/2', '--out', out, '--format', 'csv'], {}, 2, /part files are Parquet or Arrow IPC files: drop --format csv/],
    [['read', DEMO, '--shard', '0/2', '--out', out], {}, 2, /--shard and --shard-count read a shard of a plan/],
    [['read', '--plan', plan, '--out', out], { JOB_COMPLETION_INDEX: '0', CLOUD_RUN_TASK_INDEX: '0' }, 2, /more than one job engine/],
  ];
  for (const [args, env, code, message] of cases) {
    const run = await runCli([...args, '--endpoint', emulator.address], { env });
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  const bad = path.join(dir, 'bad-plan.json');
  writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(plan, 'utf8')), version: 9 }));
  const wrongVersion = await runCli(['read', '--plan', bad, '--shard', '0/2', '--out', out, ...connect()]);
  assert.equal(wrongVersion.code, 2);
  assert.match(wrongVersion.stderr, /bad-plan\.json is a read plan of format version 9; this bqread reads version 1/);
  writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(plan, 'utf8')), expireTime: '2026-01-01T00:00:00.000Z' }));
  const expired = await runCli(['read', '--plan', bad, '--shard', '0/2', '--out', out, ...connect()]);
  assert.equal(expired.code, 3, expired.stderr);
  assert.match(expired.stderr, /the read session projects\/.+\/sessions\/\S+ expired at 2026-01-01T00:00:00\.000Z/);
  assert.deepEqual(readdirSync(out), [], 'an expired plan leaves no file behind');
});
