import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { status as Status } from '@grpc/grpc-js';
import { tableFromArrays } from 'apache-arrow';
import type { ReadApiClient } from '../../src/client/read-client.js';
import type { ReadSession } from '../../src/protocol/messages.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { canonicalRows } from '../helpers/canonical.js';
import { eventually } from '../helpers/demo-emulator.js';
import { drain, emulatorClient, readSession, readStream, sessionRequest, tablePath } from '../helpers/read-api.js';

/** A full collection, so heap figures mean live objects (node --test runs files without --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Runs `task(0..count-1)`, `width` at a time. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

describe('sessions expire without another session being created', () => {
  test('the sweep timer releases expired sessions; their readers still hear that they expired', async () => {
    const emulator = await startEmulator({ tables: [{ table: 'test-project.ds.t', data: generateDemoTable({ rows: 200, seed: 3 }) }], sessionLifetimeMs: 100 });
    const client = emulatorClient(emulator);
    try {
      const sessions = [];
      for (let i = 0; i < 5; i++) sessions.push(await client.createReadSession(sessionRequest(tablePath('t'), {}, { maxStreamCount: 1 })));
      assert.ok(emulator.stats.liveSessions > 0);
      assert.ok(await eventually(() => emulator.stats.liveSessions === 0), `released (${emulator.stats.liveSessions} live)`);
      assert.equal(emulator.stats.sessionsCreated, 5, 'no session was created to trigger it');
      const late = await readStream(client, sessions[0]!.streams[0]!.name);
      assert.equal(late.error?.code, Status.FAILED_PRECONDITION);
      assert.match(late.error.details, /session expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    } finally {
      client.close();
      await emulator.close();
    }
  });
});

describe('past maxSessions', () => {
  test('the least recently used session goes: one read since stays, one left alone goes', async () => {
    const emulator = await startEmulator({ tables: [{ table: 'test-project.ds.t', data: generateDemoTable({ rows: 100, seed: 2 }) }], maxSessions: 3 });
    const client = emulatorClient(emulator);
    const create = () => client.createReadSession(sessionRequest(tablePath('t'), {}, { maxStreamCount: 1 }));
    try {
      const a = await create();
      const b = await create();
      await create();
      assert.equal((await readStream(client, a.streams[0]!.name)).error, undefined);
      await create();
      assert.equal(emulator.stats.liveSessions, 3);
      assert.equal(emulator.stats.sessionsEvicted, 1);
      assert.equal((await readStream(client, a.streams[0]!.name)).error, undefined, 'a was used after b');
      const late = await readStream(client, b.streams[0]!.name);
      assert.equal(late.error?.code, Status.FAILED_PRECONDITION);
      assert.match(late.error.details, /session expired at .*the emulator keeps at most 3 sessions/);
    } finally {
      client.close();
      await emulator.close();
    }
  });
});

test('bounds that cannot work are refused at start', async () => {
  await assert.rejects(startEmulator({ maxSessions: 0 }), /maxSessions must be a positive integer/);
  await assert.rejects(startEmulator({ maxEncodedBytes: -1 }), /maxEncodedBytes must be a non-negative number/);
});

describe("a user's test suite: thousands of sessions, filtered and projected, most never read", () => {
  const MAX_SESSIONS = 200;
  const MAX_ENCODED_BYTES = 1024 * 1024;
  const SESSIONS = 3000;
  const source = generateDemoTable({ rows: 1000, seed: 13, batchRows: 250 });
  const columns = [['id', 'f_string'], ['id', 'rec.a', 'f_numeric'], ['id', 'f_timestamp', 'r_int64'], []];
  let emulator: Emulator;
  let client: ReadApiClient;

  before(async () => {
    emulator = await startEmulator({
      tables: [{ table: 'test-project.ds.events', data: source }], maxBatchRows: 100, maxSessions: MAX_SESSIONS, maxEncodedBytes: MAX_ENCODED_BYTES,
    });
    client = emulatorClient(emulator);
  });
  after(async () => {
    client.close();
    await emulator.close();
  });

  test('live sessions and cached encodings stay within their bounds, and so does the heap', async () => {
    const gc = collector();
    const request = (i: number) =>
      sessionRequest(tablePath('events'), { rowRestriction: `id >= ${i % 500}`, selectedFields: columns[i % columns.length] }, { maxStreamCount: 2 });
    // Warm up (codecs, compiled code) before the baseline.
    await readSession(client, await client.createReadSession(request(0)));
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    let peakLive = 0;
    let peakEncoded = 0;
    let readRows = 0;
    await inParallel(SESSIONS, 8, async (i) => {
      const session = await client.createReadSession(request(i));
      // One session in 25 is read, the rest only created (a schema check, a plan), as suites do.
      if (i % 25 === 0) {
        for (const batch of await readSession(client, session)) readRows += batch.numRows;
      }
      peakLive = Math.max(peakLive, emulator.stats.liveSessions);
      peakEncoded = Math.max(peakEncoded, emulator.stats.encodedBytes);
    });

    const { stats } = emulator;
    assert.equal(stats.sessionsCreated, SESSIONS + 1);
    assert.ok(peakLive <= MAX_SESSIONS, `peak ${peakLive} live sessions`);
    assert.equal(stats.liveSessions, MAX_SESSIONS);
    assert.equal(stats.sessionsEvicted, SESSIONS + 1 - MAX_SESSIONS);
    assert.ok(peakEncoded <= MAX_ENCODED_BYTES, `peak ${peakEncoded} encoded bytes`);
    assert.ok(stats.cachedEncodings > 0 && stats.cachedEncodings < SESSIONS / 25, `${stats.cachedEncodings} cached encodings`);
    assert.ok(readRows > 0);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    // Each filtered session holding its own encoding (about 100 KiB here) would be hundreds of MiB.
    assert.ok(grown < 48 * 1024 * 1024, `heap grew ${(grown / 1048576).toFixed(1)} MiB`);

    // A session left unread while the suite goes on is let go: reading it then fails as an expired
    // session does, saying why.
    const abandoned = await client.createReadSession(request(1));
    for (let i = 0; i < MAX_SESSIONS; i++) await client.createReadSession(request(i));
    const late = await readStream(client, abandoned.streams[0]!.name);
    assert.equal(late.error?.code, Status.FAILED_PRECONDITION);
    assert.match(late.error.details, /session expired at .*at most 200 sessions/);
  });
});

describe("a large filtered session's encoding does not hold up other calls", () => {
  const BIG_ROWS = 400_000;
  let emulator: Emulator;
  let client: ReadApiClient;

  before(async () => {
    const id = BigInt64Array.from({ length: BIG_ROWS }, (_, i) => BigInt(i));
    const half = Float64Array.from({ length: BIG_ROWS }, (_, i) => i / 2);
    emulator = await startEmulator({
      tables: [
        { table: 'test-project.ds.big', data: tableFromArrays({ id, half }) },
        { table: 'test-project.ds.small', data: generateDemoTable({ rows: 50, seed: 1 }) },
      ],
      maxBatchRows: 250,
    });
    client = emulatorClient(emulator);
  });
  after(async () => {
    client.close();
    await emulator.close();
  });

  test('a small session is created and read while the big one is still being encoded', async () => {
    const big = await client.createReadSession(sessionRequest(tablePath('big'), { rowRestriction: 'id >= 10 AND half < 150000' }, { maxStreamCount: 1 }));
    const bigRead = drain(client.readRows(big.streams[0]!.name, 0));
    // Polled once per event-loop turn: the encoding has begun, and is far from done.
    while (emulator.stats.unitsEncoded === 0) await new Promise((resolve) => setImmediate(resolve));

    const small = await client.createReadSession(sessionRequest(tablePath('small'), { rowRestriction: 'id < 20' }, { maxStreamCount: 1 }));
    const smallRows = (await readSession(client, small)).reduce((n, b) => n + b.numRows, 0);
    const unitsWhenSmallDone = emulator.stats.unitsEncoded;

    const read = await bigRead;
    assert.equal(read.error, undefined);
    assert.equal(read.chunks.reduce((n, c) => n + c.rowCount, 0), 300_000 - 10);
    assert.equal(smallRows, 20);
    assert.ok(
      unitsWhenSmallDone < emulator.stats.unitsEncoded,
      `the small read finished after ${unitsWhenSmallDone} of ${emulator.stats.unitsEncoded} units were encoded`,
    );
  });
});

describe('the encoding cache', () => {
  test('sessions reading the same rows the same way share one encoding; one let go is made again, the same', async () => {
    const source = generateDemoTable({ rows: 600, seed: 4, batchRows: 200 });
    const emulator = await startEmulator({ tables: [{ table: 'test-project.ds.t', data: source }], maxBatchRows: 100, maxEncodedBytes: 0 });
    const client = emulatorClient(emulator);
    const request = (filter: string) => sessionRequest(tablePath('t'), { rowRestriction: filter, selectedFields: ['id', 'f_string', 'rec'] }, { maxStreamCount: 2 });
    const rowsOf = async (session: ReadSession) => canonicalRows(await readSession(client, session));
    try {
      const a = await client.createReadSession(request('id < 300'));
      const twin = await client.createReadSession(request('id < 300'));
      const b = await client.createReadSession(request('id >= 300'));
      assert.equal(emulator.stats.unitsEncoded, 0, 'creating sessions encodes nothing');
      const first = await rowsOf(a);
      const encodedOnce = emulator.stats.unitsEncoded;
      assert.deepEqual(await rowsOf(twin), first);
      assert.equal(emulator.stats.unitsEncoded, encodedOnce, 'the twin session read the same encoding');
      await rowsOf(b);
      assert.equal(emulator.stats.cachedEncodings, 1, "b's encoding replaced a's (a budget of 0 keeps only the last)");
      const before = emulator.stats.unitsEncoded;
      assert.deepEqual(await rowsOf(a), first, 'made again, the same rows');
      assert.ok(emulator.stats.unitsEncoded > before);
      assert.deepEqual(first, canonicalRows(source).slice(0, 300).map((r) => {
        const row = r as Record<string, unknown>;
        return { id: row.id, f_string: row.f_string, rec: row.rec };
      }));
    } finally {
      client.close();
      await emulator.close();
    }
  });
});

describe('units are encoded as they are read', () => {
  test('a stream encodes its own units only, each when it needs it, filtered or not; every row is still served', async () => {
    // 2000 rows in units of 100: 20 units, 4 streams of 5.
    const source = generateDemoTable({ rows: 2000, seed: 6, batchRows: 500 });
    const emulator = await startEmulator({ tables: [{ table: 'test-project.ds.t', data: source }], maxBatchRows: 100, storageBlockBytes: 0 });
    const client = emulatorClient(emulator);
    try {
      const plain = await client.createReadSession(sessionRequest(tablePath('t'), {}, { maxStreamCount: 4 }));
      assert.equal(plain.streams.length, 4);
      // The first response of one stream, then the reader leaves.
      const call = client.readRows(plain.streams[2]!.name, 0);
      await new Promise((resolve) => call.once('data', resolve));
      call.cancel();
      const encoded = emulator.stats.unitsEncoded;
      assert.ok(encoded >= 1 && encoded <= 5, `${encoded} of the session's 20 units encoded for one response`);

      // A filtered stream counts its rows first (progress needs them): its own 5 units, no more.
      const filtered = await client.createReadSession(sessionRequest(tablePath('t'), { rowRestriction: 'id >= 100' }, { maxStreamCount: 4 }));
      const before = emulator.stats.unitsEncoded;
      const read = await readStream(client, filtered.streams[0]!.name);
      assert.equal(read.error, undefined);
      assert.equal(emulator.stats.unitsEncoded - before, 5);
      assert.equal(read.chunks.reduce((n, c) => n + c.rowCount, 0), 400);

      assert.deepEqual(canonicalRows(await readSession(client, plain)), canonicalRows(source));
      assert.equal(emulator.stats.unitsEncoded, 20 + 5, 'each unit of each session once');
    } finally {
      client.close();
      await emulator.close();
    }
  });
});
