import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

// The compiled CLI next to this compiled test (dist/test/emulator/rest -> dist/src/cli).
const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** Spawns `bqread emulator ...` and waits for the REST URL line that follows `listening on`. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; grpc: string; rest: string }> {
  const child = spawn(process.execPath, [MAIN, 'emulator', '--demo', '--demo-rows', '10', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  const ready = new Promise<{ grpc: string; rest: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no REST URL line within ${START_TIMEOUT_MS} ms: ${stdout}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /^listening on (\S+)\n(http:\/\/\S+)$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ grpc: match[1]!, rest: match[2]! });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${stdout}`));
    });
  });
  try {
    return { child, ...(await ready) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

test('bqread emulator prints the REST API as http://HOST:PORT on its own line, and serves it there', async () => {
  const { child, grpc, rest } = await startCli(['--port', '0', '--rest-port', '0']);
  try {
    assert.match(grpc, /^127\.0\.0\.1:\d+$/);
    assert.match(rest, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${rest}/bigquery/v2/projects/bqread-demo/queries`, {
      method: 'POST', body: JSON.stringify({ query: 'SELECT COUNT(*) FROM samples.all_types', useLegacySql: false }), signal: AbortSignal.timeout(30_000),
    });
    assert.equal(response.status, 400);
    const table = await fetch(`${rest}/bigquery/v2/projects/bqread-demo/datasets/samples/tables/all_types`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(((await table.json()) as { numRows: string }).numRows, '10');
  } finally {
    await stop(child);
  }
});

test('with --port 0 and no --rest-port the REST API takes a free port too, not 9050', async () => {
  const { child, rest } = await startCli(['--port', '0']);
  try {
    assert.notEqual(new URL(rest).port, '9050');
  } finally {
    await stop(child);
  }
});
