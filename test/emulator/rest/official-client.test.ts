// Google's own REST client, @google-cloud/bigquery, pointed at the emulator's REST API as users
// point it at any BigQuery emulator (apiEndpoint; BIGQUERY_EMULATOR_HOST does the same).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BigQuery } from '@google-cloud/bigquery';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { generateDemoTable } from '../../../src/emulator/sources/demo.js';
import { formatDate } from '../../../src/sinks/text/value-text.js';

// No credentials and no GCE metadata server here: keep google-auth-library from looking for one.
process.env.METADATA_SERVER_DETECTION = 'none';

const PROJECT = 'test-project';
const source = generateDemoTable({ rows: 120, seed: 11, batchRows: 50 });
let emulator: Emulator;
let bigquery: BigQuery;

before(async () => {
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.all_types`, data: source }], jobLatencyMs: 30 });
  emulator.addView(`${PROJECT}.ds.small`, 'SELECT id FROM ds.all_types WHERE id < 3');
  bigquery = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.restUrl });
});

after(async () => {
  await emulator.close();
});

/** What these tests read of jobs.get's and tables.get's resources, as the client hands them over. */
interface JobMetadata {
  status: { state: string };
  configuration: { labels: Record<string, string> };
  statistics: { query: { totalBytesProcessed: string } };
}
interface TableMetadata {
  type: string;
  numRows: string;
  view: { query: string };
}

/** The source's rows as the client turns the REST JSON into JS values. */
function expectedRow(row: number): Record<string, unknown> {
  const value = (name: string): unknown => source.getChild(name)!.get(row);
  const micros = canonicalMicros(row);
  const days = value('f_date') as number | null;
  return {
    id: Number(value('id')),
    f_string: value('f_string'),
    f_bool: value('f_bool'),
    f_float64: value('f_float64'),
    f_date: days === null ? null : formatDate(Math.round(days / 86_400_000)),
    f_timestamp: micros === null ? null : isoText(micros),
  };
}

/** The client's text of a TIMESTAMP (a PreciseDate's): milliseconds, or nanoseconds when they are not whole. */
function isoText(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const subMilli = micros - millis * 1000n;
  const text = new Date(Number(millis)).toISOString();
  return subMilli === 0n ? text : `${text.slice(0, -1)}${String(subMilli).padStart(3, '0')}000Z`;
}

/** f_timestamp of a row in microseconds, from the buffers (arrow's getter rounds to milliseconds). */
function canonicalMicros(row: number): bigint | null {
  let first = 0;
  for (const batch of source.batches) {
    if (row < first + batch.numRows) {
      const data = batch.getChild('f_timestamp')!.data[0]!;
      return data.getValid(row - first) ? (data.values as BigInt64Array)[row - first]! : null;
    }
    first += batch.numRows;
  }
  throw new RangeError(`no row ${row}`);
}

test('query() with a named parameter gets the rows of the table, each type as the client decodes it', async () => {
  const [rows] = await bigquery.query({
    query: 'SELECT id, f_string, f_bool, f_float64, f_date, f_timestamp FROM `test-project.ds.all_types` WHERE id < @n ORDER BY id',
    params: { n: 60 },
  });
  assert.equal(rows.length, 60);
  const got = (rows as Record<string, unknown>[]).map((row) => ({
    ...row,
    f_date: (row.f_date as { value: string } | null)?.value ?? null,
    f_timestamp: (row.f_timestamp as { value: string } | null)?.value ?? null,
  }));
  assert.deepEqual(got, Array.from({ length: 60 }, (_, i) => expectedRow(i)));
});

test('createQueryJob, then getQueryResults in pages, then the job metadata', async () => {
  const [job] = await bigquery.createQueryJob({ query: 'SELECT id FROM ds.all_types WHERE id >= ? ORDER BY id DESC', params: [100], labels: { from: 'test' } });
  const ids: number[] = [];
  let pages = 0;
  let [rows, next] = await job.getQueryResults({ maxResults: 7, autoPaginate: false });
  for (;;) {
    pages++;
    ids.push(...(rows as { id: number }[]).map((r) => r.id));
    if (!next) break;
    [rows, next] = await job.getQueryResults(next);
  }
  assert.equal(pages, 3);
  assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => 119 - i));
  const [metadata] = (await job.getMetadata()) as [JobMetadata, ...unknown[]];
  assert.equal(metadata.status.state, 'DONE');
  assert.deepEqual(metadata.configuration.labels, { from: 'test' });
  assert.ok(Number(metadata.statistics.query.totalBytesProcessed) > 0);
});

test('table metadata: a TABLE with its rows, a VIEW with its query', async () => {
  const [table] = (await bigquery.dataset('ds').table('all_types').getMetadata()) as [TableMetadata, ...unknown[]];
  assert.equal(table.type, 'TABLE');
  assert.equal(table.numRows, '120');
  const [view] = (await bigquery.dataset('ds').table('small').getMetadata()) as [TableMetadata, ...unknown[]];
  assert.equal(view.type, 'VIEW');
  assert.equal(view.view.query, 'SELECT id FROM ds.all_types WHERE id < 3');
  const [rows] = await bigquery.query('SELECT id FROM ds.small ORDER BY id');
  assert.deepEqual(rows, [{ id: 0 }, { id: 1 }, { id: 2 }]);
});

test('a bad query rejects with BigQuery\'s reason and position', async () => {
  await assert.rejects(bigquery.query('SELECT nope FROM ds.all_types'), (error: Error & { code?: number; errors?: { reason: string }[] }) => {
    assert.match(error.message, /Unrecognized name: nope at \[1:8\]/);
    assert.equal(error.errors?.[0]?.reason, 'invalidQuery');
    return true;
  });
});

test('RANGE columns come back as the client\'s BigQueryRange, bounds decoded by their type', async () => {
  const [rows] = await bigquery.query('SELECT id, f_range_date, f_range_timestamp FROM ds.all_types WHERE id < 40 ORDER BY id');
  const bound = (name: string, side: 'start' | 'end', row: number): bigint | number | null => {
    let first = 0;
    for (const batch of source.batches) {
      if (row < first + batch.numRows) {
        const range = batch.getChild(name)!.data[0]!;
        if (!range.getValid(row - first)) return null;
        const data = range.children[side === 'start' ? 0 : 1]!;
        return data.getValid(row - first) ? (data.values as Int32Array | BigInt64Array)[row - first]! : null;
      }
      first += batch.numRows;
    }
    throw new RangeError(`no row ${row}`);
  };
  type Range = { elementType: string; start?: { value: string }; end?: { value: string } } | null;
  let ranges = 0;
  for (const row of rows as { id: number; f_range_date: Range; f_range_timestamp: Range }[]) {
    const date = row.f_range_date;
    const timestamp = row.f_range_timestamp;
    if (date) {
      ranges++;
      assert.equal(date.elementType, 'DATE');
      for (const side of ['start', 'end'] as const) {
        const days = bound('f_range_date', side, row.id) as number | null;
        assert.equal(date[side]?.value ?? null, days === null ? null : formatDate(days));
      }
    }
    if (timestamp) {
      assert.equal(timestamp.elementType, 'TIMESTAMP');
      for (const side of ['start', 'end'] as const) {
        const micros = bound('f_range_timestamp', side, row.id) as bigint | null;
        assert.equal(timestamp[side]?.value ?? null, micros === null ? null : isoText(micros));
      }
    }
  }
  assert.ok(ranges > 20);
});

test('BIGQUERY_EMULATOR_HOST points the client at the emulator too (its base URL has no /bigquery/v2)', async () => {
  const saved = process.env.BIGQUERY_EMULATOR_HOST;
  process.env.BIGQUERY_EMULATOR_HOST = emulator.restUrl;
  try {
    const [rows] = await new BigQuery({ projectId: PROJECT }).query('SELECT id FROM ds.all_types WHERE id = 5');
    assert.deepEqual(rows, [{ id: 5 }]);
  } finally {
    if (saved === undefined) delete process.env.BIGQUERY_EMULATOR_HOST;
    else process.env.BIGQUERY_EMULATOR_HOST = saved;
  }
});

test('table.getRows() lists a table through tabledata.list', async () => {
  const [rows] = await bigquery.dataset('ds').table('all_types').getRows({ maxResults: 3, selectedFields: 'id' });
  assert.deepEqual((rows as { id: number }[]).map((row) => row.id), [0, 1, 2]);
});
