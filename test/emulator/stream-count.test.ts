import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tableFromArrays, type Table } from 'apache-arrow';
import type { ReadApiClient } from '../../src/client/read-client.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { SERVER_CHOSEN_BYTES_PER_STREAM, storageBlockCount } from '../../src/emulator/stream-count.js';
import { canonicalRows } from '../helpers/canonical.js';
import { emulatorClient, idsOf, readSession, sessionRequest, tablePath } from '../helpers/read-api.js';

const MIB = 1024 * 1024;

/** `rows` rows of one non-null FLOAT64 column: exactly 8 bytes of Arrow data a row. */
const float64Table = (rows: number): Table => tableFromArrays({ id: Float64Array.from({ length: rows }, (_, i) => i) });

interface Served {
  readonly emulator: Emulator;
  readonly client: ReadApiClient;
  /** The streams a session over `table` gets. */
  streams(table: string, extra: { maxStreamCount?: number; preferredMinStreamCount?: number }): Promise<number>;
}

async function serve(tables: Record<string, Table>, options: EmulatorOptions = {}): Promise<Served> {
  const emulator = await startEmulator({ ...options, tables: Object.entries(tables).map(([name, data]) => ({ table: tablePath(name), data })) });
  const client = emulatorClient(emulator);
  return {
    emulator,
    client,
    streams: async (table, extra) => (await client.createReadSession(sessionRequest(tablePath(table), {}, extra))).streams.length,
  };
}

async function close(served: Served): Promise<void> {
  served.client.close();
  await served.emulator.close();
}

describe('with the default storage block (4 MiB)', () => {
  let served: Served;
  before(async () => {
    served = await serve({
      // About 2 MB of rows of every type: the small table, once cut into 32 streams of 150 rows.
      demo: generateDemoTable({ rows: 5000, seed: 1 }),
      // 10 MiB: two blocks.
      ten: float64Table(10 * MIB / 8),
      // 80 MiB: 20 blocks, and three streams' worth at the server-chosen size.
      eighty: float64Table(80 * MIB / 8),
    });
  });
  after(() => close(served));

  test('a table smaller than a block gets one stream, whatever the session asks for', async () => {
    for (const extra of [{ maxStreamCount: 1 }, { maxStreamCount: 32 }, { maxStreamCount: 1000 }, {}, { preferredMinStreamCount: 32 }]) {
      assert.equal(await served.streams('demo', extra), 1, JSON.stringify(extra));
    }
    const session = await served.client.createReadSession(sessionRequest(tablePath('demo'), { selectedFields: ['id'] }, { maxStreamCount: 32 }));
    assert.deepEqual(idsOf(canonicalRows(await readSession(served.client, session))), Array.from({ length: 5000 }, (_, i) => i));
  });

  test('a table of k blocks gets min(k, max_stream_count) streams', async () => {
    assert.equal(await served.streams('ten', { maxStreamCount: 1 }), 1);
    assert.equal(await served.streams('ten', { maxStreamCount: 2 }), 2);
    assert.equal(await served.streams('ten', { maxStreamCount: 8 }), 2);
    assert.equal(await served.streams('eighty', { maxStreamCount: 7 }), 7);
    assert.equal(await served.streams('eighty', { maxStreamCount: 20 }), 20);
    assert.equal(await served.streams('eighty', { maxStreamCount: 21 }), 20);
    assert.equal(await served.streams('eighty', { maxStreamCount: 1000 }), 20);
  });

  test('max_stream_count 0 still gives a stream per 32 MiB, raised to preferred_min_stream_count within the blocks', async () => {
    assert.equal(SERVER_CHOSEN_BYTES_PER_STREAM, 32 * MIB);
    assert.equal(await served.streams('ten', {}), 1);
    assert.equal(await served.streams('eighty', {}), 3);
    assert.equal(await served.streams('eighty', { preferredMinStreamCount: 12 }), 12);
    assert.equal(await served.streams('eighty', { preferredMinStreamCount: 50 }), 20);
  });
});

test('the configured block changes the count: smaller blocks, more streams; 0, as many as the rows allow', async () => {
  const table = float64Table(1000); // 8000 bytes
  const counts: Record<string, number> = {};
  for (const storageBlockBytes of [undefined, 4000, 800, 1, 0]) {
    const served = await serve({ t: table }, { storageBlockBytes });
    try {
      counts[String(storageBlockBytes)] = await served.streams('t', { maxStreamCount: 40 });
      if (storageBlockBytes === 0) assert.equal(await served.streams('t', { maxStreamCount: 1000 }), 1000, 'a stream per row');
    } finally {
      await close(served);
    }
  }
  assert.deepEqual(counts, { undefined: 1, 4000: 2, 800: 10, 1: 40, 0: 40 });
});

test('a block holds at least a row, and an empty table has none', () => {
  assert.equal(storageBlockCount(3, 3000, 1), 3, 'rows of 1000 bytes, blocks of 1 byte: a block a row');
  assert.equal(storageBlockCount(3, 3000, 0), 3);
  assert.equal(storageBlockCount(3, 3000, 1 << 30), 1);
  assert.equal(storageBlockCount(0, 0, 0), 0);
  assert.equal(storageBlockCount(0, 0, 4 * MIB), 0);
});

test('a storage block that cannot be is refused at start', async () => {
  await assert.rejects(startEmulator({ storageBlockBytes: -1 }), /storageBlockBytes must be a non-negative integer \(got -1\)/);
  await assert.rejects(startEmulator({ storageBlockBytes: 1.5 }), /storageBlockBytes must be a non-negative integer/);
});
