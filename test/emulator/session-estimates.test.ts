import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ReadApiClient } from '../../src/client/read-client.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { emulatorClient, readRows, sessionRequest, tablePath } from '../helpers/read-api.js';

// stream.proto: estimated_row_count is "based on metadata from the table which might be incomplete
// or stale", so it cannot know what a row_restriction or sample_percentage keeps; and
// estimated_total_physical_file_size "is only set for BigLake tables", which the emulator has none of.
const TABLE = tablePath('estimates');
const source = generateDemoTable({ rows: 2000, seed: 9, batchRows: 500 });
let emulator: Emulator;
let client: ReadApiClient;

before(async () => {
  emulator = await startEmulator({ tables: [{ table: TABLE, data: source }], maxBatchRows: 250 });
  client = emulatorClient(emulator);
});

after(async () => {
  client.close();
  await emulator.close();
});

test('estimated_row_count is the table row count, whatever the row restriction keeps', async () => {
  const readOptions = { rowRestriction: 'id < 150' };
  const session = await client.createReadSession(sessionRequest(TABLE, readOptions));
  assert.equal(Number(session.estimatedRowCount), 2000);
  assert.equal((await readRows(client, sessionRequest(TABLE, readOptions))).length, 150);
});

test('estimated_row_count ignores sample_percentage too', async () => {
  const readOptions = { samplePercentage: 10 };
  const session = await client.createReadSession(sessionRequest(TABLE, readOptions));
  assert.equal(Number(session.estimatedRowCount), 2000);
  const sampled = (await readRows(client, sessionRequest(TABLE, readOptions))).length;
  assert.ok(sampled > 100 && sampled < 300, `about 10% sampled: ${sampled}`);
});

test('estimated_total_physical_file_size is left unset for a table that is not BigLake', async () => {
  const session = await client.createReadSession(sessionRequest(TABLE));
  assert.equal(Number(session.estimatedTotalPhysicalFileSize), 0);
  assert.ok(Number(session.estimatedTotalBytesScanned) > 0, 'bytes scanned is still estimated');
});
