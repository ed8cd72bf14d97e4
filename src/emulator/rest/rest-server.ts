// The emulator's HTTP server for BigQuery's REST API (v2): routes the calls a query read makes to
// the query service, with BigQuery's paths under /bigquery/v2/ (and the same paths without that
// prefix, where a client given BIGQUERY_EMULATOR_HOST as its whole base URL sends them).
import http from 'node:http';
import type net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServicePace } from '../pace.js';
import type { PageRequest } from './pages.js';
import type { QueryService } from './query-service.js';
import { listenOn } from '../listen.js';
import { QueryError } from '../query/errors.js';
import { invalid, notFound, RestError, restErrorOf } from './rest-error.js';

export interface RestServerOptions {
  readonly host: string;
  readonly port: number;
  readonly service: QueryService;
  /** Require `authorization: Bearer ...`, as for the Read API (see EmulatorOptions.requireToken). */
  readonly requireToken?: boolean | string | ((token: string) => boolean);
  readonly pace?: ServicePace;
}

export interface RestServer {
  /** `http://HOST:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (match: RegExpExecArray, body: Record<string, unknown>, query: URLSearchParams) => object | Promise<object>;

interface Route {
  readonly method: string;
  readonly path: RegExp;
  readonly handler: Handler;
}

const SEGMENT = '([^/]+)';
const route = (method: string, path: string, handler: Handler): Route =>
  ({ method, path: new RegExp(`^(?:/bigquery/v2)?/projects/${SEGMENT}${path}$`), handler });

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const { service } = options;
  const decode = (match: RegExpExecArray, index: number) => decodeURIComponent(match[index]!);
  const routes: Route[] = [
    route('POST', '/jobs', (m, body) => service.insertJob(decode(m, 1), body)),
    route('POST', '/queries', (m, body) => service.query(decode(m, 1), body)),
    route('GET', `/jobs/${SEGMENT}`, (m, _body, query) => service.getJob(decode(m, 1), decode(m, 2), query.get('location') ?? undefined)),
    route('POST', `/jobs/${SEGMENT}/cancel`, (m, _body, query) => service.cancelJob(decode(m, 1), decode(m, 2), query.get('location') ?? undefined)),
    route('GET', `/queries/${SEGMENT}`, (m, _body, query) => service.getQueryResults(decode(m, 1), decode(m, 2), pageRequest(query))),
    route('GET', `/datasets/${SEGMENT}/tables/${SEGMENT}`, (m) =>
      service.getTable({ projectId: decode(m, 1), datasetId: decode(m, 2), tableId: decode(m, 3) })),
    route('GET', `/datasets/${SEGMENT}/tables/${SEGMENT}/data`, (m, _body, query) =>
      service.listRows({ projectId: decode(m, 1), datasetId: decode(m, 2), tableId: decode(m, 3) }, pageRequest(query), query.get('selectedFields') ?? undefined)),
  ];

  const answer = async (request: http.IncomingMessage): Promise<[number, object]> => {
    const started = performance.now();
    try {
      checkToken(request, options.requireToken);
      const url = new URL(request.url ?? '/', 'http://emulator');
      const found = routes.find((r) => r.method === request.method && r.path.test(url.pathname));
      if (!found) {
        const known = routes.some((r) => r.path.test(url.pathname));
        throw known ? new RestError(405, 'notAllowed', `Method ${request.method} is not allowed on ${url.pathname}`) : notFound(`Not found: URL ${url.pathname}`);
      }
      const body = await readJson(request);
      return [200, await found.handler(found.path.exec(url.pathname)!, body, url.searchParams)];
    } catch (error) {
      const rest = error instanceof QueryError ? restErrorOf(error) : error;
      if (rest instanceof RestError) return [rest.httpStatus, rest.body()];
      return [500, new RestError(500, 'internalError', `emulator error: ${(error as Error).message}`).body()];
    } finally {
      await pace(options.pace, started);
    }
  };

  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    void answer(request).then(async ([status, body]) => {
      const text = JSON.stringify(body);
      await paceBytes(options.pace, Buffer.byteLength(text));
      response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      response.end(text);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { host, port } = await listenOn(server, options.port, options.host);
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

/** Waits out the pace's per-call latency, counted from when the call arrived. */
async function pace(servicePace: ServicePace | undefined, startedMs: number): Promise<void> {
  const wait = (servicePace?.restCallLatencyMs ?? 0) - (performance.now() - startedMs);
  if (wait > 0) await sleep(wait, undefined, { ref: false });
}

/** Waits as long as a response of `bytes` takes at the pace's REST byte rate. */
async function paceBytes(servicePace: ServicePace | undefined, bytes: number): Promise<void> {
  const rate = servicePace?.restBytesPerSecond;
  if (rate) await sleep((bytes / rate) * 1000, undefined, { ref: false });
}

function pageRequest(query: URLSearchParams): PageRequest {
  const number = (key: string): number | undefined => {
    const text = query.get(key);
    if (text === null) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`Invalid value for ${key}: ${JSON.stringify(text)}`);
    return value;
  };
  return {
    location: query.get('location') ?? undefined,
    startIndex: number('startIndex'),
    pageToken: query.get('pageToken') ?? undefined,
    maxResults: number('maxResults'),
    timeoutMs: number('timeoutMs'),
    int64Timestamp: query.get('formatOptions.useInt64Timestamp') === 'true',
  };
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RestError(400, 'parseError', `Invalid JSON payload received. ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RestError(400, 'parseError', 'Invalid JSON payload received: expected an object');
  return parsed as Record<string, unknown>;
}

// The service's 401 body (Google's JSON APIs' "Login Required").
function checkToken(request: http.IncomingMessage, required: RestServerOptions['requireToken']): void {
  if (!required) return;
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1];
  const accepted = token !== undefined && (typeof required === 'string' ? token === required : typeof required !== 'function' || required(token));
  if (!accepted) {
    throw new RestError(401, 'required', token === undefined
      ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
      : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'Authorization');
  }
}
