import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDisagreements } from '../../bench/checksum.js';
import { GO_DRAIN_LABEL, planRuns } from '../../bench/plan.js';
import { evaluateTargets, type ResultRow } from '../../bench/targets.js';

test('the Go drain row runs with bqread table when built, and not otherwise', () => {
  const labels = (runs: { label: string }[]) => runs.map((r) => r.label);
  assert.ok(labels(planRuns(2, undefined, '/bin/go-drain')).includes(GO_DRAIN_LABEL));
  assert.ok(!labels(planRuns(2, undefined, undefined)).includes(GO_DRAIN_LABEL));
  const onlyTable = planRuns(2, new Set(['bqread-table']), '/bin/go-drain');
  assert.deepEqual(onlyTable.find((r) => r.label === GO_DRAIN_LABEL), { label: GO_DRAIN_LABEL, reader: 'go-drain', workers: 2, compression: 'none', binary: '/bin/go-drain' });
  assert.ok(!labels(planRuns(2, new Set(['official-arrow-reader']), '/bin/go-drain')).includes(GO_DRAIN_LABEL));
});

function row(reader: string, readMs: number): ResultRow {
  return { label: reader, reader, workers: 2, compression: 'none', readMs, rows: 1, streams: 8, cpuMs: 1, peakRssBytes: 1, baselineRssBytes: 1, extra: {} } as unknown as ResultRow;
}

test('bqread table read time is held within 1.5x of the Go drain', () => {
  const line = (bqreadMs: number) => evaluateTargets([row('go-drain', 1000), row('bqread-table', bqreadMs)], 2).find((t) => t.line.includes('Go client drain'))!;
  assert.equal(line(1500).pass, true);
  assert.match(line(1500).line, /^PASS {2}bqread table \(w=2\) read time 1\.50 s = 1\.50x the Go client drain's 1\.00 s \(target within 1\.5x\)$/);
  assert.equal(line(1600).pass, false);
});

test('the Go drain, which decodes nothing, is checked by its row count alone', () => {
  const expected = { rows: 10, idSum: '45', rowHash: '0123456789abcdef' };
  assert.deepEqual(findDisagreements(expected, [{ label: GO_DRAIN_LABEL, rows: 10 }]), []);
  assert.deepEqual(findDisagreements(expected, [{ label: GO_DRAIN_LABEL, rows: 9 }]), [{ label: GO_DRAIN_LABEL, problem: 'rows 9, expected 10' }]);
});
