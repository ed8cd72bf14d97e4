import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRow } from './targets.js';

/** bench/results in the repository (this file runs from dist/bench). */
export const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly availableParallelism: number;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly platform: string;
  /** Load at the start: on a shared machine, what else was running. */
  readonly loadAverage: readonly number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function machineLine(m: MachineInfo): string {
  return `machine: ${m.cpuModel}, ${m.cores} cores (availableParallelism ${m.availableParallelism}), `
    + `${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, node ${m.node}, ${m.platform}, load ${m.loadAverage.join(' ')}`;
}

const MIB = 1024 * 1024;

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

const ratio = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(2)}x`);

const COLUMNS: readonly { title: string; value: (r: ResultRow) => string }[] = [
  { title: 'reader', value: (r) => r.label },
  { title: 'streams', value: (r) => String(r.streams) },
  { title: 'rows', value: (r) => compact(r.rows) },
  { title: 'wall s', value: (r) => (r.wallMs / 1000).toFixed(2) },
  { title: 'session s', value: (r) => (r.sessionMs / 1000).toFixed(2) },
  { title: 'read s', value: (r) => (r.readMs / 1000).toFixed(2) },
  { title: '1st batch s', value: (r) => (r.firstBatchMs === undefined ? '-' : (r.firstBatchMs / 1000).toFixed(2)) },
  { title: 'rows/s', value: (r) => compact(r.rowsPerSec) },
  { title: 'MiB/s', value: (r) => r.mibPerSec.toFixed(0) },
  { title: 'cpu s', value: (r) => (r.cpuMs / 1000).toFixed(2) },
  { title: 'emu cpu s', value: (r) => (r.emulatorCpuMs === undefined ? '-' : (r.emulatorCpuMs / 1000).toFixed(2)) },
  { title: 'peak RSS MiB', value: (r) => (r.peakRssBytes / MIB).toFixed(0) },
  { title: 'EL p50 ms', value: (r) => r.loopDelay?.p50Ms.toFixed(1) ?? '-' },
  { title: 'EL p99 ms', value: (r) => r.loopDelay?.p99Ms.toFixed(1) ?? '-' },
  { title: 'x raw', value: (r) => ratio(r.vsRaw) },
  { title: 'x official', value: (r) => ratio(r.vsOfficial) },
];

/** An aligned text table: a header, a rule, then the rows; the first column left-aligned, the others right. */
export function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((line) => line[i]!.length)));
  const render = (line: readonly string[]) =>
    line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const top = render(header);
  return [top, '-'.repeat(top.length), ...rows.map(render)].join('\n');
}

/** The results table, one line per run. */
export function formatTable(rows: readonly ResultRow[]): string {
  return alignedTable(COLUMNS.map((c) => c.title), rows.map((row) => COLUMNS.map((c) => c.value(row))));
}

/** Writes bench/results/<timestamp>.json and bench/results/latest.json; returns the first path. */
export function writeResults(directory: string, startedAt: Date, results: unknown): string {
  mkdirSync(directory, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const path = join(directory, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, text);
  writeFileSync(join(directory, 'latest.json'), text);
  return path;
}
