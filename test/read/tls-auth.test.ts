import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { SessionCreateError } from '../../src/read/errors.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows } from '../helpers/canonical.js';
import { selfSignedCert } from '../helpers/tls.js';

describe('TLS and OAuth tokens, as against the real service', () => {
  const source = generateDemoTable({ rows: 1500, seed: 5, batchRows: 500 });
  let emulator: Emulator;
  let cert: string;

  before(async () => {
    const pair = selfSignedCert();
    cert = pair.cert;
    emulator = await startEmulator({ tables: [{ table: 'secure-proj.ds.t', data: source }], tls: pair, requireToken: 'ya29.token', maxBatchRows: 200 });
  });
  after(() => emulator.close());

  test('every worker sends the token from an authClient over its own TLS channel', async () => {
    let tokenRequests = 0;
    const authClient = { getAccessToken: async () => ((tokenRequests++), { token: 'ya29.token' }) };
    // One token for the session, then one per stream as it starts.
    const { table, session } = await readTableParallel('secure-proj.ds.t', {
      endpoint: `localhost:${emulator.port}`, tls: true, rootCertsPem: cert, authClient, workers: 2, maxStreams: 4,
    });
    assert.equal(session.streams.length, 4);
    assert.deepEqual(canonicalRows(table), canonicalRows(source));
    assert.equal(tokenRequests, 1 + session.streams.length);
  });

  test('a rejected token is UNAUTHENTICATED, named as such', async () => {
    await assert.rejects(
      readTableParallel('secure-proj.ds.t', { endpoint: `localhost:${emulator.port}`, tls: true, rootCertsPem: cert, token: 'wrong', workers: 1 }),
      (err: unknown) => err instanceof SessionCreateError && err.code === Status.UNAUTHENTICATED && /UNAUTHENTICATED/.test(err.message),
    );
  });
});
