import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Float64, Int64, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { ChecksumColumnError, checksumOf, findDisagreements } from '../../bench/checksum.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';

function smallTable(ids: bigint[], floats: (number | null)[], strings: (string | null)[]): Table {
  return new Table({
    id: vectorFromArray(ids, new Int64()),
    f_float64: vectorFromArray(floats, new Float64()),
    f_string: vectorFromArray(strings, new Utf8()),
  });
}

const demo = generateDemoTable({ rows: 5000, batchRows: 1000 });
const demoChecksum = checksumOf(demo.batches);

test('rows and the id sum are exact: the demo ids are the row indexes', () => {
  assert.equal(demoChecksum.rows, 5000);
  assert.equal(demoChecksum.idSum, String((5000 * 4999) / 2));
  assert.match(demoChecksum.rowHash, /^[0-9a-f]{16}$/);
});

test('batch boundaries, slice offsets and arrival order do not change the checksum', () => {
  const resliced: RecordBatch[] = [];
  for (const batch of demo.batches) resliced.push(batch.slice(0, 333), batch.slice(333, 998), batch.slice(998));
  assert.ok(resliced.some((b) => b.data.children[4]!.offset > 0 && b.data.children[4]!.nullCount > 0), 'sliced nullable columns');
  assert.deepEqual(checksumOf(resliced.reverse()), demoChecksum);
  // What a reader decodes from the wire: an IPC round trip.
  assert.deepEqual(checksumOf(tableFromIPC(tableToIPC(demo)).batches), demoChecksum);
});

test('a changed value, a swapped pair, a null for a value and a lost row each change the checksum', () => {
  const base = checksumOf(smallTable([0n, 1n, 2n], [1.5, 2.5, null], ['a', 'bé', '']).batches);
  const changedFloat = checksumOf(smallTable([0n, 1n, 2n], [1.5, 2.25, null], ['a', 'bé', '']).batches);
  const swapped = checksumOf(smallTable([0n, 1n, 2n], [1.5, 2.5, null], ['bé', 'a', '']).batches);
  const nullString = checksumOf(smallTable([0n, 1n, 2n], [1.5, 2.5, null], ['a', 'bé', null]).batches);
  const zeroFloat = checksumOf(smallTable([0n, 1n, 2n], [1.5, 2.5, 0], ['a', 'bé', '']).batches);
  const lostRow = checksumOf(smallTable([0n, 1n], [1.5, 2.5], ['a', 'bé']).batches);
  for (const other of [changedFloat, swapped, nullString, zeroFloat]) {
    assert.equal(other.rows, base.rows);
    assert.equal(other.idSum, base.idSum);
    assert.notEqual(other.rowHash, base.rowHash);
  }
  assert.equal(new Set([changedFloat, swapped, nullString, zeroFloat].map((c) => c.rowHash)).size, 4);
  assert.equal(lostRow.rows, 2);
  assert.equal(lostRow.idSum, '1');
});

test('ids beyond 2^53 and negative ids sum exactly', () => {
  const ids = [2n ** 62n, 2n ** 62n, -5n];
  const checksum = checksumOf(smallTable(ids, [null, null, null], [null, null, null]).batches);
  assert.equal(checksum.idSum, String(2n ** 63n - 5n));
});

test('a batch without the checksum columns, or with other types, is refused by name', () => {
  const noString = new Table({ id: vectorFromArray([1n], new Int64()), f_float64: vectorFromArray([1], new Float64()) });
  assert.throws(() => checksumOf(noString.batches), (err: Error) => err instanceof ChecksumColumnError && /no column "f_string"/.test(err.message));
  const floatIds = new Table({ id: vectorFromArray([1], new Float64()), f_float64: vectorFromArray([1], new Float64()), f_string: vectorFromArray(['x'], new Utf8()) });
  assert.throws(() => checksumOf(floatIds.batches), (err: Error) => err instanceof ChecksumColumnError && /column "id" is Float64.*Int64/.test(err.message));
});

test('findDisagreements names each reader that differs and what differs; rows-only answers are checked by count', () => {
  const expected = demoChecksum;
  const found = findDisagreements(expected, [
    { label: 'agrees', checksum: { ...expected } },
    { label: 'raw ok', rows: 5000 },
    { label: 'raw short', rows: 4999 },
    { label: 'bad hash', checksum: { ...expected, rowHash: '0000000000000000' } },
    { label: 'lost rows', checksum: { rows: 4000, idSum: '1', rowHash: expected.rowHash } },
  ]);
  assert.deepEqual(found, [
    { label: 'raw short', problem: 'rows 4999, expected 5000' },
    { label: 'bad hash', problem: `row hash 0000000000000000, expected ${expected.rowHash}` },
    { label: 'lost rows', problem: `rows 4000, expected 5000; id sum 1, expected ${expected.idSum}` },
  ]);
  assert.deepEqual(findDisagreements(expected, [{ label: 'a', checksum: expected }, { label: 'b', rows: 5000 }]), []);
});
