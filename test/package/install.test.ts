// Installs the packed tarball into a scratch app as `npm i bqread` would, next to the app's own
// apache-arrow, @grpc/grpc-js and google-auth-library at the low ends of bqread's ranges, with
// --prefer-dedupe; then uses bqread from there: its files, its types (a TypeScript consumer under
// node16 and bundler resolution), the library (reads from a loopback emulator, one through the app's
// google-auth-library), the CLI, the worker and the protocol's generated code.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { GoogleTokenEndpoint } from '../helpers/google-token-endpoint.js';
import { serviceAccountKey } from '../helpers/service-account.js';
import { selfSignedCert } from '../helpers/tls.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>; devDependencies: Record<string, string>;
};
/** The lowest version a caret range of bqread's allows. */
const lowEnd = (name: string): string => manifest.dependencies[name]!.replace(/^\^/, '');
// The app's packages: the low ends of bqread's ranges, which `npm ci` already cached (apache-arrow's
// through the alias the lockfile installs).
const APP_VERSIONS = {
  'apache-arrow': manifest.devDependencies['apache-arrow-oldest']!.replace(/^npm:apache-arrow@/, ''),
  '@grpc/grpc-js': lowEnd('@grpc/grpc-js'),
  'google-auth-library': lowEnd('google-auth-library'),
};
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const INSTALL_TIMEOUT_MS = 150_000;
const LOCAL_TABLE = { table: 'scratch-app.ds.t', rows: 3000, seed: 5 };
const REMOTE_TABLE = { table: 'keyfile-proj.ds.t', rows: 1200, seed: 8 };

let dir: string;
let app: string;
let emulator: Emulator;
let packed: { filename: string; files: { path: string }[] };
let files: string[];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
  [packed] = JSON.parse(stdout) as [typeof packed];
  files = packed.files.map((f) => f.path);
  app = path.join(dir, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'scratch-app', private: true, type: 'module',
    dependencies: { bqread: `file:${path.join(dir, packed.filename)}`, ...APP_VERSIONS },
    devDependencies: { '@types/node': manifest.devDependencies['@types/node'] },
  }));
  // From the cache `npm ci` filled where it can, the registry otherwise. --prefer-dedupe: bqread
  // takes the app's copies wherever they satisfy its ranges.
  await run('npm', ['install', '--prefer-offline', '--prefer-dedupe', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: app, timeout: INSTALL_TIMEOUT_MS,
  });
  ({ emulator } = await demoEmulator(2000));
}, { timeout: INSTALL_TIMEOUT_MS + 60_000 });

after(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball ships the library, CLI, worker, protocol code, sources, license and notice; no tests, benchmarks or build scripts', () => {
  for (const needed of ['dist/src/index.js', 'dist/src/emulator/index.js', 'dist/src/sinks/index.js', 'dist/src/cli/main.js',
    'dist/workers/read-stream.js', 'dist/protos/bigquery-read.cjs', 'src/index.ts', 'src/emulator/README.md',
    'README.md', 'bench/README.md', 'LICENSE', 'NOTICE', 'package.json']) {
    assert.ok(files.includes(needed), `${needed} missing from the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(dist\/)?(test|bench|scripts)\//.test(f) && f !== 'bench/README.md'), [], 'the bench\'s README only, which the README links to');
  assert.deepEqual(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/^(src|workers)\//.test(f)), []);
});

test('every source map in the tarball maps to sources the tarball ships, and every map a script names is there', () => {
  const maps = files.filter((f) => f.endsWith('.js.map'));
  assert.ok(maps.length > 50, 'the compiled modules come with their maps');
  for (const map of maps) {
    const { sources, sourceRoot = '' } = JSON.parse(readFileSync(path.join(app, 'node_modules/bqread', map), 'utf8')) as { sources: string[]; sourceRoot?: string };
    for (const source of sources) {
      const shipped = path.posix.normalize(path.posix.join(path.posix.dirname(map), sourceRoot, source));
      assert.ok(files.includes(shipped), `${map} maps to ${shipped}, which the tarball lacks`);
    }
  }
  for (const script of files.filter((f) => f.endsWith('.js'))) {
    const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(app, 'node_modules/bqread', script), 'utf8'))?.[1];
    if (named) assert.ok(files.includes(path.posix.join(path.posix.dirname(script), named)), `${script} names ${named}, which the tarball lacks`);
  }
});

test('the README an npm user reads links only to files the tarball ships, or to the web', () => {
  const readme = readFileSync(path.join(app, 'node_modules/bqread/README.md'), 'utf8');
  assert.doesNotMatch(readme, /\.\.\//, 'nothing outside the repository');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!.replace(/#.*$/, ''));
  assert.ok(links.length > 3);
  // Relative links resolve in the tarball (and so in the repository): no repository URL to guess.
  for (const link of links.filter((l) => !/^https?:\/\//.test(l))) assert.ok(files.includes(link), `${link}: not in the tarball`);
});

test('the app ends with one copy of apache-arrow, @grpc/grpc-js and google-auth-library, its own, at the low ends of the ranges', async () => {
  for (const [name, version] of Object.entries(APP_VERSIONS)) {
    const { stdout } = await run('npm', ['ls', name, '--all', '--parseable'], { cwd: app, timeout: 30_000 });
    assert.deepEqual(stdout.trim().split('\n'), [path.join(app, 'node_modules', name)], `one ${name}`);
    assert.equal((JSON.parse(readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version, version);
  }
});

// Compiled under both resolutions; run (the node16 output) with a read of the app's own emulator
// and one over TLS with a service-account key, whose tokens the app's google-auth-library fetches.
const CONSUMER = `
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { BqReadError, readBatches, readTableParallel, type ReadOptions, type ReadStats } from 'bqread';
import { generateDemoTable, startEmulator, type Emulator } from 'bqread/emulator';
import { SinkOutputError, writeParquet, type SinkResult } from 'bqread/sinks';

const [remoteTable, remoteOptions] = process.argv.slice(2) as [string, string];
const emulator: Emulator = await startEmulator({ tables: [{ table: '${LOCAL_TABLE.table}', data: generateDemoTable({ rows: ${LOCAL_TABLE.rows}, seed: ${LOCAL_TABLE.seed} }) }] });
let parquet: SinkResult;
try {
  const { table, stats }: { table: Table; stats: ReadStats } = await readTableParallel('${LOCAL_TABLE.table}', { endpoint: emulator.address, workers: 2 });
  assert.ok(table instanceof Table, "the Table is an instance of the app's apache-arrow Table");
  assert.equal(tableFromIPC(tableToIPC(table)).numRows, stats.rows);
  writeFileSync('local.arrow', tableToIPC(table, 'file'));
  parquet = await writeParquet(readBatches('${LOCAL_TABLE.table}', { endpoint: emulator.address, workers: 1 }), 'out.parquet');
} finally {
  await emulator.close();
}
const { table: remote } = await readTableParallel(remoteTable, JSON.parse(remoteOptions) as ReadOptions);
writeFileSync('remote.arrow', tableToIPC(remote, 'file'));
const sinkError: BqReadError = new SinkOutputError('a sink error is a BqReadError to the compiler too', 'out.parquet');
console.log(JSON.stringify({ parquetRows: parquet.rows, sinkError: sinkError instanceof BqReadError }));
`;

test('a TypeScript consumer compiles against the tarball under node16 and bundler resolution, and reads exactly with the app\'s packages', async () => {
  writeFileSync(path.join(app, 'consumer.ts'), CONSUMER);
  const compilerOptions = { target: 'ES2022', lib: ['ES2022'], strict: true, types: ['node'], skipLibCheck: false };
  writeFileSync(path.join(app, 'tsconfig.node16.json'), JSON.stringify({
    compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16', outDir: 'out' }, files: ['consumer.ts'],
  }));
  writeFileSync(path.join(app, 'tsconfig.bundler.json'), JSON.stringify({
    compilerOptions: { ...compilerOptions, module: 'preserve', moduleResolution: 'bundler', noEmit: true }, files: ['consumer.ts'],
  }));
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    await run(process.execPath, [TSC, '-p', config], { cwd: app, timeout: 90_000 }).catch((err: { stdout: string }) => {
      assert.fail(`${config}:\n${err.stdout}`);
    });
  }

  const local = generateDemoTable({ rows: LOCAL_TABLE.rows, seed: LOCAL_TABLE.seed });
  const remote = generateDemoTable({ rows: REMOTE_TABLE.rows, seed: REMOTE_TABLE.seed });
  const work = mkdtempSync(path.join(dir, 'keyfile-'));
  const key = serviceAccountKey('reader', 'http://127.0.0.1:1/token');
  const endpoint = await GoogleTokenEndpoint.start({ accounts: new Map([[key.clientEmail, key.publicKeyPem]]), expiresInSeconds: 600 });
  const tls = selfSignedCert();
  const secured = await startEmulator({
    tables: [{ table: REMOTE_TABLE.table, data: remote }], tls, requireToken: (token) => endpoint.accepts(token),
  });
  try {
    const keyFilename = path.join(work, 'key.json');
    writeFileSync(keyFilename, JSON.stringify({ ...key.json, token_uri: `${endpoint.url}/token` }), { mode: 0o600 });
    const caFile = path.join(work, 'token-endpoint-ca.pem');
    writeFileSync(caFile, endpoint.caPem);
    const options = { endpoint: `localhost:${secured.port}`, tls: true, rootCertsPem: tls.cert, keyFilename, workers: 1 };
    const { stdout } = await run(process.execPath, ['out/consumer.js', REMOTE_TABLE.table, JSON.stringify(options)], {
      cwd: app, env: endpoint.childEnv(caFile), timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(stdout), { parquetRows: LOCAL_TABLE.rows, sinkError: true });
    assert.ok(endpoint.issued.length > 0, "the app's google-auth-library fetched the tokens");
  } finally {
    await secured.close();
    await endpoint.close();
  }
  assert.deepEqual(canonicalRows(tableFromIPC(readFileSync(path.join(app, 'local.arrow')))), canonicalRows(local));
  assert.deepEqual(canonicalRows(tableFromIPC(readFileSync(path.join(app, 'remote.arrow')))), canonicalRows(remote));
});

test('npx bqread reads a table into a file from the installed package', async () => {
  // The command's `#!/usr/bin/env node` finds the Node this test runs on first.
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
  const child = spawn('npx', ['--no-install', 'bqread', 'read', DEMO, '--endpoint', emulator.address, '--out', 'demo.arrow', '--workers', '1'], { cwd: app, env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^2,000 rows, \d+ columns .* arrow .* MB written at .* MB\/s.* -> demo\.arrow\n$/);
});
