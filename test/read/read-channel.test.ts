// A read's one gRPC channel on the calling thread (src/read/read-channel.ts): its session, its
// splits and, when the calling thread reads its streams, their ReadRows share one connection.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Table } from 'apache-arrow';
import { resolveConnection } from '../../src/client/connection.js';
import type { Emulator } from '../../src/emulator/server.js';
import { ReadChannel } from '../../src/read/read-channel.js';
import { readBatches } from '../../src/read/read-batches.js';
import { readTableParallel } from '../../src/read/read-table.js';
import { canonicalRows } from '../helpers/canonical.js';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { leftOver, liveResources } from '../helpers/leaks.js';

// One stream served at 2 MiB/s, as rebalance.test.ts reads it: long enough that splitting it pays.
const ROWS = 24_000;
const PACE = { streamBytesPerSecond: 2 * 1024 * 1024 };

describe('a read on the calling thread opens one connection', { concurrency: 1 }, () => {
  let emulator: Emulator;
  let source: Table;
  // A proxy that cuts nothing, to count the connections made through it.
  let proxy: CuttingProxy;

  before(async () => {
    ({ emulator, source } = await demoEmulator(ROWS, { pace: PACE }));
    proxy = await startCuttingProxy(emulator.address, { seed: 1, minBytes: 1, maxBytes: 2, maxCuts: 0 });
  });
  after(async () => {
    await proxy.close();
    await emulator.close();
  });

  test('its CreateReadSession, its SplitReadStream calls and every ReadRows of its streams go over one connection', async () => {
    const before = proxy.connections;
    const { table, stats } = await readTableParallel(DEMO, { endpoint: proxy.address, maxStreams: 1, workers: 1 });
    assert.deepEqual(canonicalRows(table), canonicalRows(source));
    assert.equal(stats.threads, 0, 'read on the calling thread');
    assert.ok(stats.splits >= 1, `split (${stats.splits}), so SplitReadStream and the halves' ReadRows went over it too`);
    assert.equal(proxy.connections - before, 1);
  });

  test('a read asked for its session alone closes the connection once the session is in', async () => {
    const baseline = liveResources();
    const before = proxy.connections;
    const session = await readBatches(DEMO, { endpoint: proxy.address }).session;
    assert.ok(session.streams.length >= 1);
    assert.equal(await leftOver(baseline), '', 'no socket left open');
    assert.equal(proxy.connections - before, 1);
  });
});

test('a released channel opens a new connection on its next call; a closed one opens none, so nothing of an ended read leaks one', () => {
  // No call is made: a client connects on its first call only.
  const channel = new ReadChannel(resolveConnection({ endpoint: '127.0.0.1:9' }));
  const first = channel.client();
  assert.equal(channel.client(), first, 'one client while open');
  channel.release();
  assert.notEqual(channel.client(), first, 'released: the next call opens another');
  channel.close();
  assert.throws(() => channel.client(), /the read is over/);
});
