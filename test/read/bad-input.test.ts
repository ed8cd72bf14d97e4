import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { BqReadError, EndpointUnreachableError, ReadOptionsError, SessionCreateError, StreamReadError, TableReferenceError } from '../../src/read/errors.js';
import type { ReadOptions } from '../../src/read/options.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { selfSignedCert } from '../helpers/tls.js';

/** Settles with the error, or 'hung' if it takes longer than any clear failure could. */
async function failureOf(read: Promise<unknown>): Promise<unknown> {
  const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 30_000).unref());
  return Promise.race([read.then(() => 'resolved', (err: unknown) => err), hung]);
}

describe('the bad-input matrix: one clear error each, and no hang', () => {
  let emulator: Emulator;
  let tlsEmulator: Emulator;
  let cert: string;

  before(async () => {
    ({ emulator } = await demoEmulator(1000));
    const pair = selfSignedCert();
    cert = pair.cert;
    tlsEmulator = await startEmulator({ tables: [{ table: DEMO, data: generateDemoTable({ rows: 500 }) }], tls: pair, requireToken: 'right-token' });
  });
  after(async () => {
    await emulator.close();
    await tlsEmulator.close();
  });

  const plain = (extra: ReadOptions = {}): ReadOptions => ({ endpoint: emulator.address, workers: 1, sessionTimeoutMs: 10_000, ...extra });

  const tableNames = ['', 'nodots', 'a.b', 'p.d.t.x', 'Bad_Project.ds.t', 'proj.bad-dataset!.t', 'projects/p/datasets/d', 'proj:ds'];
  for (const name of tableNames) {
    test(`table name ${JSON.stringify(name)}`, async () => {
      const err = await failureOf(readTableParallel(name, plain()));
      assert.ok(err instanceof TableReferenceError, String(err));
      assert.match((err as Error).message, /bad table name/);
    });
  }

  const badOptions: [string, ReadOptions, RegExp][] = [
    ['empty column name', { selectedFields: [''] }, /selectedFields must be non-empty/],
    ['negative maxStreams', { maxStreams: -1 }, /maxStreams must be a non-negative integer/],
    ['maxStreams over the service limit', { maxStreams: 1001 }, /at most 1000/],
    ['fractional workers', { workers: 1.5 }, /workers must be a non-negative integer/],
    ['the calling thread with heap limits', { workers: 0, workerResourceLimits: { maxOldGenerationSizeMb: 64 } }, /workers: 0 reads on the calling thread, which workerResourceLimits cannot limit/],
    ['zero concurrency', { concurrency: 0 }, /concurrency must be a positive integer/],
    ['zero budget', { maxBufferedBytes: 0 }, /maxBufferedBytes must be a positive integer/],
    ['sample of 0', { samplePercentage: 0 }, /samplePercentage must be in \(0, 100\]/],
    ['sample over 100', { samplePercentage: 101 }, /samplePercentage/],
    ['unknown compression', { compression: 'gzip' as 'lz4' }, /compression must be lz4, zstd or none/],
    ['invalid snapshot time', { snapshotTime: 'yesterday-ish' }, /snapshotTime is not a valid time/],
    ['negative retries', { retry: { maxRetries: -1 } }, /retry.maxRetries/],
    ['backoff ceiling below its start', { retry: { initialBackoffMs: 100, maxBackoffMs: 10 } }, /initialBackoffMs <= maxBackoffMs/],
    ['zero session timeout', { sessionTimeoutMs: 0 }, /sessionTimeoutMs/],
    ['negative worker restarts', { maxWorkerRestarts: -1 }, /maxWorkerRestarts/],
    ['endpoint without a port', { endpoint: 'localhost' }, /bad endpoint "localhost"/],
    ['endpoint as a URL', { endpoint: 'http://localhost:9060' }, /bad endpoint/],
  ];
  for (const [name, options, message] of badOptions) {
    test(`option: ${name}`, async () => {
      const sessionsBefore = emulator.stats.sessionsCreated;
      const err = await failureOf(readTableParallel(DEMO, plain(options)));
      assert.ok(err instanceof ReadOptionsError, String(err));
      assert.match((err as Error).message, message);
      assert.equal(emulator.stats.sessionsCreated, sessionsBefore, 'nothing was sent');
    });
  }

  const refused: [string, ReadOptions, number, RegExp][] = [
    ['unknown column', { selectedFields: ['id', 'nope'] }, Status.INVALID_ARGUMENT, /nope/],
    ['unknown nested field', { selectedFields: ['rec.nope'] }, Status.INVALID_ARGUMENT, /rec\.nope/],
    ['SQL syntax error', { rowRestriction: 'id = = 3' }, Status.INVALID_ARGUMENT, /row_restriction/],
    ['unknown column in SQL', { rowRestriction: 'nope > 3' }, Status.INVALID_ARGUMENT, /nope/],
    ['type mismatch in SQL', { rowRestriction: "id = 'abc'" }, Status.INVALID_ARGUMENT, /row_restriction/],
    ['snapshot in the future', { snapshotTime: Date.now() + 3_600_000 }, Status.INVALID_ARGUMENT, /future/],
    ['snapshot before the time-travel window', { snapshotTime: Date.now() - 8 * 24 * 3_600_000 }, Status.INVALID_ARGUMENT, /time travel/],
  ];
  for (const [name, options, code, message] of refused) {
    test(`refused by the service: ${name}`, async () => {
      const err = await failureOf(readTableParallel(DEMO, plain(options)));
      assert.ok(err instanceof SessionCreateError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.equal(err.table, 'projects/test-project/datasets/ds/tables/demo');
    });
  }

  test('TLS to a plaintext endpoint: unreachable, named, bounded', async () => {
    const err = await failureOf(readTableParallel(DEMO, plain({ tls: true, rootCertsPem: cert })));
    assert.ok(err instanceof EndpointUnreachableError, String(err));
    assert.equal(err.code, Status.UNAVAILABLE);
    assert.match(err.message, new RegExp(emulator.address));
  });

  test('plaintext to a TLS endpoint: unreachable, named, bounded', async () => {
    const err = await failureOf(readTableParallel(DEMO, { endpoint: `localhost:${tlsEmulator.port}`, workers: 1, token: 'right-token', sessionTimeoutMs: 10_000 }));
    assert.ok(err instanceof EndpointUnreachableError, String(err));
    assert.equal(err.code, Status.UNAVAILABLE);
  });

  test('TLS with an untrusted certificate: unreachable, not a hang', async () => {
    const err = await failureOf(readTableParallel(DEMO, { endpoint: `localhost:${tlsEmulator.port}`, tls: true, workers: 1, token: 'right-token', sessionTimeoutMs: 10_000 }));
    assert.ok(err instanceof EndpointUnreachableError, String(err));
  });

  test('a wrong token, and none at all, are UNAUTHENTICATED without the token in the message', async () => {
    const tls = { endpoint: `localhost:${tlsEmulator.port}`, tls: true, rootCertsPem: cert, workers: 1 };
    const wrong = await failureOf(readTableParallel(DEMO, { ...tls, token: 'wrong-secret-token' }));
    assert.ok(wrong instanceof SessionCreateError && wrong.code === Status.UNAUTHENTICATED, String(wrong));
    assert.ok(!wrong.message.includes('wrong-secret-token'));
    const none = await failureOf(readTableParallel(DEMO, tls));
    assert.ok(none instanceof BqReadError && none.code === Status.UNAUTHENTICATED, String(none));
    const { table } = await readTableParallel(DEMO, { ...tls, token: 'right-token' });
    assert.equal(table.numRows, 500, 'the right token reads');
  });

  test('a corrupted Arrow payload is DATA_LOSS naming the stream and offset', async () => {
    emulator.addFault({ kind: 'corrupt', afterResponses: 1, stream: 0 });
    try {
      const err = await failureOf(readTableParallel(DEMO, plain({ maxStreams: 2 })));
      assert.ok(err instanceof StreamReadError, String(err));
      assert.equal(err.code, Status.DATA_LOSS);
      assert.equal(err.offset, 250, 'the rows before the corrupt response were delivered');
    } finally {
      emulator.clearFaults();
    }
  });
});
