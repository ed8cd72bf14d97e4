import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';

const run = promisify(execFile);
const COMPILE_CACHE = new URL('../src/compile-cache.js', import.meta.url).href;
const POOL = new URL('../src/read/pool.js', import.meta.url).href;
const uid = process.getuid?.();

const scratch = mkdtempSync(path.join(tmpdir(), 'bqread-compile-cache-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;

/** A temporary directory of its own (TMPDIR) for a child process, and where bqread's cache goes in it. */
function freshTmp(): { tmp: string; cache: string } {
  const tmp = path.join(scratch, String(dirs++));
  mkdirSync(tmp);
  return { tmp, cache: path.join(tmp, uid === undefined ? 'bqread-compile-cache' : `bqread-compile-cache-${uid}`) };
}

/** Runs `code` (an ES module) in a fresh Node with TMPDIR = `tmp`; returns what it printed. */
async function inChild(code: string, tmp: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { NODE_COMPILE_CACHE: _set, NODE_DISABLE_COMPILE_CACHE: _off, ...inherited } = process.env;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { env: { ...inherited, TMPDIR: tmp, ...env }, timeout: 60_000 });
  return stdout.trim();
}

const ENABLE_AND_PRINT = `
const { enableCompileCache } = await import(${JSON.stringify(COMPILE_CACHE)});
enableCompileCache();
console.log(module.getCompileCacheDir() ?? 'none');`;

test('the cache goes to a directory of this user\'s own in the temporary directory, readable by nobody else', async () => {
  const { tmp, cache } = freshTmp();
  const directory = await inChild(ENABLE_AND_PRINT, tmp);
  assert.equal(path.dirname(directory), cache);
  if (uid !== undefined) assert.equal(lstatSync(cache).mode & 0o777, 0o700);
});

test('a directory others may write to, or a link, is refused: no cache then', { skip: uid === undefined && 'no uids here' }, async () => {
  const open = freshTmp();
  mkdirSync(open.cache);
  chmodSync(open.cache, 0o777);
  assert.equal(await inChild(ENABLE_AND_PRINT, open.tmp), 'none');
  const linked = freshTmp();
  const elsewhere = path.join(linked.tmp, 'elsewhere');
  mkdirSync(elsewhere, { mode: 0o700 });
  symlinkSync(elsewhere, linked.cache);
  assert.equal(await inChild(ENABLE_AND_PRINT, linked.tmp), 'none');
});

test('NODE_COMPILE_CACHE wins, and NODE_DISABLE_COMPILE_CACHE=1 turns it off', async () => {
  const { tmp, cache } = freshTmp();
  const chosen = path.join(tmp, 'chosen');
  assert.equal(path.dirname(await inChild(ENABLE_AND_PRINT, tmp, { NODE_COMPILE_CACHE: chosen })), chosen);
  assert.equal(await inChild(ENABLE_AND_PRINT, tmp, { NODE_DISABLE_COMPILE_CACHE: '1' }), 'none');
  assert.throws(() => lstatSync(cache), { code: 'ENOENT' });
});

test('each worker thread of the pool turns the cache on for itself', async () => {
  const { tmp, cache } = freshTmp();
  // The child's main thread never turns it on: whatever is cached was compiled by the worker.
  await inChild(`
const { ReadPool } = await import(${JSON.stringify(POOL)});
const pool = new ReadPool({ workers: 1 });
await pool.ready();
await pool.close();`, tmp);
  const [version] = readdirSync(cache);
  assert.ok(version, 'a cache for this Node version');
  assert.ok(readdirSync(path.join(cache, version)).length > 10, 'the worker\'s modules are cached');
});
