import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadOptionsError } from '../../src/read/errors.js';
import { resolveQueryOptions } from '../../src/query/options.js';
import { BIGQUERY_API_ENDPOINT, resolveRestEndpoint } from '../../src/query/rest-endpoint.js';

test('the REST endpoint: --api-endpoint, else $BIGQUERY_EMULATOR_HOST (host:port is plain HTTP), else the service', async () => {
  assert.equal(resolveRestEndpoint({ apiEndpoint: 'http://127.0.0.1:9050/' }, {}).baseUrl, 'http://127.0.0.1:9050');
  assert.equal(resolveRestEndpoint({}, { BIGQUERY_EMULATOR_HOST: 'localhost:9050' }).baseUrl, 'http://localhost:9050');
  assert.equal(resolveRestEndpoint({ apiEndpoint: 'https://x.example:8443' }, { BIGQUERY_EMULATOR_HOST: 'localhost:9050' }).baseUrl, 'https://x.example:8443');
  assert.equal(resolveRestEndpoint({ token: 't' }, {}).baseUrl, BIGQUERY_API_ENDPOINT);
  // An emulator gets no credentials unless some are given; a token and a quota project are headers.
  assert.deepEqual(await resolveRestEndpoint({}, { BIGQUERY_EMULATOR_HOST: 'localhost:9050' }).headers(), {});
  assert.deepEqual(await resolveRestEndpoint({ token: 'secret', quotaProject: 'q' }, {}).headers(), { 'x-goog-user-project': 'q', authorization: 'Bearer secret' });
  const fromClient = resolveRestEndpoint({ authClient: { getAccessToken: () => Promise.resolve({ token: 'minted' }) } }, {});
  assert.deepEqual(await fromClient.headers(), { authorization: 'Bearer minted' });
  assert.throws(() => resolveRestEndpoint({ apiEndpoint: 'ftp://x:1' }, {}), /expected http\(s\):\/\/host:port/);
});

test('query options are checked, the destination read\'s with them, before a job is asked for', () => {
  const env = { GOOGLE_CLOUD_PROJECT: 'from-env' };
  const resolved = resolveQueryOptions('SELECT 1', { apiEndpoint: 'http://127.0.0.1:1', maximumBytesBilled: 10n ** 12n, labels: { team: 'etl' } }, env);
  assert.equal(resolved.project, 'from-env');
  assert.equal(resolved.maximumBytesBilled, '1000000000000');
  assert.equal(resolved.inlineMaxRows, 1_000);
  assert.equal(resolved.jobIdPrefix, 'bqread_');
  const refused = (options: Parameters<typeof resolveQueryOptions>[1], message: RegExp) =>
    assert.throws(() => resolveQueryOptions('SELECT 1', { apiEndpoint: 'http://127.0.0.1:1', ...options }, env), (e: unknown) => e instanceof ReadOptionsError && message.test(e.message));
  refused({ jobIdPrefix: 'a b' }, /jobIdPrefix/);
  refused({ maximumBytesBilled: -1 }, /maximumBytesBilled/);
  refused({ inlineMaxRows: 1.5 }, /inlineMaxRows/);
  refused({ workers: -1 }, /workers/);
  refused({ token: 't', authClient: { getAccessToken: () => Promise.resolve('x') } }, /cannot be used together/);
  refused({ samplePercentage: 5 } as Parameters<typeof resolveQueryOptions>[1], /say it in the SQL/);
});
