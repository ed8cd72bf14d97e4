import type { RunSpec } from './plan.js';
import type { ChildReport } from './reader-child.js';

export interface MeasuredRun {
  readonly spec: RunSpec;
  readonly report: ChildReport;
  /** CPU the emulator spent while the reader ran (session and reads), where /proc tells. */
  readonly emulatorCpuMs?: number;
}

/** A measured run with the figures derived from it. */
export interface ResultRow extends ChildReport {
  readonly label: string;
  readonly emulatorCpuMs?: number;
  readonly rowsPerSec: number;
  /** The table's Arrow IPC bytes (as the raw drain received them uncompressed) over read time. */
  readonly mibPerSec: number;
  /** rows/s over the raw drain's with the same worker count (all cores for single-threaded readers). */
  readonly vsRaw?: number;
  /** rows/s over the official ArrowTableReader's. */
  readonly vsOfficial?: number;
}

export interface TargetResult {
  readonly pass: boolean;
  readonly line: string;
}

/** Allowance over the fixed cost of reading (the raw drain's peak) for the streaming form's own bookkeeping and garbage. */
export const STREAM_RSS_ALLOWANCE_BYTES = 64 * 1024 * 1024;
export const TARGET_VS_RAW = 0.8;
export const TARGET_VS_OFFICIAL = 3;
/** bqread table's read time over Google's Go client draining the same session (issue 24). */
export const TARGET_VS_GO_DRAIN = 1.5;
export const TARGET_LOOP_P99_MS = 20;
/** Whole-process CPU of the table form on the larger table, over the official ArrowTableReader's (issue 24). */
export const TARGET_CPU_VS_OFFICIAL = 0.8;
/** Service-like targets: over the official ArrowTableReader at 10 MiB/s a stream, and of what the streams can give. */
export const TARGET_SERVICE_VS_OFFICIAL = 10;
export const TARGET_SERVICE_VS_CEILING = 0.8;

const MIB = 1024 * 1024;

export function deriveRows(runs: readonly MeasuredRun[], arrowBytes: number, cores: number): ResultRow[] {
  const perSec = (report: ChildReport) => report.rows / (report.readMs / 1000);
  const raw = new Map(runs.filter((r) => r.spec.reader === 'raw-drain').map((r) => [r.spec.workers, perSec(r.report)]));
  const official = runs.find((r) => r.spec.reader === 'official-arrow-reader');
  const officialRate = official ? perSec(official.report) : undefined;
  return runs.map(({ spec, report, emulatorCpuMs }) => {
    const rate = perSec(report);
    const threaded = spec.reader === 'raw-drain' || spec.reader.startsWith('bqread');
    const rawRate = raw.get(threaded ? spec.workers : cores);
    return {
      ...report,
      label: spec.label,
      emulatorCpuMs,
      rowsPerSec: rate,
      mibPerSec: arrowBytes / MIB / (report.readMs / 1000),
      vsRaw: rawRate === undefined ? undefined : rate / rawRate,
      vsOfficial: officialRate === undefined ? undefined : rate / officialRate,
    };
  });
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);

/**
 * The PASS/MISS lines for one table size; a target whose rows were not run is left out. `largest`:
 * the larger size, where whole-process CPU (every fixed cost included) is held against the
 * official reader's.
 */
export function evaluateTargets(rows: readonly ResultRow[], cores: number, largest = false): TargetResult[] {
  const results: TargetResult[] = [];
  const verdict = (pass: boolean, text: string) => results.push({ pass, line: `${pass ? 'PASS' : 'MISS'}  ${text}` });
  const allCores = rows.find((r) => r.reader === 'bqread-table' && r.workers === cores && r.compression === 'none');
  if (allCores?.vsRaw !== undefined) {
    verdict(allCores.vsRaw >= TARGET_VS_RAW, `bqread (w=${cores}) vs raw drain (w=${cores}): ${fixed(allCores.vsRaw)}x (target >= ${TARGET_VS_RAW}x)`);
  }
  if (allCores?.vsOfficial !== undefined) {
    // No reader can beat the raw drain, so its own lead over the official reader caps this ratio.
    const rawAllCores = rows.find((r) => r.reader === 'raw-drain' && r.workers === cores);
    const cap = rawAllCores?.vsOfficial === undefined ? '' : `; the raw drain itself is ${fixed(rawAllCores.vsOfficial)}x`;
    verdict(allCores.vsOfficial >= TARGET_VS_OFFICIAL, `bqread (w=${cores}) vs official ArrowTableReader: ${fixed(allCores.vsOfficial)}x (target >= ${TARGET_VS_OFFICIAL}x${cap})`);
  }
  const official = rows.find((r) => r.reader === 'official-arrow-reader');
  if (largest && allCores && official) {
    const cpu = allCores.cpuMs / official.cpuMs;
    verdict(cpu <= TARGET_CPU_VS_OFFICIAL, `bqread (w=${cores}) whole-process CPU ${fixed(allCores.cpuMs / 1000)} s vs official ArrowTableReader ${fixed(official.cpuMs / 1000)} s: ${fixed(cpu)}x (target <= ${TARGET_CPU_VS_OFFICIAL}x)`);
  }
  const goDrain = rows.find((r) => r.reader === 'go-drain');
  if (allCores && goDrain) {
    const times = allCores.readMs / goDrain.readMs;
    verdict(
      times <= TARGET_VS_GO_DRAIN,
      `bqread table (w=${cores}) read time ${fixed(allCores.readMs / 1000)} s = ${fixed(times)}x the Go client drain's ${fixed(goDrain.readMs / 1000)} s (target within ${TARGET_VS_GO_DRAIN}x)`,
    );
  }
  const bqread = rows.filter((r) => r.reader.startsWith('bqread'));
  if (bqread.length > 0) {
    const p99 = (r: ResultRow) => r.loopDelay?.p99Ms ?? 0;
    const worst = bqread.reduce((a, b) => (p99(b) > p99(a) ? b : a));
    verdict(p99(worst) < TARGET_LOOP_P99_MS, `event-loop p99 during bqread reads: worst ${fixed(p99(worst), 1)} ms in "${worst.label}" (target < ${TARGET_LOOP_P99_MS} ms)`);
  }
  const stream = rows.find((r) => r.reader === 'bqread-stream');
  if (stream) {
    const budget = stream.extra.budgetBytes ?? 0;
    // The fixed overhead: the raw drain with as many threads keeps nothing, so its peak is what the
    // threads and gRPC reading alone cost (the idle process when it did not run), plus an allowance.
    const raw = rows.find((r) => r.reader === 'raw-drain' && r.workers === stream.workers);
    const fixedCost = raw ? raw.peakRssBytes : stream.baselineRssBytes;
    // The documented bound on held bytes: the budget plus, per stream in flight, its window, one
    // read-ahead response and one batch over its credit (src/read/stats.ts heldBytesBound).
    const held = stream.extra.heldBoundBytes ?? budget;
    const limit = held + fixedCost + STREAM_RSS_ALLOWANCE_BYTES;
    const fixedName = raw ? `raw drain (w=${raw.workers}) peak` : 'idle';
    verdict(
      stream.peakRssBytes < limit,
      `streaming peak RSS ${fixed(stream.peakRssBytes / MIB, 0)} MiB vs held-bytes bound ${fixed(held / MIB, 0)} MiB (budget ${fixed(budget / MIB, 0)} MiB) + ${fixedName} ${fixed(fixedCost / MIB, 0)} MiB + ${STREAM_RSS_ALLOWANCE_BYTES / MIB} MiB = ${fixed(limit / MIB, 0)} MiB`,
    );
    const peakBuffered = stream.extra.peakBufferedBytes ?? 0;
    verdict(
      peakBuffered <= held,
      `streaming peakBufferedBytes ${fixed(peakBuffered / MIB, 1)} MiB within the held-bytes bound ${fixed(held / MIB, 1)} MiB`,
    );
  }
  return results;
}

/**
 * PASS/MISS at one per-stream rate: bqread >= 10x the ArrowTableReader at 10 MiB/s, and at every
 * rate >= 0.8x the ceiling, min(streams x rate, the unthrottled raw drain at all cores).
 */
export function evaluateServiceTargets(rows: readonly ResultRow[], rateMiBs: number, unthrottledRawMiBs: number | undefined): TargetResult[] {
  const results: TargetResult[] = [];
  const verdict = (pass: boolean, text: string) => results.push({ pass, line: `${pass ? 'PASS' : 'MISS'}  ${text}` });
  const bqread = rows.find((r) => r.reader === 'bqread-table');
  if (!bqread) return results;
  if (rateMiBs === 10 && bqread.vsOfficial !== undefined) {
    verdict(bqread.vsOfficial >= TARGET_SERVICE_VS_OFFICIAL, `at 10 MiB/s a stream, bqread vs official ArrowTableReader: ${fixed(bqread.vsOfficial, 1)}x (target >= ${TARGET_SERVICE_VS_OFFICIAL}x)`);
  }
  const streamsCeiling = bqread.streams * rateMiBs;
  const ceiling = unthrottledRawMiBs === undefined ? streamsCeiling : Math.min(streamsCeiling, unthrottledRawMiBs);
  const share = bqread.mibPerSec / ceiling;
  verdict(
    share >= TARGET_SERVICE_VS_CEILING,
    `at ${rateMiBs} MiB/s a stream, bqread ${fixed(bqread.mibPerSec, 0)} MiB/s = ${fixed(share)}x of min(${bqread.streams} streams x ${rateMiBs} MiB/s = ${fixed(streamsCeiling, 0)}, unthrottled raw drain ${unthrottledRawMiBs === undefined ? '-' : fixed(unthrottledRawMiBs, 0)}) MiB/s (target >= ${TARGET_SERVICE_VS_CEILING}x)`,
  );
  return results;
}
