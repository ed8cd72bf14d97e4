// One reader, one fresh process: `node dist/bench/reader-child.js --reader NAME --endpoint HOST:PORT ...`
// reads the table once and prints one JSON line (a ChildReport), so no reader's heap, threads or
// libraries are in another reader's RSS.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { checksumOf, type Checksum } from './checksum.js';
import { sampleRss, sampleThreadCpu, timed, type LoopDelay, type ThreadCpu } from './measure.js';
import type { BenchReaderName } from './plan.js';
import { isReaderName, loadReader, type ReaderName } from './readers/index.js';
import type { Compression, ReaderConfig } from './readers/reader.js';

/** One reader's run. bench/go-drain/main.go prints the same shape (no checksum, threadCpu, firstBatchMs or loopDelay). */
export interface ChildReport {
  readonly reader: BenchReaderName;
  readonly workers: number;
  readonly compression: Compression;
  readonly streams: number;
  /** From the first call to the last row (session included). */
  readonly wallMs: number;
  readonly sessionMs: number;
  /** wallMs - sessionMs: what rows/s and MB/s are computed over. */
  readonly readMs: number;
  readonly rows: number;
  /** Absent for the raw drain and the Go drain, which never decode. */
  readonly checksum?: Checksum;
  readonly arrowBytes?: number;
  /** RSS of this process, idle, with its reader's modules loaded, just before reading. */
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
  /** CPU time of this process (every thread) from the first call to the last row. */
  readonly cpuMs: number;
  /** The kernel's part of cpuMs (page faults of fresh buffers, socket reads). */
  readonly systemCpuMs: number;
  /** cpuMs by thread (Linux only). */
  readonly threadCpu?: ThreadCpu;
  /** bqread: from the first call to the first batch (session, pool start, worker module loading, first response). */
  readonly firstBatchMs?: number;
  /** Node's event-loop delay on the main thread; absent for a native reader. */
  readonly loopDelay?: LoopDelay;
  readonly extra: Readonly<Record<string, number>>;
}

const COMPRESSIONS: readonly Compression[] = ['none', 'lz4', 'zstd'];

function nonNegative(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`--${name} must be a non-negative number (got ${text})`);
  return value;
}

function parseChildArgs(argv: string[]): { reader: ReaderName; config: ReaderConfig } {
  const { values } = parseArgs({
    args: argv,
    options: {
      reader: { type: 'string' },
      endpoint: { type: 'string' },
      table: { type: 'string' },
      workers: { type: 'string', default: '1' },
      'max-streams': { type: 'string', default: '0' },
      compression: { type: 'string', default: 'none' },
      'budget-bytes': { type: 'string', default: String(256 << 20) },
      'consumer-delay-ms': { type: 'string', default: '0' },
    },
  });
  if (!values.reader || !isReaderName(values.reader)) throw new RangeError(`--reader must name a reader (got ${values.reader})`);
  if (!values.endpoint || !values.table) throw new RangeError('--endpoint and --table are required');
  if (!COMPRESSIONS.includes(values.compression as Compression)) throw new RangeError(`--compression must be one of ${COMPRESSIONS.join(', ')}`);
  return {
    reader: values.reader,
    config: {
      endpoint: values.endpoint,
      table: values.table,
      workers: nonNegative('workers', values.workers),
      maxStreams: nonNegative('max-streams', values['max-streams']),
      compression: values.compression as Compression,
      budgetBytes: nonNegative('budget-bytes', values['budget-bytes']),
      consumerDelayMs: nonNegative('consumer-delay-ms', values['consumer-delay-ms']),
    },
  };
}

async function main(): Promise<void> {
  const { reader: name, config } = parseChildArgs(process.argv.slice(2));
  const reader = await loadReader(name);
  await reader.prepare?.(config);
  // The parent passes --expose-gc so the baseline is the idle process, not leftover garbage.
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(50);
  const baselineRssBytes = process.memoryUsage.rss();
  const rss = sampleRss();
  const threads = sampleThreadCpu();
  const cpuBefore = process.cpuUsage();
  const { value: outcome, wallMs, loopDelay } = await timed(() => reader(config));
  const cpu = process.cpuUsage(cpuBefore);
  const threadCpu = threads.stop();
  const peakRssBytes = rss.peakBytes();
  rss.stop();
  // Checksummed after the clock stopped, so it costs every collecting reader nothing.
  const checksum = outcome.checksum ?? (outcome.batches ? checksumOf(outcome.batches) : undefined);
  const rows = checksum?.rows ?? outcome.rows ?? 0;
  const report: ChildReport = {
    reader: name,
    workers: config.workers,
    compression: config.compression,
    streams: outcome.streams,
    wallMs,
    sessionMs: outcome.sessionMs,
    readMs: wallMs - outcome.sessionMs,
    rows,
    checksum,
    arrowBytes: outcome.arrowBytes,
    baselineRssBytes,
    peakRssBytes,
    cpuMs: (cpu.user + cpu.system) / 1000,
    systemCpuMs: cpu.system / 1000,
    threadCpu,
    firstBatchMs: outcome.firstBatchMs,
    loopDelay,
    extra: outcome.extra ?? {},
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  // Google's client can leave channel timers behind; the report is out, so leave now.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`reader failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
