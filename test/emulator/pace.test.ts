import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { SERVICE_PACE_PROFILES } from '../../src/emulator/pace.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import type { ReadApiClient } from '../../src/client/read-client.js';
import { emulatorClient, sessionRequest, tablePath } from '../helpers/read-api.js';

const TABLE = tablePath('paced');
const MIB = 1024 * 1024;
const RATE = 4 * MIB;

// The pace is the feature under test, so these tests time it: each bound is the pace's own
// minimum (a paced call cannot be faster), and the one upper bound has a wide margin.
describe('the emulator serves at the service\'s pace when asked', () => {
  let emulator: Emulator;
  let client: ReadApiClient;

  before(async () => {
    emulator = await startEmulator({
      tables: [{ table: TABLE, data: generateDemoTable({ rows: 24_000, seed: 2 }) }],
      batchTargetBytes: 256 * 1024,
      // No minimum storage block: two streams of this 9 MB table whatever its exact size.
      storageBlockBytes: 0,
      pace: { streamBytesPerSecond: RATE, firstResponseLatencyMs: 200, sessionLatencyMs: 150 },
    });
    client = emulatorClient(emulator);
  });
  after(async () => {
    client.close();
    await emulator.close();
  });

  test('CreateReadSession answers after the session latency, its own work counted in it', async () => {
    const asked = Date.now();
    const started = performance.now();
    const session = await client.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 2 }));
    assert.ok(performance.now() - started >= 145, 'waited the session latency');
    // The session is made when asked for, its expiry six hours from then, not from the answer: the
    // service's latency includes its work, so the emulator works while the latency runs.
    const expireMs = Number(session.expireTime!.seconds) * 1000 + Number(session.expireTime!.nanos ?? 0) / 1e6;
    const madeAfterAskedMs = expireMs - 6 * 3600_000 - asked;
    assert.ok(madeAfterAskedMs < 75, `session made ${madeAfterAskedMs} ms after it was asked for (latency 150 ms)`);
  });

  test('each stream is served at the rate, independently of the others', async () => {
    const session = await client.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 2 }));
    const timed = async (name: string) => {
      const started = performance.now();
      let first = 0;
      const call = client.readRows(name, 0);
      let bytes = 0;
      for await (const response of call as AsyncIterable<Buffer>) {
        first ||= performance.now() - started;
        bytes += response.byteLength;
      }
      return { ms: performance.now() - started, first, bytes };
    };
    const [a, b] = await Promise.all(session.streams.map((s: { name: string }) => timed(s.name)));
    for (const run of [a!, b!]) {
      assert.ok(run.bytes > MIB, `a stream of ${run.bytes} B`);
      assert.ok(run.first >= 195, `first response after ${run.first.toFixed(0)} ms`);
      // The last response leaves once the bytes before it had their time at the rate.
      const minimumMs = 200 + ((run.bytes - 256 * 1024 * 1.5) / RATE) * 1000;
      assert.ok(run.ms >= minimumMs, `${run.ms.toFixed(0)} ms >= ${minimumMs.toFixed(0)} ms`);
    }
    // Run side by side, two streams take about as long as one would alone, not twice as long.
    const alone = 200 + (Math.max(a!.bytes, b!.bytes) / RATE) * 1000;
    assert.ok(Math.max(a!.ms, b!.ms) < 1.8 * alone, `both done in ${Math.max(a!.ms, b!.ms).toFixed(0)} ms (one alone: ${alone.toFixed(0)} ms)`);
  });

  test('named profiles come from the public figures, and bad paces are refused', async () => {
    assert.equal(SERVICE_PACE_PROFILES.bigquery.streamBytesPerSecond, 10 * MIB);
    await assert.rejects(startEmulator({ pace: 'warp' as 'bigquery' }), /unknown pace profile "warp"/);
    await assert.rejects(startEmulator({ pace: { streamBytesPerSecond: -1 } }), /non-negative/);
  });
});
