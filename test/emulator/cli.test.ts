import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { tableToIPC } from 'apache-arrow';
import { ReadApiClient } from '../../src/client/read-client.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows } from '../helpers/canonical.js';
import { decodeChunks, readRows, readStream, sessionRequest } from '../helpers/read-api.js';

// The compiled CLI next to this compiled test (dist/test/emulator -> dist/src/cli).
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const DEMO = 'projects/bqread-demo/datasets/samples/tables/all_types';
const START_TIMEOUT_MS = 10_000;

interface Running {
  readonly child: ChildProcess;
  readonly address: string;
  stderr(): string;
}

/** Spawns `bqread emulator ...` and waits for its `listening on` line. */
function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, 'emulator', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /^listening on (\S+)$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, address: match[1]!, stderr: () => stderr });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
}

/** Waits for the child to exit, killing it if it takes longer than `timeoutMs`. */
function exited(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Runs the CLI to completion (it is expected to fail fast) and collects its output. */
async function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const { code } = await exited(child, START_TIMEOUT_MS);
  return { code, stderr };
}

const clientFor = (address: string) => new ReadApiClient({ endpoint: address, tls: false, auth: { kind: 'none' } });

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-cli-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('emulator --demo serves the demo table and exits 0 promptly on SIGTERM, even with a client connected', async () => {
  const running = await startCli(['--demo', '--demo-rows', '1000']);
  const client = clientFor(running.address);
  try {
    assert.match(running.address, /^127\.0\.0\.1:\d+$/);
    const rows = await readRows(client, sessionRequest(DEMO));
    assert.deepEqual(rows, canonicalRows(generateDemoTable({ rows: 1000, seed: 1 })));
    assert.match(running.stderr(), /serving bqread-demo\.samples\.all_types \(1000 rows\)/);

    running.child.kill('SIGTERM');
    const start = performance.now();
    assert.deepEqual(await exited(running.child, 5000), { code: 0, signal: null });
    assert.ok(performance.now() - start < 3000, `exit took ${performance.now() - start} ms`);
  } finally {
    client.close();
    running.child.kill('SIGKILL');
  }
});

test('emulator --table serves an Arrow IPC file and ROWS.ndjson:SCHEMA.json', async () => {
  const arrowSource = generateDemoTable({ rows: 50, seed: 4 });
  const arrowPath = path.join(dir, 'demo.arrow');
  writeFileSync(arrowPath, tableToIPC(arrowSource, 'file'));
  const rowsPath = path.join(dir, 'rows.ndjson');
  const schemaPath = path.join(dir, 'schema.json');
  writeFileSync(schemaPath, JSON.stringify([
    { name: 'id', type: 'INT64', mode: 'REQUIRED' },
    { name: 'name', type: 'STRING' },
    { name: 'score', type: 'FLOAT64' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  ]));
  writeFileSync(rowsPath, [
    { id: 1, name: 'ada', score: 1.5, tags: ['x', 'y'] },
    { id: '9007199254740993', name: null, tags: [] },
    { id: 3, name: 'zoë', score: -2 },
  ].map((row) => JSON.stringify(row)).join('\n') + '\n');

  const running = await startCli([
    '--table', `test-project.ds.from_arrow=${arrowPath}`,
    '--table', `test-project:ds.from_json=${rowsPath}:${schemaPath}`,
  ]);
  const client = clientFor(running.address);
  try {
    assert.deepEqual(
      await readRows(client, sessionRequest('projects/test-project/datasets/ds/tables/from_arrow')),
      canonicalRows(arrowSource),
    );
    assert.deepEqual(await readRows(client, sessionRequest('projects/test-project/datasets/ds/tables/from_json')), [
      { id: '1', name: 'ada', score: 1.5, tags: ['x', 'y'] },
      { id: '9007199254740993', name: null, score: null, tags: [] },
      { id: '3', name: 'zoë', score: -2, tags: [] },
    ]);
  } finally {
    client.close();
    running.child.kill('SIGKILL');
  }
});

test('emulator --fault injects the fault into ReadRows', async () => {
  // 8000 demo rows make three responses of about 1 MiB.
  const running = await startCli(['--demo', '--demo-rows', '8000', '--fault', 'error:code=UNAVAILABLE,after=1']);
  const client = clientFor(running.address);
  try {
    const session = await client.createReadSession(sessionRequest(DEMO, { selectedFields: ['id'] }, { maxStreamCount: 1 }));
    const name: string = session.streams[0]!.name;
    const failed = await readStream(client, name);
    assert.equal(failed.chunks.length, 1);
    assert.equal(failed.error?.code, Status.UNAVAILABLE);
    const done = failed.chunks[0]!.rowCount;
    const resumed = await readStream(client, name, done);
    assert.equal(resumed.error, undefined);
    const ids = canonicalRows(decodeChunks(session.arrowSchema!.serializedSchema, [...failed.chunks, ...resumed.chunks]));
    assert.deepEqual(ids, Array.from({ length: 8000 }, (_, i) => ({ id: String(i) })));
  } finally {
    client.close();
    running.child.kill('SIGKILL');
  }
});

test('emulator --pace and --stream-rate serve each stream at the given rate', async () => {
  // 8000 demo rows in one stream: three responses of about 1 MiB at 8 MiB/s, after a 300 ms first response.
  const running = await startCli(['--demo', '--demo-rows', '8000', '--pace', 'bigquery', '--stream-rate', '8']);
  const client = clientFor(running.address);
  try {
    const sessionStarted = performance.now();
    const session = await client.createReadSession(sessionRequest(DEMO, {}, { maxStreamCount: 1 }));
    assert.ok(performance.now() - sessionStarted >= 295, 'the profile\'s session latency');
    const started = performance.now();
    const read = await readStream(client, session.streams[0]!.name);
    const bytes = read.raw.reduce((n, r) => n + r.byteLength, 0);
    const lastResponse = read.raw.at(-1)!.byteLength;
    // The pace is the feature here: the read cannot be faster than the rate allows.
    const minimumMs = 300 + ((bytes - lastResponse) / (8 * 1024 * 1024)) * 1000;
    assert.ok(performance.now() - started >= minimumMs - 5, `paced: ${(performance.now() - started).toFixed(0)} ms >= ${minimumMs.toFixed(0)} ms`);
  } finally {
    client.close();
    running.child.kill('SIGKILL');
  }
});

test('emulator --storage-block-bytes sets the smallest storage block, so the stream count a small table gets', async () => {
  // 1000 demo rows are about 370 KB: one 4 MiB block by default, about 9 blocks of 40 KB.
  const counts: number[] = [];
  for (const flags of [[], ['--storage-block-bytes', '40000'], ['--storage-block-bytes', '0']]) {
    const running = await startCli(['--demo', '--demo-rows', '1000', ...flags]);
    const client = clientFor(running.address);
    try {
      counts.push((await client.createReadSession(sessionRequest(DEMO, {}, { maxStreamCount: 100 }))).streams.length);
    } finally {
      client.close();
      running.child.kill('SIGKILL');
    }
  }
  assert.equal(counts[0], 1);
  assert.ok(counts[1]! > 1 && counts[1]! < 100, `${counts[1]} streams of 40 KB blocks`);
  assert.equal(counts[2], 100);
});

test('bad emulator flags exit non-zero with a message naming the problem', async () => {
  const cases: [string[], RegExp][] = [
    [['emulator', '--bogus'], /unknown option '--bogus'/],
    [['emulator', '--demo', '--port', 'abc'], /--port must be an integer >= 0/],
    [['emulator', '--demo', '--demo-rows', '5', '--fault', 'explode'], /bad --fault "explode": kind must be one of error, drop, delay, throttle, corrupt/],
    [['emulator', '--demo', '--demo-rows', '5', '--fault', 'error:after'], /bad --fault "error:after": "after" is not key=value/],
    [['emulator', '--demo', '--demo-rows', '5', '--fault', 'error:code=NOPE'], /unknown gRPC status code "NOPE"/],
    [['emulator', '--table', 'no-equals-sign'], /bad --table "no-equals-sign"/],
    [['emulator', '--table', `t.ds.x=${path.join(dir, 'missing.arrow')}`], /missing\.arrow/],
    [['emulator'], /nothing to serve/],
    [['emulator', '--demo', '--pace', 'warp'], /--pace must be one of bigquery, bigquery-slow/],
    [['emulator', '--demo', '--stream-rate', '0'], /--stream-rate must be a number in \(0, 1000000\]/],
    [['emulator', '--demo', '--storage-block-bytes', '-1'], /--storage-block-bytes must be an integer >= 0/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(args);
    assert.notEqual(code, 0, args.join(' '));
    assert.match(stderr, message, args.join(' '));
  }
});
