import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { CLI, runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

const TOKEN = 'ya29.secret-token-for-tests';
const WRONG_TOKEN = 'ya29.not-the-right-one';

let emulator: Emulator;
let guarded: Emulator;
let dir: string;

before(async () => {
  ({ emulator } = await demoEmulator(100));
  ({ emulator: guarded } = await demoEmulator(100, { requireToken: TOKEN }));
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-errors-'));
});
after(async () => {
  await Promise.all([emulator.close(), guarded.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failsWith(args: string[], code: number, message: RegExp): Promise<string> {
  const run = await runCli(args, { timeoutMs: 30_000 });
  assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${run.stderr}`);
  assert.match(lines[0]!, message);
  assert.equal(run.stdout.length, 0);
  return run.stderr;
}

const read = (...args: string[]) => ['read', DEMO, '--endpoint', emulator.address, '--workers', '1', '--quiet', ...args];

test('a bad table name is a usage error (2)', async () => {
  await failsWith(['read', 'not-a-table', '--endpoint', emulator.address], 2, /^bqread: bad table name "not-a-table": expected project\.dataset\.table/);
});

test('an unknown table, an unknown column and a bad filter are refused by the service (3)', async () => {
  await failsWith(['read', 'test-project.ds.nope', '--endpoint', emulator.address, '--quiet'], 3, /^bqread: CreateReadSession for .*nope failed: NOT_FOUND/);
  await failsWith(read('--columns', 'id,no_such_column'), 3, /INVALID_ARGUMENT.*no_such_column/);
  await failsWith(read('--where', 'id <<< 3'), 3, /INVALID_ARGUMENT/);
});

test('an unreachable endpoint exits 5', async () => {
  const port = await closedPort();
  const stderr = await failsWith(['read', DEMO, '--endpoint', `127.0.0.1:${port}`, '--quiet'], 5, /^bqread: cannot reach the Read API at 127\.0\.0\.1:\d+/);
  assert.doesNotMatch(stderr, /Resolution note: *$/m);
});

test('a bad flag, a missing argument and an unknown command print one bqread line and exit 2', async () => {
  await failsWith(['read', DEMO, '--bogus'], 2, /^bqread: unknown option '--bogus'$/);
  await failsWith(['read'], 2, /^bqread: missing required argument 'table' \(or --plan FILE\)$/);
  await failsWith(['reed', DEMO], 2, /^bqread: unknown command 'reed' \(Did you mean read\?\)$/);
});

test('--stats-json to a path that cannot be written exits 6, as any output', async () => {
  const out = path.join(dir, 'stats-out.ndjson');
  await failsWith(read('--columns', 'id', '--out', out, '--stats-json', path.join(dir, 'no-such-dir', 's.json')), 6,
    /^bqread: cannot write --stats-json .*s\.json: ENOENT$/);
});

test('an auth failure exits 4 and never prints the token', async () => {
  const stderr = await failsWith(['read', DEMO, '--endpoint', guarded.address, '--token', WRONG_TOKEN, '--quiet'], 4, /UNAUTHENTICATED/);
  const verbose = await runCli(['read', DEMO, '--endpoint', guarded.address, '--token', WRONG_TOKEN, '--quiet', '--verbose']);
  assert.equal(verbose.code, 4);
  for (const text of [stderr, verbose.stderr]) assert.ok(!text.includes('not-the-right-one'), text);
  const missing = await runCli(['read', DEMO, '--endpoint', guarded.address, '--quiet']);
  assert.equal(missing.code, 4, missing.stderr);
  const ok = await runCli(['read', DEMO, '--endpoint', guarded.address, '--token', TOKEN, '--quiet', '--columns', 'id']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.toString().trimEnd().split('\n').length, 100);
});

test('an output path that cannot be written exits 6 before reading anything', async () => {
  await failsWith(read('--out', path.join(dir, 'no-such-dir', 'x.parquet')), 6, /^bqread: cannot write .*x\.parquet: ENOENT$/);
  const blocker = path.join(dir, 'a-file');
  writeFileSync(blocker, '');
  await failsWith(read('--out', path.join(blocker, 'x.csv')), 6, /^bqread: cannot write .*: ENOTDIR$/);
});

test('usage errors exit 2: bad flags, CSV of nested columns', async () => {
  await failsWith(read('--sample', '0'), 2, /--sample must be a number in \(0, 100\]/);
  await failsWith(read('--format', 'xml'), 2, /option '--format <format>' argument 'xml' is invalid/);
  await failsWith(read('--out', path.join(dir, 'nested.csv')), 2, /^bqread: CSV cannot hold nested or repeated columns \(f_range_date, f_range_datetime, f_range_timestamp, r_int64, r_string, rec, r_rec\)/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('nested')), []);
  await failsWith(read('--ca-cert', 'x.pem'), 2, /--ca-cert needs --tls/);
});

test('--columns with no name, or an empty one among them, is a usage error (2), not a read of every column', async () => {
  await failsWith(read('--columns', ''), 2, /--columns names no column/);
  await failsWith(read('--columns', ' , '), 2, /--columns names no column/);
  await failsWith(read('--columns', 'id,,f_bool'), 2, /--columns has an empty column name in "id,,f_bool"$/);
  await failsWith(read('--columns', 'id,'), 2, /--columns .*empty column name/);
  await failsWith(['head', DEMO, '--endpoint', emulator.address, '--columns', ''], 2, /--columns names no column/);
});

test('--verbose adds the stack; without it there is none', async () => {
  const run = await runCli(['read', 'test-project.ds.nope', '--endpoint', emulator.address, '--quiet', '--verbose']);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /\n\s+at /);
});

// SIGTERM is how `timeout`, Docker, Kubernetes and CI stop a process; SIGHUP comes when the terminal goes.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${signal} stops the read, removes the partial file and exits ${code}`, async () => {
    const slow = await demoEmulator(3000, { faults: [{ kind: 'delay', delayMs: 400, times: 1000 }] });
    try {
      const sub = mkdtempSync(path.join(dir, `${signal}-`));
      const child = spawn(process.execPath, [CLI, 'read', DEMO, '--endpoint', slow.emulator.address, '--workers', '1', '--quiet', '--out', path.join(sub, 'x.parquet')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      // Signal once the partial file exists: the read is under way.
      while (readdirSync(sub).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.once('close', resolve));
      assert.equal(exit, code, stderr);
      assert.equal(stderr, `bqread: interrupted (${signal})\n`);
      assert.deepEqual(readdirSync(sub), []);
    } finally {
      await slow.emulator.close();
    }
  });
}

// NDJSON is formatted in the worker threads and parts are written by threads of their own: a stop
// still removes everything written.
for (const [what, out, inside] of [['NDJSON', 'x.ndjson', ''], ['Parquet parts', 'parts/', 'parts']] as const) {
  test(`SIGINT stops a read written as ${what} and removes what was written`, async () => {
    const slow = await demoEmulator(3000, { faults: [{ kind: 'delay', delayMs: 400, times: 1000 }] });
    try {
      const sub = mkdtempSync(path.join(dir, 'stop-'));
      const child = spawn(process.execPath, [CLI, 'read', DEMO, '--endpoint', slow.emulator.address, '--workers', '1', '--quiet', '--out', path.join(sub, out)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const written = path.join(sub, inside);
      // Signal once a partial file exists: the read is under way.
      while (!existsSync(written) || readdirSync(written).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
      const exit = await new Promise<number | null>((resolve) => child.once('close', resolve));
      assert.equal(exit, 130, stderr);
      assert.deepEqual(readdirSync(written), []);
    } finally {
      await slow.emulator.close();
    }
  });
}
