import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMULATOR_HOST_ENV, READ_API_ENDPOINT, resolveConnection } from '../../src/client/connection.js';
import { formatRoutingHeader, parseRoutingHeader } from '../../src/protocol/routing.js';
import { ReadApiClient } from '../../src/client/read-client.js';

test('with no endpoint and no emulator variable: the real service over TLS with Google credentials', () => {
  const c = resolveConnection({}, {});
  assert.equal(c.endpoint, READ_API_ENDPOINT);
  assert.equal(c.tls, true);
  assert.deepEqual(c.auth, { kind: 'google', keyFilename: undefined, credentials: undefined });
});

test('BIGQUERY_STORAGE_EMULATOR_HOST means a plaintext emulator without credentials', () => {
  const c = resolveConnection({}, { [EMULATOR_HOST_ENV]: '127.0.0.1:9060' });
  assert.equal(c.endpoint, '127.0.0.1:9060');
  assert.equal(c.tls, false);
  assert.deepEqual(c.auth, { kind: 'none' });
});

test('an explicit endpoint wins over the variable; tls and token can be asked for', () => {
  const c = resolveConnection({ endpoint: 'localhost:1234', tls: true, token: 't0k' }, { [EMULATOR_HOST_ENV]: '127.0.0.1:9060' });
  assert.equal(c.endpoint, 'localhost:1234');
  assert.equal(c.tls, true);
  assert.deepEqual(c.auth, { kind: 'token', token: 't0k' });
  assert.equal(resolveConnection({ endpoint: '[::1]:9060' }, {}).endpoint, '[::1]:9060');
});

test('a malformed endpoint is refused with its text', () => {
  assert.throws(() => resolveConnection({ endpoint: 'http://x:1' }, {}), /bad endpoint "http:\/\/x:1"/);
  assert.throws(() => resolveConnection({ endpoint: 'host' }, {}), /expected host:port/);
});

test('the routing header is URL-encoded like Google clients send it, and parses back', () => {
  const header = formatRoutingHeader({ 'read_session.table': 'projects/p/datasets/d/tables/t' });
  assert.equal(header, 'read_session.table=projects%2Fp%2Fdatasets%2Fd%2Ftables%2Ft');
  assert.equal(parseRoutingHeader(header).get('read_session.table'), 'projects/p/datasets/d/tables/t');
  assert.equal(parseRoutingHeader('a=1&read_stream=projects/p/x').get('read_stream'), 'projects/p/x');
});

test('Google credentials are refused on a plaintext channel, accepted (lazily) on TLS', () => {
  const google = { kind: 'google', keyFilename: '/nonexistent/key.json' } as const;
  assert.throws(() => new ReadApiClient({ endpoint: '127.0.0.1:1', tls: false, auth: google }), /need a TLS channel/);
  // Building the channel loads no credentials and sends nothing until a call is made.
  new ReadApiClient({ endpoint: '127.0.0.1:1', tls: true, auth: google }).close();
});
