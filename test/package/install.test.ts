// Installs the packed tarball into a scratch app with its own apache-arrow (the low end of the
// peer range), as `npm i bqread` would, and uses bqread from there: library, CLI, worker, protocol descriptors.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// The app's apache-arrow: the peer range's low end, which `npm ci` already cached (the alias).
const APP_ARROW = manifest.devDependencies['apache-arrow-oldest'].replace(/^npm:apache-arrow@/, '');
const INSTALL_TIMEOUT_MS = 150_000;

let dir: string;
let app: string;
let emulator: Emulator;
let packed: { files: { path: string }[] };

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
  [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  const tarball = path.join(dir, (packed as unknown as { filename: string }).filename);
  app = path.join(dir, 'app');
  await run('mkdir', [app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'scratch-app', private: true, type: 'module',
    dependencies: { bqread: `file:${tarball}`, 'apache-arrow': APP_ARROW },
  }));
  // From the cache `npm ci` filled where it can, the registry otherwise.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: app, timeout: INSTALL_TIMEOUT_MS,
  });
  ({ emulator } = await demoEmulator(2000));
}, { timeout: INSTALL_TIMEOUT_MS + 60_000 });

after(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the tarball ships the library, CLI, worker and protocol descriptors, and no tests, benchmarks or build scripts', () => {
  const files = packed.files.map((f) => f.path);
  for (const needed of ['dist/src/index.js', 'dist/src/emulator/index.js', 'dist/src/sinks/index.js', 'dist/src/cli/main.js',
    'dist/workers/read-stream.js', 'dist/protos/bigquery-read.json', 'README.md', 'package.json']) {
    assert.ok(files.includes(needed), `${needed} missing from the tarball`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith('dist/test') || f.startsWith('dist/bench') || f.startsWith('dist/scripts') || f.endsWith('.ts') && !f.endsWith('.d.ts')), []);
});

test(`the app's own apache-arrow ${APP_ARROW} is the one bqread uses: its Table works with the app's arrow`, async () => {
  writeFileSync(path.join(app, 'main.js'), `
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { readTableParallel, readBatches } from 'bqread';
import { startEmulator, generateDemoTable } from 'bqread/emulator';
import { writeParquet } from 'bqread/sinks';

const data = generateDemoTable({ rows: 3000, seed: 5 });
const emulator = await startEmulator({ tables: [{ table: 'scratch-app.ds.t', data }] });
try {
  const { table } = await readTableParallel('scratch-app.ds.t', { endpoint: emulator.address, workers: 2 });
  assert.ok(table instanceof Table, 'the Table is an instance of the app\\'s apache-arrow Table');
  const back = tableFromIPC(tableToIPC(table));
  const written = await writeParquet(readBatches('scratch-app.ds.t', { endpoint: emulator.address, workers: 1 }), 'out.parquet');
  console.log(JSON.stringify({
    arrow: JSON.parse(readFileSync('node_modules/apache-arrow/package.json', 'utf8')).version,
    rows: table.numRows, roundTrip: back.numRows, ids: back.getChild('id').toArray().length, parquetRows: written.rows,
  }));
} finally {
  await emulator.close();
}
`);
  const { stdout } = await run(process.execPath, ['main.js'], { cwd: app, timeout: 60_000 });
  assert.deepEqual(JSON.parse(stdout), { arrow: APP_ARROW, rows: 3000, roundTrip: 3000, ids: 3000, parquetRows: 3000 });
  // One copy of apache-arrow in the app: bqread's peer dependency resolves to the app's.
  const { stdout: tree } = await run('npm', ['ls', 'apache-arrow', '--all', '--parseable'], { cwd: app, timeout: 30_000 });
  assert.deepEqual(tree.trim().split('\n').filter((line) => line.includes('apache-arrow')), [path.join(app, 'node_modules/apache-arrow')]);
});

test('npx bqread reads a table into a file from the installed package', async () => {
  const child = spawn('npx', ['--no-install', 'bqread', 'read', DEMO, '--endpoint', emulator.address, '--out', 'demo.arrow', '--workers', '1'], { cwd: app });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^2,000 rows, \d+ columns .* arrow .* MB -> demo\.arrow\n$/);
});
