import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import type { Emulator } from '../../src/emulator/server.js';
import {
  describeStatus,
  EndpointUnreachableError,
  ReadAbortedError,
  ReadOptionsError,
  SessionCreateError,
  SessionExpiredError,
} from '../../src/read/errors.js';
import { ReadPool } from '../../src/read/pool.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { DEMO, demoEmulator, eventually } from '../helpers/demo-emulator.js';

describe('bad input gets a clear error', () => {
  let emulator: Emulator;
  let pool: ReadPool;

  before(async () => {
    ({ emulator } = await demoEmulator(2000));
    pool = new ReadPool({ workers: 1 });
  });
  after(async () => {
    await pool.close();
    await emulator.close();
  });

  const opts = () => ({ endpoint: emulator.address, pool });

  test('a malformed table name', async () => {
    await assert.rejects(readTableParallel('just-a-table', opts()), (err: unknown) =>
      err instanceof ReadOptionsError && /bad table name "just-a-table"/.test(err.message));
    await assert.rejects(readTableParallel('Bad_Project.ds.t', opts()), /invalid project id "Bad_Project"/);
  });

  test('an unknown table is NOT_FOUND', async () => {
    await assert.rejects(readTableParallel('test-project.ds.nope', opts()), (err: unknown) =>
      err instanceof SessionCreateError && err.code === Status.NOT_FOUND && /Not found: Table test-project:ds\.nope/.test(err.message));
  });

  test('an unknown column and a bad filter are INVALID_ARGUMENT naming them', async () => {
    await assert.rejects(readTableParallel(DEMO, { ...opts(), selectedFields: ['id', 'no_such_col'] }), (err: unknown) =>
      err instanceof SessionCreateError && err.code === Status.INVALID_ARGUMENT && /no_such_col/.test(err.message));
    await assert.rejects(readTableParallel(DEMO, { ...opts(), rowRestriction: 'id >>> 3' }), (err: unknown) =>
      err instanceof SessionCreateError && err.code === Status.INVALID_ARGUMENT && /row_restriction/.test(err.message));
  });

  test('options that cannot work fail before anything is sent', async () => {
    await assert.rejects(readTableParallel(DEMO, { ...opts(), maxStreams: -1 }), ReadOptionsError);
    await assert.rejects(readTableParallel(DEMO, { ...opts(), samplePercentage: 0 }), ReadOptionsError);
    await assert.rejects(readTableParallel(DEMO, { ...opts(), compression: 'gzip' as 'lz4' }), ReadOptionsError);
    await assert.rejects(readTableParallel(DEMO, { endpoint: 'no-port-here' }), /bad endpoint "no-port-here"/);
  });

  test('an unreachable endpoint fails fast, without hanging', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();
    await assert.rejects(readTableParallel(DEMO, { endpoint: `127.0.0.1:${port}`, pool, sessionTimeoutMs: 10_000 }), (err: unknown) =>
      err instanceof EndpointUnreachableError && err.code === Status.UNAVAILABLE && err.message.includes(`127.0.0.1:${port}`));
    assert.ok(Date.now() - started < 8000);
  });

  test('an expired session fails with a SessionExpiredError (FAILED_PRECONDITION), not a hang or a retry loop', async () => {
    const { emulator: shortLived } = await demoEmulator(500, { sessionLifetimeMs: 1 });
    try {
      await assert.rejects(readTableParallel(DEMO, { endpoint: shortLived.address, pool }), (err: unknown) =>
        err instanceof SessionExpiredError && err.code === Status.FAILED_PRECONDITION && /session expired at/.test(err.message)
        && /read the table again: a new session/.test(err.message) && err.session.includes('/sessions/'));
    } finally {
      await shortLived.close();
    }
  });

  test('aborting while the session is being created ends at once', async () => {
    // A peer that accepts TCP and never answers: CreateReadSession would wait for its deadline.
    const silent = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('shutting down')), 300);
      const started = Date.now();
      await assert.rejects(
        readTableParallel(DEMO, {
          endpoint: `127.0.0.1:${(silent.address() as net.AddressInfo).port}`, pool, signal: controller.signal, sessionTimeoutMs: 30_000,
        }),
        (err: unknown) => err instanceof ReadAbortedError && /shutting down/.test(err.message),
      );
      assert.ok(Date.now() - started < 5000, 'did not wait for the session deadline');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('aborting stops the read, cancels the streams and frees the pool', async () => {
    emulator.addFault({ kind: 'delay', delayMs: 20 });
    try {
      const baseline = emulator.openConnections();
      const controller = new AbortController();
      const stream = readBatches(DEMO, { endpoint: emulator.address, workers: 2, maxStreams: 4, signal: controller.signal });
      let batches = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of stream) if (++batches === 2) controller.abort(new Error('user gave up'));
        })(),
        (err: unknown) => err instanceof ReadAbortedError && /user gave up/.test(err.message),
      );
      assert.ok(await eventually(() => emulator.openConnections() <= baseline));
    } finally {
      emulator.clearFaults();
    }
  });
});

test('a status description drops the empty "Resolution note:" grpc-js ends a failed connection with', () => {
  const details = 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ';
  assert.equal(describeStatus(Status.UNAVAILABLE, details), 'UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1.');
  assert.equal(describeStatus(Status.UNAVAILABLE, 'No addresses resolved. Resolution note: DNS lookup failed'),
    'UNAVAILABLE: No addresses resolved. Resolution note: DNS lookup failed');
});
