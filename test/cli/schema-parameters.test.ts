// Issue 19, defect 6: `bqread schema` keeps the type parameters `bq show --schema` prints:
// precision and scale of NUMERIC / BIGNUMERIC, timestampPrecision of a picosecond TIMESTAMP,
// whatever form --picos-precision gives that column, and the result loads back as the same table.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Field, Table } from 'apache-arrow';
import { loadTableSource } from '../../src/cli/table-sources.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { runCli } from '../helpers/cli.js';

const TABLE = 'test-project.ds.params';
const FIELDS = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' as const },
  { name: 'n', type: 'NUMERIC' },
  { name: 'n10', type: 'NUMERIC', precision: 10 },
  { name: 'n52', type: 'NUMERIC', precision: '5', scale: '2' },
  { name: 'bn', type: 'BIGNUMERIC' },
  { name: 'bn402', type: 'BIGNUMERIC', precision: 40, scale: 2 },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'ts12', type: 'TIMESTAMP', timestampPrecision: 12 },
  { name: 'rec', type: 'RECORD', fields: [{ name: 'p', type: 'NUMERIC', precision: 5, scale: 2 }, { name: 't', type: 'TIMESTAMP', timestampPrecision: '12' }] },
  { name: 'r_n', type: 'NUMERIC', mode: 'REPEATED' as const, precision: 10 },
];
const ROWS = [
  { id: 1, n: '1.5', n10: '1234567890', n52: '123.45', bn: '1e30', bn402: '-1.25', ts: '2025-01-01 00:00:00 UTC', ts12: '2025-01-01T12:34:56.123456789123Z', rec: { p: '1.5', t: '2025-01-01T00:00:00.000000000001Z' }, r_n: ['1', '22'] },
  { id: 2 },
];
const NDJSON = ROWS.map((r) => JSON.stringify(r)).join('\n');

// `bq show --schema` writes the int64 parameters as strings (REST TableFieldSchema).
const EXPECTED = [
  { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
  { name: 'n', type: 'NUMERIC', mode: 'NULLABLE' },
  { name: 'n10', type: 'NUMERIC', mode: 'NULLABLE', precision: '10' },
  { name: 'n52', type: 'NUMERIC', mode: 'NULLABLE', precision: '5', scale: '2' },
  { name: 'bn', type: 'BIGNUMERIC', mode: 'NULLABLE' },
  { name: 'bn402', type: 'BIGNUMERIC', mode: 'NULLABLE', precision: '40', scale: '2' },
  { name: 'ts', type: 'TIMESTAMP', mode: 'NULLABLE' },
  { name: 'ts12', type: 'TIMESTAMP', mode: 'NULLABLE', timestampPrecision: '12' },
  {
    name: 'rec', type: 'RECORD', mode: 'NULLABLE',
    fields: [
      { name: 'p', type: 'NUMERIC', mode: 'NULLABLE', precision: '5', scale: '2' },
      { name: 't', type: 'TIMESTAMP', mode: 'NULLABLE', timestampPrecision: '12' },
    ],
  },
  { name: 'r_n', type: 'NUMERIC', mode: 'REPEATED', precision: '10' },
];
const PRECISIONS = [[], ['--picos-precision', 'micros'], ['--picos-precision', 'nanos'], ['--picos-precision', 'picos']];

let source: Table;
let emulator: Emulator;
let dir: string;

before(async () => {
  source = tableFromNdjson(NDJSON, FIELDS);
  emulator = await startEmulator({ tables: [{ table: TABLE, data: source }] });
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-schema-'));
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function schemaText(address: string, flags: readonly string[]): Promise<string> {
  const run = await runCli(['schema', TABLE, '--endpoint', address, ...flags]);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.toString('utf8');
}

test('schema prints precision, scale and timestampPrecision as `bq show --schema` does, under every --picos-precision', async () => {
  for (const flags of PRECISIONS) {
    assert.deepEqual(JSON.parse(await schemaText(emulator.address, flags)), EXPECTED, flags.join(' ') || 'default');
  }
});

test('the printed schema loads back (--table x=data.ndjson:schema.json) into the same table and prints the same', async () => {
  const describe = (f: Field) => `${f.name} ${String(f.type)} ${f.nullable} ${JSON.stringify([...f.metadata])}`;
  writeFileSync(path.join(dir, 'data.ndjson'), NDJSON);
  for (const flags of PRECISIONS) {
    const printed = await schemaText(emulator.address, flags);
    writeFileSync(path.join(dir, 'schema.json'), printed);
    const reloaded = loadTableSource(`${path.join(dir, 'data.ndjson')}:${path.join(dir, 'schema.json')}`);
    assert.deepEqual(reloaded.schema.fields.map(describe), source.schema.fields.map(describe), flags.join(' ') || 'default');
    const again = await startEmulator({ tables: [{ table: TABLE, data: reloaded }] });
    try {
      assert.equal(await schemaText(again.address, flags), printed);
    } finally {
      await again.close();
    }
  }
});
