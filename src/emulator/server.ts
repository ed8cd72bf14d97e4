import net from 'node:net';
import {
  Server,
  ServerCredentials,
  status as Status,
  type Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Table } from 'apache-arrow';
import { registerArrowCodecs } from '../arrow/codecs.js';
import { parseStreamName, parseTablePath } from '../protocol/names.js';
import { parseRoutingHeader, ROUTING_HEADER } from '../protocol/routing.js';
import type {
  CreateReadSessionRequest, ReadRowsRequest, ReadSession, SplitReadStreamRequest, SplitReadStreamResponse,
} from '../protocol/messages.js';
import { readServiceDefinition } from '../protocol/service.js';
import { parseTableReference, type TableReference } from '../table-ref.js';
import { ApiError, invalidArgument, notFound } from './api-error.js';
import { FaultPlan, type FaultSpec } from './faults.js';
import { serveReadRows } from './read-rows.js';
import { EncodingCache } from './encoding-cache.js';
import { createSession, type SessionLimits } from './session-builder.js';
import type { EncodingCounters } from './session-encoding.js';
import { SERVICE_PACE_PROFILES, validatePace, type ServicePace, type ServicePaceProfile } from './pace.js';
import { SessionRegistry } from './session-registry.js';
import type { StreamState } from './session-state.js';
import { splitStream } from './split.js';
import { TableStore } from './table-store.js';
import { Catalog } from './query/catalog.js';
import { listenOn } from './listen.js';
import { QueryService } from './rest/query-service.js';
import { startRestServer } from './rest/rest-server.js';

export interface EmulatorTable {
  /** `project.dataset.table`, `project:dataset.table`, `projects/P/datasets/D/tables/T` or parts. */
  readonly table: TableReference;
  readonly data: Table;
}

export interface EmulatorOptions {
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Port to bind; default 0 (a free port; `address` tells which). The CLI defaults to 9060. */
  readonly port?: number;
  /**
   * Port of the REST API (jobs and tables, on `host`); default 0 (a free port; `restUrl` tells
   * which). The CLI defaults to 9050, the REST port of goccy/bigquery-emulator.
   */
  readonly restPort?: number;
  /** How long a query job stays PENDING then RUNNING (half each) before it is DONE; default 0. */
  readonly jobLatencyMs?: number;
  /**
   * Most query jobs kept; default 1000. Past it the oldest job is let go (jobs.get then answers
   * 404) with its anonymous result table, so a suite running queries by the thousand stays bounded.
   */
  readonly maxJobs?: number;
  readonly tables?: readonly EmulatorTable[];
  /** Reject calls without the right `x-goog-request-params` header, as the service does; default true. */
  readonly requireRoutingHeader?: boolean;
  /**
   * Require `authorization: Bearer ...`: true accepts any token, a string only that token, a
   * function the tokens it accepts (tokens that expire, for tests of refresh).
   */
  readonly requireToken?: boolean | string | ((token: string) => boolean);
  /** Serve TLS with this PEM key and certificate instead of plaintext. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** How long a session lives; default 6 hours, as the service's sessions do. */
  readonly sessionLifetimeMs?: number;
  /**
   * Most sessions kept at once; default 1000. Past it the least recently used session is let go
   * (its reads then fail as expired), so a test suite creating sessions by the thousand stays bounded.
   */
  readonly maxSessions?: number;
  /** Bytes of encoded session rows kept for later reads; default 256 MiB (one larger encoding is still kept). */
  readonly maxEncodedBytes?: number;
  /** Target Arrow bytes per ReadRows response; default 1 MiB. */
  readonly batchTargetBytes?: number;
  /** Most rows per ReadRows response; default 65536. */
  readonly maxBatchRows?: number;
  /**
   * The smallest storage block a table's rows are kept in, in bytes of Arrow data; default 4 MiB.
   * A session gets at most one stream per block, as the service cannot cut a small table finer
   * than its storage units (the emulator's README, "How many streams a session gets"). 0 sets no
   * minimum: a block may be a single row, so a tiny table can have many streams.
   */
  readonly storageBlockBytes?: number;
  /** Location in session names; default "us". */
  readonly location?: string;
  readonly faults?: readonly FaultSpec[];
  /** Serve at the service's pace (a named profile or figures) instead of as fast as loopback allows. */
  readonly pace?: ServicePace | ServicePaceProfile;
}

export interface EmulatorStats {
  sessionsCreated: number;
  readRowsCalls: number;
  splitCalls: number;
  /** ReadRows response bytes handed to the connection so far (they had HTTP/2 window to go). */
  responseBytesSent: number;
  /**
   * ReadRows responses written to their calls that the connection has not taken yet (a reader that
   * stops reading leaves its call's here): at most RESPONSES_AHEAD a call.
   */
  readonly responsesAhead: number;
  /** Sessions held now (expired ones are released within a sweep interval). */
  readonly liveSessions: number;
  /** Sessions let go before they expired, to stay within maxSessions. */
  readonly sessionsEvicted: number;
  /** Bytes of encoded rows held for later reads, and how many encodings that is. */
  readonly encodedBytes: number;
  readonly cachedEncodings: number;
  /** Response units encoded so far (each when a reader first needs it). */
  readonly unitsEncoded: number;
}

export interface Emulator {
  /** `host:port` to point a client at. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** The REST API's base, `http://HOST:PORT` (no trailing slash): BIGQUERY_EMULATOR_HOST or apiEndpoint. */
  readonly restUrl: string;
  readonly stats: EmulatorStats;
  addTable(table: TableReference, data: Table): void;
  /** A logical view: tables.get calls it a VIEW, queries read through it, the Read API refuses it. */
  addView(view: TableReference, sql: string): void;
  /** The result a query of exactly this text returns, for queries outside the emulator's SQL subset. */
  setQueryResult(sql: string, result: Table): void;
  /** Commits more rows to a table as a new version (visible to later sessions and time travel). */
  appendRows(table: TableReference, rows: Table): void;
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Client connections open right now (a reader that cleaned up leaves none). */
  openConnections(): number;
  close(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  sessionLifetimeMs: 6 * 3600 * 1000,
  maxSessions: 1000,
  maxEncodedBytes: 256 * 1024 * 1024,
  batchTargetBytes: 1024 * 1024,
  maxBatchRows: 65536,
  storageBlockBytes: 4 * 1024 * 1024,
  location: 'us',
  restPort: 0,
  jobLatencyMs: 0,
  maxJobs: 1000,
};

function checkRouting(metadata: Metadata, key: string, expected: string, required: boolean): void {
  if (!required) return;
  const header = metadata.get(ROUTING_HEADER).map(String).join('&');
  const example = `${key}=${encodeURIComponent(expected)}`;
  if (!header) throw invalidArgument(`Missing ${ROUTING_HEADER} routing header: expected "${example}"`);
  const value = parseRoutingHeader(header).get(key);
  if (value !== expected) {
    throw invalidArgument(`${ROUTING_HEADER} routing header "${header}" does not match the request: expected "${example}"`);
  }
}

function checkToken(metadata: Metadata, required: EmulatorOptions['requireToken']): void {
  if (!required) return;
  const auth = String(metadata.get('authorization')[0] ?? '');
  const match = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!match) {
    throw new ApiError(
      Status.UNAUTHENTICATED,
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  }
  const token = match[1]!;
  if (typeof required === 'string' ? token !== required : typeof required === 'function' && !required(token)) {
    throw new ApiError(Status.UNAUTHENTICATED, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }
}

/** Starts a BigQuery Storage Read API (v1) server on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  await registerArrowCodecs();
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  if (!Number.isInteger(settings.maxSessions) || settings.maxSessions < 1) {
    throw new RangeError(`maxSessions must be a positive integer (got ${settings.maxSessions})`);
  }
  if (!(settings.maxEncodedBytes >= 0)) throw new RangeError(`maxEncodedBytes must be a non-negative number (got ${settings.maxEncodedBytes})`);
  if (!Number.isSafeInteger(settings.storageBlockBytes) || settings.storageBlockBytes < 0) {
    throw new RangeError(`storageBlockBytes must be a non-negative integer (got ${settings.storageBlockBytes})`);
  }
  const limits: SessionLimits = {
    location: settings.location,
    sessionLifetimeMs: settings.sessionLifetimeMs,
    batchTargetBytes: settings.batchTargetBytes,
    maxBatchRows: settings.maxBatchRows,
    storageBlockBytes: settings.storageBlockBytes,
  };
  if (!(settings.jobLatencyMs >= 0)) throw new RangeError(`jobLatencyMs must be a non-negative number (got ${settings.jobLatencyMs})`);
  if (!Number.isInteger(settings.maxJobs) || settings.maxJobs < 1) throw new RangeError(`maxJobs must be a positive integer (got ${settings.maxJobs})`);
  const requireRouting = options.requireRoutingHeader ?? true;
  const store = new TableStore();
  const catalog = new Catalog(store);
  for (const t of options.tables ?? []) store.put(parseTableReference(t.table), t.data);
  const faults = new FaultPlan();
  const pace = typeof options.pace === 'string' ? SERVICE_PACE_PROFILES[options.pace] : options.pace;
  if (typeof options.pace === 'string' && !pace) {
    throw new RangeError(`unknown pace profile "${options.pace}": one of ${Object.keys(SERVICE_PACE_PROFILES).join(', ')}`);
  }
  if (pace) validatePace(pace);
  for (const f of options.faults ?? []) faults.add(f);
  const sessions = new SessionRegistry(settings.maxSessions);
  const encodings = new EncodingCache(settings.maxEncodedBytes);
  const counters: EncodingCounters = { unitsEncoded: 0 };
  let responsesAhead = 0;
  const stats: EmulatorStats = {
    sessionsCreated: 0,
    readRowsCalls: 0,
    splitCalls: 0,
    responseBytesSent: 0,
    get responsesAhead() {
      return responsesAhead;
    },
    get liveSessions() {
      return sessions.size;
    },
    get sessionsEvicted() {
      return sessions.evictions;
    },
    get encodedBytes() {
      return encodings.bytes;
    },
    get cachedEncodings() {
      return encodings.size;
    },
    get unitsEncoded() {
      return counters.unitsEncoded;
    },
  };

  const sockets = new Set<net.Socket>();
  const socketsByPeer = new Map<string, net.Socket>();

  function findStream(name: string, nowMs: number): StreamState {
    const parsed = parseStreamName(name);
    if (!parsed) {
      throw invalidArgument(`Invalid stream name "${name}": expected projects/{project}/locations/{location}/sessions/{session}/streams/{stream}`);
    }
    const stream = sessions.use(parsed.sessionId, name, nowMs)?.streams.get(parsed.streamId);
    if (!stream || stream.name !== name) {
      throw notFound(`there was an error operating on '${name}': Requested entity was not found.`);
    }
    return stream;
  }

  /**
   * A unary method whose answer leaves `latencyMs` after the request came in. The work is done at
   * once and counts toward that latency, as the service's own work is part of the latency it is
   * measured at: waiting first and working after would pace the emulator slower than the service.
   */
  function unary<Req, Res>(handler: (call: ServerUnaryCall<Req, Res>) => Res, latencyMs = 0) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const received = performance.now();
      let answer: () => void;
      try {
        checkToken(call.metadata, options.requireToken);
        const response = handler(call);
        answer = () => callback(null, response);
      } catch (err) {
        answer = () => callback(err as ApiError);
      }
      const wait = latencyMs - (performance.now() - received);
      if (wait > 0) setTimeout(answer, wait);
      else answer();
    };
  }

  const server = new Server({ 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  server.addService(readServiceDefinition(), {
    CreateReadSession: unary<CreateReadSessionRequest, ReadSession>((call) => {
      const table = call.request.readSession?.table ?? '';
      checkRouting(call.metadata, 'read_session.table', table, requireRouting);
      refuseView(catalog, table);
      const now = Date.now();
      const { state, response } = createSession(call.request, store, limits, encodings, counters, now);
      sessions.add(state, now);
      stats.sessionsCreated++;
      return response;
    }, pace?.sessionLatencyMs),
    SplitReadStream: unary<SplitReadStreamRequest, SplitReadStreamResponse>((call) => {
      const name = call.request.name ?? '';
      checkRouting(call.metadata, 'name', name, requireRouting);
      stats.splitCalls++;
      const split = splitStream(findStream(name, Date.now()), Number(call.request.fraction ?? 0));
      return split
        ? { primaryStream: { name: split.primary.name }, remainderStream: { name: split.remainder.name } }
        : { primaryStream: null, remainderStream: null };
    }),
    ReadRows: (call: ServerWritableStream<ReadRowsRequest, Buffer>) => {
      stats.readRowsCalls++;
      const run = async () => {
        checkToken(call.metadata, options.requireToken);
        const name = call.request.readStream ?? '';
        checkRouting(call.metadata, 'read_stream', name, requireRouting);
        const offset = Number(call.request.offset ?? 0);
        if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument(`offset must be a non-negative integer (got ${call.request.offset})`);
        await serveReadRows(call, findStream(name, Date.now()), offset, {
          faults,
          pace,
          ahead: (delta) => (responsesAhead += delta),
          sent: (bytes) => (stats.responseBytesSent += bytes),
          dropConnection: (c) => socketsByPeer.get(c.getPeer())?.destroy(),
        });
      };
      run().catch((err: unknown) => {
        const apiError = err instanceof ApiError ? err : new ApiError(Status.INTERNAL, `emulator error: ${(err as Error).message}`);
        call.emit('error', apiError);
      });
    },
  });

  const credentials = options.tls
    ? ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }], false)
    : ServerCredentials.createInsecure();
  const injector = server.createConnectionInjector(credentials);
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    // Keyed exactly as grpc-js formats call.getPeer(): address:port, with no brackets even for IPv6.
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socketsByPeer.set(peer, socket);
    socket.once('close', () => {
      sockets.delete(socket);
      socketsByPeer.delete(peer);
    });
    injector.injectConnection(socket);
  });
  const bound = await listenOn(listener, settings.port, settings.host);
  const { host } = bound;
  const queries = new QueryService({
    catalog, location: restLocation(settings.location), jobLatencyMs: settings.jobLatencyMs, maxJobs: settings.maxJobs,
  });
  const rest = await startRestServer({ host: settings.host, port: settings.restPort, service: queries, requireToken: options.requireToken, pace })
    .catch(async (error: unknown) => {
      // The REST port is taken: let go of the gRPC side already bound.
      injector.destroy();
      server.forceShutdown();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      throw error;
    });
  // Expired sessions are released between calls too, not only when the next session is created.
  const sweeper = setInterval(() => sessions.sweep(Date.now()), Math.min(Math.max(settings.sessionLifetimeMs, 50), 60_000));
  sweeper.unref();

  let closed: Promise<void> | undefined;
  return {
    address: `${host}:${bound.port}`,
    host: bound.address,
    port: bound.port,
    restUrl: rest.url,
    stats,
    addTable: (table, data) => void store.put(parseTableReference(table), data),
    addView: (view, sql) => catalog.addView(parseTableReference(view), sql),
    setQueryResult: (sql, result) => catalog.setQueryResult(sql, result),
    appendRows: (table, rows) => void store.append(parseTableReference(table), rows),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    openConnections: () => sockets.size,
    close: () => {
      closed ??= (async () => {
        clearInterval(sweeper);
        queries.close();
        await rest.close();
        // The listener reports closed only once every connection has ended, so end them first.
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        const socketsClosed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
        injector.destroy();
        for (const socket of sockets) socket.destroy();
        server.forceShutdown();
        await Promise.all([stopped, ...socketsClosed]);
      })();
      return closed;
    },
  };
}

/**
 * The Read API reads tables only: a logical view fails CreateReadSession with INVALID_ARGUMENT and
 * "non-table entities cannot be read with the storage API", the text users report for views and
 * materialized views (coiled/dask-bigquery#41, awslabs/aws-athena-query-federation#1347).
 */
function refuseView(catalog: Catalog, table: string): void {
  const path = parseTablePath(table);
  if (path && catalog.view(path)) throw invalidArgument('non-table entities cannot be read with the storage API');
}

/** BigQuery writes its multi-region locations in capitals (US, EU) and regions in lower case. */
const restLocation = (location: string) => (/^(us|eu)$/i.test(location) ? location.toUpperCase() : location);

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

