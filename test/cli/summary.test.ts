import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Field, Int64, Schema } from 'apache-arrow';
import { summaryLine, type ReadReport } from '../../src/cli/summary.js';
import type { ReadSessionInfo } from '../../src/read/session.js';
import type { ReadStats } from '../../src/read/stats.js';

function report(columns: number, streams: number, rows: number, retries: number): ReadReport {
  const schema = new Schema(Array.from({ length: columns }, (_, i) => new Field(`c${i}`, new Int64())));
  const session = { schema, streams: Array.from({ length: streams }, (_, i) => `s${i}`) } as unknown as ReadSessionInfo;
  const stats = { rows, bytes: 8 * rows, wallMs: 1000, retries, splits: 0 } as ReadStats;
  return { table: 'p.d.t', session, stats, output: { format: 'ndjson', rows, bytes: 10, path: 'out.ndjson' } };
}

test('the summary counts in the singular where there is one', () => {
  assert.match(summaryLine(report(1, 1, 1, 1)), /^1 row, 1 column \| .* \| 1 stream, 1 retry \| ndjson /);
  assert.match(summaryLine(report(3, 32, 2000, 0)), /^2,000 rows, 3 columns \| .* \| 32 streams, 0 retries \| ndjson /);
});
