import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Field, Int64, Schema } from 'apache-arrow';
import { partsPath, summaryLine, type ReadReport } from '../../src/cli/summary.js';
import type { ReadSessionInfo } from '../../src/read/session.js';
import { emptyStats, type ReadStats } from '../../src/read/stats.js';

function report(columns: number, streams: number, rows: number, retries: number): ReadReport {
  const schema = new Schema(Array.from({ length: columns }, (_, i) => new Field(`c${i}`, new Int64())));
  const session = { schema, streams: Array.from({ length: streams }, (_, i) => `s${i}`) } as unknown as ReadSessionInfo;
  const stats = { rows, bytes: 8 * rows, wallMs: 1000, retries, splits: 0 } as ReadStats;
  return { table: 'p.d.t', session, stats, output: { format: 'ndjson', rows, bytes: 10, path: 'out.ndjson' } };
}

test('the summary counts in the singular where there is one', () => {
  assert.match(summaryLine(report(1, 1, 1, 1)), /^1 row, 1 column \| .* \| 1 stream, 1 retry \| ndjson /);
  assert.match(summaryLine(report(3, 32, 2000, 0)), /^2,000 rows, 3 columns \| .* \| 32 streams, 0 retries \| ndjson /);
  assert.equal(partsPath('out/', { files: [{}], manifest: 'out/_shard-00001-of-00002.shard.json' }), 'out/ (1 part, out/_shard-00001-of-00002.shard.json)');
  assert.equal(partsPath('out/', { files: [{}, {}], manifest: 'out/manifest.json' }), 'out/ (2 parts, out/manifest.json)');
});

test('the summary gives the output\'s write rate beside the read\'s, and says when the output set the pace', () => {
  const session = { schema: new Schema([]), streams: ['s0', 's1'] } as unknown as ReadSessionInfo;
  const output = { format: 'ndjson' as const, rows: 10, bytes: 4_000_000, path: 'out.ndjson' };
  const stats = { ...emptyStats(), rows: 10, bytes: 2_000_000, wallMs: 2000, budgetBytes: 1000, peakBufferedBytes: 100 };
  assert.match(summaryLine({ table: 't', session, stats, output }), /1\.0 MB\/s \| 2 streams, 0 retries \| ndjson 4\.0 MB written at 2\.0 MB\/s -> out\.ndjson$/);
  const waited = { ...stats, peakBufferedBytes: 600 };
  assert.match(summaryLine({ table: 't', session, stats: waited, output }), /written at 2\.0 MB\/s \(the output set the pace\) -> out\.ndjson$/);
});
