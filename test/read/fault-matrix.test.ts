import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import type { Emulator } from '../../src/emulator/server.js';
import type { FaultSpec } from '../../src/emulator/faults.js';
import { BqReadError, StreamReadError } from '../../src/read/errors.js';
import { ReadPool } from '../../src/read/pool.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { leftOver, liveResources } from '../helpers/leaks.js';
import { threadsOf } from '../helpers/pool-threads.js';

// 8 streams of 750 rows, 250 rows a response: a fault after 1 or 2 responses lands mid-stream.
const ROWS = 6000;
const STREAMS = 8;
// More retries than the combined test's cuts and faults, so no stream can run out of them.
const FAST_RETRY = { initialBackoffMs: 1, maxBackoffMs: 20, maxRetries: 40 };

/** What the matrix did, for the closing note: printed as a diagnostic at the end. */
const tally = { faults: new Map<string, number>(), cuts: 0, workerDeaths: 0, readsVerified: 0, rowsVerified: 0 };
const count = (kind: string, n = 1) => tally.faults.set(kind, (tally.faults.get(kind) ?? 0) + n);

const TRANSIENT: Record<string, (stream: number) => FaultSpec> = {
  UNAVAILABLE: (stream) => ({ kind: 'error', code: 'UNAVAILABLE', afterResponses: 1 + (stream % 2), stream }),
  'INTERNAL RST_STREAM': (stream) => ({ kind: 'error', code: 'INTERNAL', message: 'Received RST_STREAM with code 2', afterResponses: 2, stream }),
  'INTERNAL unexpected EOS': (stream) => ({ kind: 'error', code: 'INTERNAL', message: 'Received unexpected EOS on DATA frame from server.', afterResponses: 1, stream }),
  'RESOURCE_EXHAUSTED + RetryInfo': (stream) => ({ kind: 'error', code: 'RESOURCE_EXHAUSTED', retryDelayMs: 30, afterResponses: 1, stream }),
  drop: (stream) => ({ kind: 'drop', afterResponses: 2, stream }),
  delay: (stream) => ({ kind: 'delay', delayMs: 3, stream }),
  throttle: (stream) => ({ kind: 'throttle', throttlePercent: 25, stream }),
};

const PERMANENT: [string, FaultSpec, number][] = [
  ['NOT_FOUND', { kind: 'error', code: 'NOT_FOUND', message: 'stream gone', afterResponses: 2, stream: 3 }, Status.NOT_FOUND],
  ['INVALID_ARGUMENT', { kind: 'error', code: 'INVALID_ARGUMENT', message: 'bad offset', afterResponses: 1, stream: 5 }, Status.INVALID_ARGUMENT],
  ['PERMISSION_DENIED', { kind: 'error', code: 'PERMISSION_DENIED', message: 'no getData', afterResponses: 2, stream: 1 }, Status.PERMISSION_DENIED],
  ['INTERNAL, not a transport message', { kind: 'error', code: 'INTERNAL', message: 'backend bug', afterResponses: 1, stream: 2 }, Status.INTERNAL],
  ['RESOURCE_EXHAUSTED without RetryInfo', { kind: 'error', code: 'RESOURCE_EXHAUSTED', message: 'quota', afterResponses: 1, stream: 4 }, Status.RESOURCE_EXHAUSTED],
  ['DATA_LOSS (a corrupt batch)', { kind: 'corrupt', afterResponses: 2, stream: 6 }, Status.DATA_LOSS],
];

describe('the fault matrix: every injectable fault, per stream and many at once, with cuts and worker deaths', () => {
  let emulator: Emulator;
  let source: import('apache-arrow').Table;
  let expected: ReturnType<typeof canonicalRows>;

  before(async () => {
    ({ emulator, source } = await demoEmulator(ROWS));
    expected = canonicalRows(source);
  });
  after(async () => {
    await emulator.close();
    const faults = [...tally.faults].map(([k, n]) => `${k} ${n}`).join(', ');
    process.stderr.write(`fault matrix: faults injected: ${faults}; connection cuts ${tally.cuts}; worker deaths ${tally.workerDeaths}; reads verified ${tally.readsVerified}; rows verified ${tally.rowsVerified}\n`);
  });

  async function exactRead(options: { endpoint: string; pool?: ReadPool; compression?: 'lz4' | 'zstd' | 'none'; onProgress?: (p: { rows: number }) => void }) {
    const baseline = liveResources();
    const { table, stats } = await readTableParallel(DEMO, {
      maxStreams: STREAMS, retry: FAST_RETRY, ...(options.pool ? {} : { workers: 2 }), ...options,
    });
    const got = canonicalRows(table);
    assert.equal(rowsById(got).size, ROWS, 'no row lost or doubled');
    assert.deepEqual(got, expected);
    tally.readsVerified++;
    tally.rowsVerified += got.length;
    if (!options.pool) assert.equal(await leftOver(baseline), '', 'nothing of the read is left running');
    return stats;
  }

  for (const [name, fault] of Object.entries(TRANSIENT)) {
    test(`${name} on one stream, then on every stream at once: exact`, async () => {
      try {
        emulator.addFault(fault(0));
        count(name);
        const one = await exactRead({ endpoint: emulator.address });
        for (let s = 0; s < STREAMS; s++) emulator.addFault(fault(s));
        count(name, STREAMS);
        const all = await exactRead({ endpoint: emulator.address, compression: 'lz4' });
        if (name === 'throttle') assert.equal(all.maxThrottlePercent, 25);
        else if (name !== 'delay') {
          assert.ok(one.retries >= 1, `one stream resumed (${one.retries})`);
          assert.ok(all.retries >= STREAMS, `every stream resumed (${all.retries})`);
        }
      } finally {
        emulator.clearFaults();
      }
    });
  }

  test('every transient fault at once, through a proxy that cuts connections, while worker threads are killed: exact', async () => {
    const proxy = await startCuttingProxy(emulator.address, { seed: 7, minBytes: 150_000, maxBytes: 750_000, maxCuts: 25 });
    const pool = new ReadPool({ workers: 2 });
    try {
      for (const [compression, round] of [['none', 0], ['zstd', 1]] as const) {
        Object.entries(TRANSIENT).forEach(([name, fault], i) => {
          emulator.addFault(fault((i + round) % STREAMS));
          count(name);
        });
        let kills = 0;
        // The threads this read starts on: each has loaded and read by the time it is killed (a
        // thread killed while still loading its modules can abort the whole process).
        const victims = [...threadsOf(pool)];
        const before = proxy.cuts;
        const stats = await exactRead({
          endpoint: proxy.address, pool, compression,
          onProgress: (p) => {
            // Two deaths a read, at different points.
            if ((kills === 0 && p.rows > ROWS / 4) || (kills === 1 && p.rows > ROWS / 2)) {
              void victims[kills++]?.terminate();
            }
          },
        });
        emulator.clearFaults();
        tally.cuts += proxy.cuts - before;
        tally.workerDeaths += kills;
        assert.equal(kills, 2);
        assert.ok(stats.workerRestarts >= 1, `streams resumed after deaths (${stats.workerRestarts})`);
      }
    } finally {
      emulator.clearFaults();
      await pool.close();
      await proxy.close();
    }
  });

  for (const [name, fault, code] of PERMANENT) {
    test(`${name} ends the read with an error naming table, stream, offset and status, and leaves nothing running`, async () => {
      // A slow stream alongside, so the permanent error must cut other work short.
      emulator.addFault({ kind: 'delay', delayMs: 20, stream: 0 });
      emulator.addFault(fault);
      count(name);
      const baseline = liveResources();
      try {
        const err = await readTableParallel(DEMO, { endpoint: emulator.address, maxStreams: STREAMS, workers: 2, retry: FAST_RETRY }).then(
          () => assert.fail('the read should fail'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof StreamReadError && err instanceof BqReadError, String(err));
        assert.equal(err.code, code);
        assert.equal(err.status, Status[code]);
        assert.equal(err.table, 'projects/test-project/datasets/ds/tables/demo');
        assert.match(err.stream!, /\/streams\//);
        assert.ok(Number.isInteger(err.offset) && err.offset! > 0, `offset ${err.offset}`);
        assert.equal(err.retryable, false);
        assert.match(err.message, new RegExp(`${Status[code]}.*at row|at row.*${Status[code]}`));
        assert.equal(await leftOver(baseline), '', 'nothing of the failed read is left running');
      } finally {
        emulator.clearFaults();
      }
    });
  }
});
