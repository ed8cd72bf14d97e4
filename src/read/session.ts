import { status as Status, type ServiceError } from '@grpc/grpc-js';
import type { Schema } from 'apache-arrow';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadApiClient } from '../client/read-client.js';
import { backoffMs } from '../client/retry.js';
import type { CreateReadSessionRequest, TableReadOptions, Timestamp } from '../protocol/messages.js';
import { loadArrowParts, type ArrowParts } from './arrow-parts.js';
import { abortError, describeStatus, EndpointUnreachableError, SessionCreateError, ViewReadError } from './errors.js';
import { preferredMinStreamsFor, type ResolvedReadOptions } from './options.js';

/** What the coordinator keeps of a ReadSession. */
export interface ReadSessionInfo {
  readonly name: string;
  readonly table: string;
  readonly streams: readonly string[];
  readonly schema: Schema;
  /** The Arrow schema message every record batch is decoded against. */
  readonly schemaMessage: Uint8Array;
  readonly expireTime?: Date;
  readonly estimatedRowCount: number;
  readonly estimatedTotalBytesScanned: number;
}

const COMPRESSION = { lz4: 'LZ4_FRAME', zstd: 'ZSTD', none: 'COMPRESSION_UNSPECIFIED' } as const;
const PICOS_PRECISION = { micros: 'TIMESTAMP_PRECISION_MICROS', nanos: 'TIMESTAMP_PRECISION_NANOS', picos: 'TIMESTAMP_PRECISION_PICOS' } as const;
// The service's refusal of a view or a materialized view, as users report it
// (coiled/dask-bigquery#41, awslabs/aws-athena-query-federation#1347).
const NOT_A_TABLE = /non-table entities cannot be read with the storage API/i;

function viewHint({ table }: ResolvedReadOptions): string {
  const name = `\`${table.projectId}.${table.datasetId}.${table.tableId}\``;
  return `It is a view: read it as a query, readQuery('SELECT * FROM ${name}') or bqread query 'SELECT * FROM ${name}', or with bqread read --materialize-view`;
}

/** CreateReadSession is idempotent, so a failed connection attempt is retried a few times. */
const CONNECT_ATTEMPTS = 3;

function timestamp(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** The CreateReadSession request of a read; `slots` is how many streams the pool reads at once. */
export function createReadSessionRequest(options: ResolvedReadOptions, slots: number): CreateReadSessionRequest {
  const readOptions: TableReadOptions = {
    selectedFields: options.selectedFields,
    rowRestriction: options.rowRestriction,
    arrowSerializationOptions: {
      bufferCompression: COMPRESSION[options.compression],
      ...(options.picosTimestampPrecision && { picosTimestampPrecision: PICOS_PRECISION[options.picosTimestampPrecision] }),
    },
    ...(options.samplePercentage !== undefined && { samplePercentage: options.samplePercentage }),
  };
  return {
    parent: `projects/${options.billingProject}`,
    readSession: {
      table: options.tableName,
      dataFormat: 'ARROW',
      readOptions,
      tableModifiers: options.snapshotTime === undefined ? undefined : { snapshotTime: timestamp(options.snapshotTime) },
    },
    maxStreamCount: options.maxStreams,
    preferredMinStreamCount: preferredMinStreamsFor(options, slots),
  };
}

/**
 * Creates the one ReadSession of a read, on the read's channel (`client`, which its owner closes);
 * the read's Arrow parts load while the service creates it (arrow-parts.ts). `signal` cancels the
 * call and cuts a retry's wait short; `token` is the bearer token for brokered auth.
 */
export async function createReadSession(
  client: ReadApiClient,
  options: ResolvedReadOptions,
  slots: number,
  signal: AbortSignal,
  token?: string,
): Promise<ReadSessionInfo> {
  const table = options.tableName;
  const { connection } = options;
  const deadline = Date.now() + options.sessionTimeoutMs;
  let arrowParts: Promise<ArrowParts> | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = client.createReadSession(createReadSessionRequest(options, slots), { deadline, signal, token });
      arrowParts ??= loadArrowParts();
      const session = await created;
      const arrow = await arrowParts;
      const schemaMessage = session.arrowSchema?.serializedSchema ?? new Uint8Array();
      if (schemaMessage.byteLength === 0) {
        throw new SessionCreateError(`CreateReadSession for ${table} returned no Arrow schema`, { table });
      }
      return {
        name: session.name,
        table,
        streams: session.streams.map((s) => s.name),
        schema: arrow.decodeSchema(schemaMessage),
        schemaMessage,
        expireTime: session.expireTime ? new Date(Number(session.expireTime.seconds) * 1000) : undefined,
        estimatedRowCount: Number(session.estimatedRowCount),
        estimatedTotalBytesScanned: Number(session.estimatedTotalBytesScanned),
      };
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (err instanceof SessionCreateError) throw err;
      const e = err as ServiceError;
      const unreachable = e.code === Status.UNAVAILABLE || e.code === Status.DEADLINE_EXCEEDED;
      if (unreachable && attempt < CONNECT_ATTEMPTS && Date.now() < deadline) {
        await sleep(backoffMs(attempt, options.retry), undefined, { signal }).catch(() => undefined);
        if (signal.aborted) throw abortError(signal);
        continue;
      }
      const message = `CreateReadSession for ${table} failed: ${describeStatus(e.code, e.details ?? e.message)}`;
      if (unreachable) {
        throw new EndpointUnreachableError(`cannot reach the Read API at ${connection.endpoint}: ${message}`, {
          code: e.code, table, retryable: true, cause: err,
        });
      }
      if (e.code === Status.INVALID_ARGUMENT && NOT_A_TABLE.test(e.details ?? '')) throw new ViewReadError(`${message}. ${viewHint(options)}`, { code: e.code, table, cause: err });
      throw new SessionCreateError(message, { code: e.code, table, cause: err });
    }
  }
}
