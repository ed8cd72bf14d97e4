// The bench's flags (npm run bench -- ...), parsed apart from the run, so bench/README's command
// examples can be checked without running them (test/bench/readme-commands.test.ts).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isBenchReaderName, NATIVE_READER_NAMES, type BenchReaderName } from './plan.js';
import { READER_NAMES } from './readers/index.js';
import { RESULTS_DIR } from './report.js';

const QUICK_ROWS = 200_000;
const FULL_ROWS = 1_000_000;
/** Per-stream rates of the service-like rows (MiB/s): the slow end, the `bigquery` profile, a fast stream. */
const SERVICE_RATES = [2.5, 10, 30];

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export interface BenchOptions {
  readonly full: boolean;
  readonly baseRows: number;
  readonly maxStreams: number;
  readonly repeat: number;
  readonly only?: ReadonlySet<BenchReaderName>;
  readonly cpuProfDir?: string;
  /** Per-stream rates (MiB/s) of the service-like rows; empty skips them. */
  readonly serviceRates: readonly number[];
  /** Only the sink rows (bench/sinks.ts). */
  readonly sinksOnly: boolean;
}

function wholeNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new BenchUsageError(`${flag} must be a positive integer (got ${text})`);
  return n;
}

const BENCH_FLAGS = {
  full: { type: 'boolean', default: false },
  rows: { type: 'string' },
  'max-streams': { type: 'string' },
  repeat: { type: 'string' },
  only: { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
  'service-rates': { type: 'string', default: SERVICE_RATES.join(',') },
  'sinks-only': { type: 'boolean', default: false },
} as const;

/** parseArgs's own refusals (an unknown flag, a missing value) are usage errors like the bench's. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: BENCH_FLAGS }).values;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_')) throw new BenchUsageError((err as Error).message);
    throw err;
  }
}

export function parseBenchArgs(argv: string[], cores: number, startedAt: Date): BenchOptions {
  const values = parseFlags(argv);
  const serviceRates = values['service-rates'].split(',').filter((r) => r.trim() !== '').map(Number);
  if (serviceRates.some((r) => !(r > 0))) throw new BenchUsageError(`--service-rates must be positive MiB/s values (got ${values['service-rates']})`);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !isBenchReaderName(name));
  if (unknown?.length) throw new BenchUsageError(`--only: unknown reader(s) ${unknown.join(', ')}; readers: ${[...READER_NAMES, ...NATIVE_READER_NAMES].join(', ')}`);
  return {
    full: values.full,
    baseRows: wholeNumber('--rows', values.rows, values.full ? FULL_ROWS : QUICK_ROWS),
    // On loopback a stream is as fast as a core, so 4 a worker keep the cores busy; the same count
    // for every reader. (The service-like rows let the session decide, as users do.)
    maxStreams: wholeNumber('--max-streams', values['max-streams'], 4 * cores),
    repeat: wholeNumber('--repeat', values.repeat, 1),
    only: only ? new Set(only as BenchReaderName[]) : undefined,
    cpuProfDir: values['cpu-prof'] ? join(RESULTS_DIR, 'profiles', startedAt.toISOString().replace(/[:.]/g, '-')) : undefined,
    serviceRates,
    sinksOnly: values['sinks-only'],
  };
}

