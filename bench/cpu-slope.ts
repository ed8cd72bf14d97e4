import type { ThreadCpu } from './measure.js';
import { alignedTable } from './report.js';
import type { ResultRow, TargetResult } from './targets.js';

/**
 * CPU per GiB of Arrow as the slope between two table sizes: what each extra GiB costs, with the
 * fixed costs (thread start, module loading, session) cancelled out. Split by thread, since the
 * main thread is the one part that cannot spread over more cores.
 */
export interface CpuSlope {
  readonly label: string;
  readonly reader: string;
  readonly workers: number;
  readonly compression: string;
  /** Every thread of the reader process, s per GiB. */
  readonly totalSPerGiB: number;
  /** The parts, where /proc told them apart. */
  readonly mainSPerGiB?: number;
  readonly workerThreadsSPerGiB?: number;
  readonly helperThreadsSPerGiB?: number;
  /** totalSPerGiB over the raw drain's at the same worker count (all cores for single-threaded readers). */
  readonly vsRaw?: number;
}

export interface Projection {
  readonly label: string;
  readonly cores: number;
  /** The ceiling on `cores` cores, from the per-thread costs, in MiB of Arrow per second. */
  readonly mibPerSec: number;
  /** 'cores': every core busy; 'main thread': the coordinator's share alone fills one core. */
  readonly limitedBy: 'cores' | 'main thread';
}

export const TARGET_CPU_VS_RAW = 1.3;
export const TARGET_MAIN_SHARE = 0.1;
export const PROJECTION_CORES = [2, 4, 8, 16, 32, 64];

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

type CpuFields = { readonly cpuMs: number; readonly systemCpuMs: number; readonly threadCpu?: ThreadCpu };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The CPU of repeated runs, field by field the median. The run shown is the median by read time,
 * but its CPU can be an outlier (a slow thread start, a GC at the wrong moment): a slope between
 * two such outliers once put the raw drain at 0.38 s/GiB, below its own worker threads' cost.
 */
export function medianCpu<T extends CpuFields>(runs: readonly T[]): CpuFields {
  const threads = runs.map((r) => r.threadCpu);
  const threadCpu = threads.every((t): t is ThreadCpu => t !== undefined)
    ? {
        mainMs: median(threads.map((t) => t.mainMs)),
        workerThreadsMs: median(threads.map((t) => t.workerThreadsMs)),
        workerThreads: median(threads.map((t) => t.workerThreads)),
        helperThreadsMs: median(threads.map((t) => t.helperThreadsMs)),
      }
    : undefined;
  return { cpuMs: median(runs.map((r) => r.cpuMs)), systemCpuMs: median(runs.map((r) => r.systemCpuMs)), threadCpu };
}

export function cpuSlopes(small: readonly ResultRow[], large: readonly ResultRow[], smallBytes: number, largeBytes: number, cores: number): CpuSlope[] {
  const gib = (largeBytes - smallBytes) / GIB;
  if (!(gib > 0)) return [];
  const perGiB = (a: number, b: number) => (b - a) / 1000 / gib;
  const slopes = large.flatMap((big): Omit<CpuSlope, 'vsRaw'>[] => {
    const little = small.find((r) => r.label === big.label);
    if (!little) return [];
    const split = little.threadCpu && big.threadCpu
      ? {
          mainSPerGiB: perGiB(little.threadCpu.mainMs, big.threadCpu.mainMs),
          workerThreadsSPerGiB: perGiB(little.threadCpu.workerThreadsMs, big.threadCpu.workerThreadsMs),
          helperThreadsSPerGiB: perGiB(little.threadCpu.helperThreadsMs, big.threadCpu.helperThreadsMs),
        }
      : {};
    return [{ label: big.label, reader: big.reader, workers: big.workers, compression: big.compression, totalSPerGiB: perGiB(little.cpuMs, big.cpuMs), ...split }];
  });
  const raw = new Map(slopes.filter((s) => s.reader === 'raw-drain').map((s) => [s.workers, s.totalSPerGiB]));
  return slopes.map((s) => {
    const threaded = s.reader === 'raw-drain' || s.reader.startsWith('bqread');
    const rawSlope = raw.get(threaded ? s.workers : cores);
    return { ...s, vsRaw: rawSlope && rawSlope > 0 ? s.totalSPerGiB / rawSlope : undefined };
  });
}

/**
 * The ceiling on N cores if the client had them to itself (the service, not an emulator, serving):
 * the main thread's work is serial, so it allows at most 1/main GiB/s; everything else spreads
 * over the cores, so N cores allow N/total.
 */
export function projectCeiling(slope: Pick<CpuSlope, 'label' | 'totalSPerGiB' | 'mainSPerGiB'>, coreCounts: readonly number[] = PROJECTION_CORES): Projection[] {
  const main = slope.mainSPerGiB;
  if (main === undefined || !(slope.totalSPerGiB > 0)) return [];
  return coreCounts.map((cores) => {
    const byCores = cores / slope.totalSPerGiB;
    const byMain = main > 0 ? 1 / main : Infinity;
    return {
      label: slope.label,
      cores,
      mibPerSec: (Math.min(byCores, byMain) * GIB) / MIB,
      limitedBy: byMain < byCores ? 'main thread' : 'cores',
    };
  });
}

const fixed = (n: number | undefined, digits = 2) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

export function formatSlopes(slopes: readonly CpuSlope[]): string {
  return alignedTable(
    ['reader', 'total s/GiB', 'main', 'worker threads', 'V8/libuv threads', 'main share', 'x raw'],
    slopes.map((s) => [
      s.label,
      fixed(s.totalSPerGiB),
      fixed(s.mainSPerGiB),
      fixed(s.workerThreadsSPerGiB),
      fixed(s.helperThreadsSPerGiB),
      s.mainSPerGiB === undefined ? '-' : `${((100 * s.mainSPerGiB) / s.totalSPerGiB).toFixed(0)}%`,
      s.vsRaw === undefined ? '-' : `${s.vsRaw.toFixed(2)}x`,
    ]),
  );
}

export function formatProjection(projections: readonly Projection[]): string {
  const labels = [...new Set(projections.map((p) => p.label))];
  const cores = [...new Set(projections.map((p) => p.cores))];
  return alignedTable(
    ['reader', ...cores.map((n) => `${n} cores`)],
    labels.map((label) => [
      label,
      ...cores.map((n) => {
        const p = projections.find((q) => q.label === label && q.cores === n);
        return p ? `${p.mibPerSec.toFixed(0)}${p.limitedBy === 'main thread' ? '*' : ''}` : '-';
      }),
    ]),
  );
}

/**
 * bqread's marginal CPU per GiB (the table form at all cores) <= 1.3x the raw drain's at the same
 * worker count and below the official ArrowTableReader's; its main thread <= 10% of it.
 */
export function evaluateCpuTargets(slopes: readonly CpuSlope[], cores: number): TargetResult[] {
  const results: TargetResult[] = [];
  const verdict = (pass: boolean, text: string) => results.push({ pass, line: `${pass ? 'PASS' : 'MISS'}  ${text}` });
  const bqread = slopes.find((s) => s.reader === 'bqread-table' && s.workers === cores && s.compression === 'none');
  if (!bqread) return results;
  if (bqread.vsRaw !== undefined) {
    verdict(bqread.vsRaw <= TARGET_CPU_VS_RAW, `CPU per GiB, bqread table (w=${cores}) vs raw drain (w=${cores}): ${fixed(bqread.vsRaw)}x (${fixed(bqread.totalSPerGiB)} s/GiB; target <= ${TARGET_CPU_VS_RAW}x)`);
  }
  const official = slopes.find((s) => s.reader === 'official-arrow-reader');
  if (official) {
    verdict(bqread.totalSPerGiB < official.totalSPerGiB, `CPU per GiB, bqread table (w=${cores}) ${fixed(bqread.totalSPerGiB)} s vs official ArrowTableReader ${fixed(official.totalSPerGiB)} s (target: below)`);
  }
  if (bqread.mainSPerGiB !== undefined) {
    const share = bqread.mainSPerGiB / bqread.totalSPerGiB;
    verdict(share <= TARGET_MAIN_SHARE, `main thread share of bqread table (w=${cores})'s CPU per GiB: ${(100 * share).toFixed(0)}% (${fixed(bqread.mainSPerGiB)} s/GiB; target <= ${100 * TARGET_MAIN_SHARE}%)`);
  }
  return results;
}
