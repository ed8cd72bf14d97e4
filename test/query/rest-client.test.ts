import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BigQueryApiError } from '../../src/query/errors.js';
import { BigQueryRestClient } from '../../src/query/rest-client.js';
import { resolveRestEndpoint } from '../../src/query/rest-endpoint.js';

// A loopback server that answers each request with the next of `replies` (status and body).
let replies: [number, unknown][] = [];
let seen: string[] = [];
let server: Server;
let client: BigQueryRestClient;

before(async () => {
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const [status, body] = replies.shift() ?? [500, { error: { message: 'no reply left' } }];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new BigQueryRestClient(resolveRestEndpoint({ apiEndpoint: `http://127.0.0.1:${port}` }, {}), { maxRetries: 2, initialBackoffMs: 1, maxBackoffMs: 2, backoffMultiplier: 2 }, 5_000);
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ref = { projectId: 'p', jobId: 'j', location: 'EU' };
const refusal = (status: number, reason: string) => [status, { error: { code: status, message: `${reason} happened`, errors: [{ reason, message: `${reason} happened` }] } }] as [number, unknown];

test('5xx answers and rateLimitExceeded are retried with backoff; the calls name the job\'s location', async () => {
  replies = [refusal(503, 'backendError'), refusal(403, 'rateLimitExceeded'), [200, { jobReference: ref, status: { state: 'DONE' } }]];
  seen = [];
  const job = await client.getJob(ref);
  assert.equal(job.status?.state, 'DONE');
  assert.deepEqual(seen, Array(3).fill('GET /bigquery/v2/projects/p/jobs/j?location=EU'));
});

test('a refusal is one BigQueryApiError with the reason, and a gRPC status that tells quota from permission', async () => {
  for (const [status, reason, grpc, retries] of [[403, 'quotaExceeded', 'RESOURCE_EXHAUSTED', 0], [403, 'accessDenied', 'PERMISSION_DENIED', 0], [404, 'notFound', 'NOT_FOUND', 0], [500, 'internalError', 'INTERNAL', 2]] as const) {
    replies = Array.from({ length: retries + 1 }, () => refusal(status, reason));
    seen = [];
    const err = await client.getJob(ref).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BigQueryApiError, String(err));
    assert.deepEqual([err.httpStatus, err.reason, err.status, seen.length], [status, reason, grpc, retries + 1]);
    assert.match(err.message, new RegExp(`^jobs.get failed: ${reason} happened$`));
  }
});

test('getQueryResults asks for exact TIMESTAMPs (formatOptions.useInt64Timestamp) and the rows it may hold', async () => {
  replies = [[200, { jobReference: ref, jobComplete: false }]];
  seen = [];
  await client.getQueryResults(ref, { maxResults: 10, timeoutMs: 100 });
  assert.deepEqual(seen, ['GET /bigquery/v2/projects/p/queries/j?maxResults=10&timeoutMs=100&location=EU&formatOptions.useInt64Timestamp=true']);
});
