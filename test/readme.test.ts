// The README's examples, kept true. Every ```sh and ```ts block carries a marker comment on the
// line before it that says what this test does with it:
//   <!-- doc-test: compile -- DECLARATIONS -->  the snippet compiles (tsc, strict, nodenext) against
//                                             the built package as an npm user gets it, with
//                                             DECLARATIONS for what it leaves to the reader
//   <!-- doc-test: run, prints TEXT -->          it compiles, runs (it must bring its own emulator)
//                                             and prints TEXT
//   <!-- doc-test: shell (...) -->               each `bqread` line but `bqread emulator` and `bqread
//                                             demo` runs in sh against an emulator serving the
//                                             table the lines name, my-proj.sales.orders
//   <!-- doc-test: skip (reason) -->             not run
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '../src/emulator/server.js';
import { tableFromNdjson } from '../src/emulator/sources/ndjson.js';
import { CLI } from './helpers/cli.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Block {
  readonly lang: 'sh' | 'ts';
  readonly line: number;
  readonly mode: 'compile' | 'run' | 'shell' | 'skip';
  /** compile: declarations; run: what it prints. */
  readonly extra: string;
  readonly code: string;
}

const MARKER = /^<!-- doc-test: (compile|run|shell|skip)\b(.*?)\s*-->$/;

function blocksOf(file: string): Block[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(sh|ts)$/.exec(lines[i]!);
    if (!fence) continue;
    const marker = MARKER.exec(lines[i - 1] ?? '');
    assert.ok(marker, `${file}:${i + 1}: a \`\`\`${fence[1]} block without a doc-test marker on the line before it`);
    const end = lines.indexOf('```', i + 1);
    const mode = marker[1] as Block['mode'];
    const rest = marker[2]!;
    const extra = mode === 'compile' ? rest.replace(/^ --\s*/, '') : mode === 'run' ? rest.replace(/^, prints /, '') : '';
    blocks.push({ lang: fence[1] as Block['lang'], line: i + 1, mode, extra, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

const blocks = blocksOf('README.md');
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-readme-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('every README code block is marked, and some of each kind are checked', () => {
  const modes = new Set(blocks.map((b) => b.mode));
  for (const mode of ['compile', 'run', 'shell'] as const) assert.ok(modes.has(mode), `no ${mode} block`);
});

test('the README\'s TypeScript snippets compile against the built package, and the runnable ones print what they say', async () => {
  // An npm user's project: bqread (this package, its exports and types) and its peer apache-arrow.
  const project = path.join(dir, 'ts');
  mkdirSync(path.join(project, 'node_modules', '@types'), { recursive: true });
  symlinkSync(ROOT, path.join(project, 'node_modules', 'bqread'), 'dir');
  symlinkSync(path.join(ROOT, 'node_modules', 'apache-arrow'), path.join(project, 'node_modules', 'apache-arrow'), 'dir');
  symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(project, 'node_modules', '@types', 'node'), 'dir');
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true,
      types: ['node'], outDir: 'out', rootDir: '.',
    },
    include: ['*.ts'],
  }));
  const snippets = blocks.filter((b) => b.lang === 'ts' && (b.mode === 'compile' || b.mode === 'run'));
  for (const b of snippets) writeFileSync(path.join(project, `readme-${b.line}.ts`), `${b.extra && b.mode === 'compile' ? `${b.extra}\n` : ''}${b.code}\nexport {};\n`);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', project]).catch((err: Error & { stdout?: string }) => {
    assert.fail(`README snippets (named by their line in README.md) do not compile:\n${err.stdout ?? err.message}`);
  });
  for (const b of snippets.filter((s) => s.mode === 'run')) {
    const { stdout } = await run(process.execPath, [path.join(project, 'out', `readme-${b.line}.js`)], { cwd: project, timeout: 30_000 });
    assert.equal(stdout.trim(), b.extra, `README.md:${b.line} prints`);
  }
});

describe('the README\'s command lines run against an emulator', () => {
  // The table the command examples name: amounts on both sides of 100 (and of "100" as text).
  const ROWS = 40;
  const orders = Array.from({ length: ROWS }, (_, i) => ({
    id: i, amount: String(i * 5), ts: `2025-12-${String(20 + (i % 10)).padStart(2, '0')}T00:00:00Z`, day: '2026-01-02',
  }));
  orders.forEach((row, i) => { if (i % 4 === 0) row.ts = '2026-01-05T00:00:00Z'; });
  let emulator: Emulator;
  let env: NodeJS.ProcessEnv;
  let cwd: string;

  before(async () => {
    const table = tableFromNdjson(orders.map((row) => JSON.stringify(row)).join('\n'), [
      { name: 'id', type: 'INT64', mode: 'REQUIRED' }, { name: 'amount', type: 'NUMERIC' },
      { name: 'ts', type: 'TIMESTAMP' }, { name: 'day', type: 'DATE' },
    ]);
    emulator = await startEmulator({ tables: [{ table: 'my-proj.sales.orders', data: table }] });
    // `bqread` on the PATH, as `npm i -g bqread` or npx puts it there.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'bqread'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(path.join(bin, 'bqread'), 0o755);
    cwd = mkdtempSync(path.join(dir, 'sh-'));
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, BIGQUERY_STORAGE_EMULATOR_HOST: emulator.address, BIGQUERY_EMULATOR_HOST: emulator.restUrl };
  });
  after(async () => emulator.close());

  const lines = blocks.filter((b) => b.mode === 'shell').flatMap((b) => b.code.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, ''))
    .filter((line) => line.startsWith('bqread ') && !/^bqread (emulator|demo)\b/.test(line));

  /** Whether the program a pipeline ends in is on this machine (pyarrow for python). */
  async function consumerPresent(command: string): Promise<boolean> {
    const program = command.trim().split(/\s+/)[0]!;
    const probe = program === 'python' ? 'python -c "import pyarrow"' : `command -v ${program}`;
    return run('sh', ['-c', probe], { env }).then(() => true, () => false);
  }

  for (const line of lines) {
    test(line, async (t) => {
      const [producer, consumer] = line.split(/ \| (?=[a-z])/);
      // Without the consumer's program (jq, pyarrow), bqread's side of the pipe still runs.
      const command = consumer === undefined || (await consumerPresent(consumer)) ? line : producer!;
      if (command !== line) t.diagnostic(`${consumer!.split(' ')[0]} (with pyarrow, for python) is not on this machine: ran \`${command}\``);
      const { stdout } = await run('sh', ['-c', command], { env, cwd, timeout: 30_000, maxBuffer: 64 << 20 });
      if (command === line && consumer?.startsWith('jq')) {
        assert.equal(stdout.trimEnd().split('\n').length, orders.filter((o) => Number(o.amount) > 100).length, 'amounts compared as numbers');
      } else if (!/--out|>/.test(line)) {
        assert.ok(stdout.length > 0, 'it prints something');
      }
    });
  }

  test('the lines wrote what they name', () => {
    assert.ok(readFileSync(path.join(cwd, 'orders.parquet')).subarray(0, 4).equals(Buffer.from('PAR1')));
    assert.ok(readFileSync(path.join(cwd, 'big.parquet')).subarray(0, 4).equals(Buffer.from('PAR1')));
    const csv = readFileSync(path.join(cwd, 'jan.csv'), 'utf8').trimEnd().split('\n');
    assert.deepEqual([csv[0], csv.length - 1], ['id,amount,ts', orders.filter((o) => o.ts >= '2026').length]);
    assert.ok(Array.isArray(JSON.parse(readFileSync(path.join(cwd, 'orders.schema.json'), 'utf8'))));
  });
});
