import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { SessionCreateError, StreamReadError } from '../../src/read/errors.js';
import { ReadPool } from '../../src/read/pool.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { eventually } from '../helpers/demo-emulator.js';
import { canonicalRows } from '../helpers/canonical.js';
import { selfSignedCert } from '../helpers/tls.js';

describe('TLS and OAuth tokens, as against the real service', () => {
  const source = generateDemoTable({ rows: 1500, seed: 5, batchRows: 500 });
  let emulator: Emulator;
  let cert: string;

  before(async () => {
    const pair = selfSignedCert();
    cert = pair.cert;
    // No minimum storage block: the test counts a token per stream of this small table.
    emulator = await startEmulator({ tables: [{ table: 'secure-proj.ds.t', data: source }], tls: pair, requireToken: 'ya29.token', maxBatchRows: 200, storageBlockBytes: 0 });
  });
  after(() => emulator.close());

  test('every worker sends the token from an authClient over its own TLS channel', async () => {
    let tokenRequests = 0;
    const authClient = { getAccessToken: () => Promise.resolve((tokenRequests++, { token: 'ya29.token' })) };
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

describe('tokens from an authClient are fetched for every connect, so expiry mid-read is not fatal', () => {
  const source = generateDemoTable({ rows: 3000, seed: 9, batchRows: 500 });
  let emulator: Emulator;
  /** The one token the emulator accepts; it expires after `lifetime` calls have used it. */
  let current = 'tok-1';
  let lifetime = Infinity;
  let generation = 1;

  before(async () => {
    emulator = await startEmulator({
      tables: [{ table: 'rotating-proj.ds.t', data: source }],
      maxBatchRows: 200,
      // No minimum storage block: the first test counts the token's calls over 3 streams of this small table.
      storageBlockBytes: 0,
      requireToken: (token) => {
        if (token !== current) return false;
        // Checked at each call's start: the call that uses the last of the lifetime goes on.
        if (--lifetime === 0) current = `tok-${++generation}`;
        return true;
      },
    });
  });
  after(() => emulator.close());
  const expireAfter = (calls: number) => {
    current = `tok-${++generation}`;
    lifetime = calls;
    return current;
  };
  const table = 'rotating-proj.ds.t';
  const fastRetry = { initialBackoffMs: 1, maxBackoffMs: 5 };

  test('streams that reconnect after their token expired get a fresh one, and the read is exact', async () => {
    // The session and the 3 streams' first calls use the first token; then it expires.
    const first = expireAfter(4);
    const handedOut: string[] = [];
    const authClient = { getAccessToken: () => Promise.resolve((handedOut.push(current), { token: current })) };
    emulator.addFault({ kind: 'drop', afterResponses: 2, times: 3 });
    try {
      const { table: read, stats } = await readTableParallel(table, { endpoint: emulator.address, authClient, workers: 2, maxStreams: 3, retry: fastRetry });
      assert.deepEqual(canonicalRows(read), canonicalRows(source));
      assert.ok(stats.retries >= 1, `streams reconnected (${stats.retries} retries)`);
      assert.ok(handedOut.some((t) => t !== first), 'a fresh token was fetched for the reconnect');
    } finally {
      emulator.clearFaults();
    }
  });

  test('an UNAUTHENTICATED right after a token expired is retried once with a fresh token', async () => {
    const first = expireAfter(2);
    let staleOnce = true;
    // A token cache that hands out the expired token once more, then the new one.
    const authClient = {
      getAccessToken: () => {
        if (current !== first && staleOnce) {
          staleOnce = false;
          return Promise.resolve({ token: first });
        }
        return Promise.resolve({ token: current });
      },
    };
    emulator.addFault({ kind: 'drop', afterResponses: 1, times: 1 });
    try {
      const { table: read, stats } = await readTableParallel(table, { endpoint: emulator.address, authClient, workers: 1, maxStreams: 1, retry: fastRetry });
      assert.equal(read.numRows, 3000);
      assert.equal(staleOnce, false, 'the stale token was handed out');
      assert.equal(stats.retries, 2, 'one for the drop, one for the stale token');
    } finally {
      emulator.clearFaults();
    }
  });

  test('a new token for every call still shares one channel per worker thread', async () => {
    // Each read is given a token of its own, as an auth client refreshing between reads would.
    const authClient = { getAccessToken: () => Promise.resolve({ token: current }) };
    const pool = new ReadPool({ workers: 1 });
    try {
      for (let read = 0; read < 3; read++) {
        expireAfter(Infinity);
        const { table: got } = await readTableParallel(table, { endpoint: emulator.address, authClient, pool, maxStreams: 4, selectedFields: ['id'] });
        assert.equal(got.numRows, 3000);
      }
      assert.ok(await eventually(() => emulator.openConnections() === 1), `one connection for the one worker (got ${emulator.openConnections()})`);
    } finally {
      await pool.close();
    }
  });

  test('a token that keeps being refused ends the read as UNAUTHENTICATED, without the token in the error', async () => {
    const first = expireAfter(2);
    emulator.addFault({ kind: 'drop', afterResponses: 1, times: 1 });
    try {
      await assert.rejects(
        readTableParallel(table, {
          endpoint: emulator.address, authClient: { getAccessToken: () => Promise.resolve(first) }, workers: 1, maxStreams: 1, retry: fastRetry,
        }),
        (err: unknown) => err instanceof StreamReadError && err.code === Status.UNAUTHENTICATED && !err.message.includes(first),
      );
    } finally {
      emulator.clearFaults();
    }
  });
});
