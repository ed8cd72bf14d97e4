import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { runCli } from '../helpers/cli.js';
import { sparseTable } from '../helpers/sparse-table.js';

// The command on the tables new users try first: a few rows and columns with no value bytes. Every
// format and `head` must work. The emulator sets no minimum storage block, so the default stream
// count cuts these tables into one-row batches, the hardest case for the writers.
const SPARSE = 'test-project.ds.sparse';
const SMALL = 'test-project.ds.small_demo';
const FLAT_SPARSE = 'id,s_empty,s_null,b_empty,geo_null,json_null';

let emulator: Emulator;
let dir: string;

before(async () => {
  emulator = await startEmulator({
    tables: [{ table: SPARSE, data: sparseTable(5) }, { table: SMALL, data: generateDemoTable({ rows: 10, seed: 7 }) }], storageBlockBytes: 0,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-sparse-cli-'));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowsIn = (file: string): number => {
  const bytes = readFileSync(file);
  if (file.endsWith('.parquet')) return Number(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).num_rows);
  if (file.endsWith('.arrow')) return tableFromIPC(bytes).numRows;
  const lines = bytes.toString('utf8').split('\n').filter((line) => line !== '').length;
  return file.endsWith('.csv') ? lines - 1 : lines;
};

for (const [table, rows] of [[SPARSE, 5], [SMALL, 10]] as const) {
  for (const ext of ['parquet', 'arrow', 'ndjson', 'csv']) {
    test(`bqread read ${table} --out x.${ext}`, async () => {
      const out = path.join(dir, `${table.split('.').pop()}.${ext}`);
      const columns = ext === 'csv' ? ['--columns', table === SPARSE ? FLAT_SPARSE : 'id,f_string,f_bytes,f_json'] : [];
      const run = await runCli(['read', table, '--endpoint', emulator.address, '--quiet', '--out', out, ...columns]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(rowsIn(out), rows);
    });
  }
  test(`bqread head ${table}`, async () => {
    const run = await runCli(['head', table, '--endpoint', emulator.address]);
    assert.equal(run.code, 0, run.stderr);
    // Three rules, the header and one line per row.
    const lines = run.stdout.toString('utf8').trimEnd().split('\n');
    assert.equal(lines.length, rows + 4);
    assert.match(lines[3]!, /^\|\s+0 \|/);
  });
}

// The text rules on the sparse shapes, byte for byte: an empty STRING or BYTES is "" (CSV tells it
// from NULL, an empty field), NULLs are left out of NDJSON, empty arrays are [].
test('the sparse table as NDJSON and CSV is exactly BigQuery\'s text of it', async () => {
  const ids = [0, 1, 2, 3, 4];
  const expected = {
    ndjson: ids.map((id) => `{"id":"${id}","s_empty":"","b_empty":"","ints_empty":[],"strs_empty":[],"rec":{"s":"","tags":[]},"rec_rep":[]}`),
    csv: ids.map((id) => `${id},"",,"",,`),
  };
  for (const ext of ['ndjson', 'csv'] as const) {
    const out = path.join(dir, `sparse-exact.${ext}`);
    const columns = ext === 'csv' ? ['--columns', FLAT_SPARSE] : [];
    const run = await runCli(['read', SPARSE, '--endpoint', emulator.address, '--quiet', '--out', out, ...columns]);
    assert.equal(run.code, 0, run.stderr);
    const lines = readFileSync(out, 'utf8').split('\n');
    assert.equal(lines.pop(), '', `${ext}: ends with a newline`);
    if (ext === 'csv') assert.equal(lines.shift(), FLAT_SPARSE);
    const byId = (line: string) => Number(/^\{"id":"(\d+)"|^(\d+),/.exec(line)!.slice(1).find((d) => d !== undefined));
    assert.deepEqual(lines.sort((a, b) => byId(a) - byId(b)), expected[ext]);
  }
});
