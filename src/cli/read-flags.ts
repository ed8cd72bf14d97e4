// The reader's options as command-line flags, shared by `read`, `head` and `schema`.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { ReadOptions } from '../read/options.js';
import { EMULATOR_HOST_ENV } from '../client/connection.js';
import { columnList, integer, numberIn } from './flag-parsers.js';

export interface ReadFlags {
  readonly columns?: string[];
  readonly where?: string;
  readonly snapshot?: string;
  readonly sample?: number;
  readonly picosPrecision?: 'micros' | 'nanos' | 'picos';
  readonly maxStreams?: number;
  readonly workers?: number;
  readonly compression?: 'lz4' | 'zstd' | 'none';
  readonly maxBufferedMb?: number;
  /** False with --no-rebalance. */
  readonly rebalance?: boolean;
  readonly billingProject?: string;
  readonly endpoint?: string;
  readonly tls?: boolean;
  readonly caCert?: string;
  readonly token?: string;
  readonly keyFile?: string;
  readonly quotaProject?: string;
  readonly verbose?: boolean;
}

/** What a table is read as: columns, filter, time travel, sampling. */
export function addSelectionFlags(command: Command): Command {
  return command
    .option('--columns <list>', 'columns to read, comma-separated (nested as record.field)', columnList)
    .option('--where <sql>', "row filter evaluated by the service, e.g. \"country = 'NL' AND ts >= TIMESTAMP '2026-01-01'\"")
    .option('--snapshot <time>', 'read the table as of this time (ISO 8601, or epoch milliseconds)')
    .option('--sample <percent>', 'read a sample of the rows, 0 < percent <= 100', numberIn('--sample', 0, 100))
    .addOption(new Option('--picos-precision <unit>', 'picosecond TIMESTAMP columns as micros (default), nanos or picos (ISO 8601 text)').choices(['micros', 'nanos', 'picos']));
}

/** How hard to read: streams, threads, wire compression, buffer budget. */
export function addParallelismFlags(command: Command): Command {
  return command
    .option('--max-streams <n>', 'most streams in the read session (0: the service decides)', integer('--max-streams', 0))
    .option('--workers <n>', 'worker threads (default: available cores)', integer('--workers', 1))
    .addOption(new Option('--compression <codec>', 'Arrow buffer compression on the wire').choices(['lz4', 'zstd', 'none']))
    .option('--max-buffered-mb <n>', 'MiB of decoded batches held ahead of the output (default 256)', integer('--max-buffered-mb', 1))
    .option('--no-rebalance', 'read each stream as the session made it: never split one in flight (SplitReadStream)');
}

/** Where to connect and as whom. */
export function addConnectionFlags(command: Command, billing = "project that owns and pays for the read session (default: the table's)"): Command {
  return command
    .option('--billing-project <project>', billing)
    .option('--endpoint <host:port>', `an emulator's address (plaintext unless --tls); default $${EMULATOR_HOST_ENV}, else the real service`)
    .option('--tls', 'use TLS with --endpoint')
    .option('--ca-cert <file>', 'PEM root certificates to trust for --tls')
    .option('--token <token>', 'a static OAuth access token (never printed)')
    .option('--key-file <file>', 'a service account key file (default: Application Default Credentials)')
    .option('--quota-project <project>', 'project billed for quota (x-goog-user-project)')
    .option('--verbose', 'print the stack of an error');
}

/** Checks the flags' combinations and turns them into ReadOptions. */
export function readOptionsFromFlags(flags: ReadFlags): ReadOptions {
  if (flags.caCert && !flags.tls) throw new UsageError('--ca-cert needs --tls');
  if (flags.token && flags.keyFile) throw new UsageError('give --token or --key-file, not both');
  const snapshotTime = flags.snapshot === undefined ? undefined : /^\d+$/.test(flags.snapshot) ? Number(flags.snapshot) : flags.snapshot;
  return {
    selectedFields: flags.columns,
    rowRestriction: flags.where,
    snapshotTime,
    samplePercentage: flags.sample,
    picosTimestampPrecision: flags.picosPrecision,
    maxStreams: flags.maxStreams,
    workers: flags.workers,
    compression: flags.compression,
    maxBufferedBytes: flags.maxBufferedMb === undefined ? undefined : flags.maxBufferedMb * 1024 * 1024,
    rebalance: flags.rebalance,
    billingProject: flags.billingProject,
    endpoint: flags.endpoint,
    tls: flags.tls,
    rootCertsPem: flags.caCert ? readPem(flags.caCert) : undefined,
    token: flags.token,
    keyFilename: flags.keyFile,
    quotaProject: flags.quotaProject,
  };
}

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --ca-cert ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A command line that cannot work, found before anything is read. */
export class UsageError extends Error {
  override name = 'UsageError';
}
