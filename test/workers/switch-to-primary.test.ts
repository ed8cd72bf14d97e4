import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { after, before, describe, test } from 'node:test';
import { layoutPlanOf } from '../../src/arrow/layout-plan.js';
import { unpackBatch } from '../../src/arrow/transfer.js';
import { ReadApiClient } from '../../src/client/read-client.js';
import { DEFAULT_RETRY } from '../../src/client/retry.js';
import { decodeReadRowsResponse } from '../../src/protocol/read-rows-response.js';
import type { Emulator } from '../../src/emulator/server.js';
import { resolveReadOptions } from '../../src/read/options.js';
import { createReadSession, type ReadSessionInfo } from '../../src/read/session.js';
import readStream from '../../workers/read-stream.js';
import type { WorkerMessage } from '../../workers/stream-task.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

const CONNECTION = (address: string) => ({ endpoint: address, tls: false, auth: { kind: 'none' } }) as const;

/**
 * The worker's half of rebalancing, on this thread against the emulator: asked to switch to a
 * split's primary, it opens the primary at its offset and moves, or stays where the primary refuses
 * (it has read past the split point). 3000 rows in 13 responses (of 250 rows, and 247 and 9 at
 * the source's batch ends) on one stream.
 */
describe('a worker asked to switch to a split\'s primary', () => {
  let emulator: Emulator;
  let session: ReadSessionInfo;
  let client: ReadApiClient;

  before(async () => {
    ({ emulator } = await demoEmulator(3000));
    client = new ReadApiClient(CONNECTION(emulator.address));
    session = await createReadSession(client, resolveReadOptions(DEMO, { endpoint: emulator.address, maxStreams: 1 }), 1, new AbortController().signal);
  });
  after(async () => {
    client.close();
    await emulator.close();
  });

  /** A task that takes one response per credit grant, so the test knows how far it has read. */
  function start() {
    const { port1, port2 } = new MessageChannel();
    const messages: WorkerMessage[] = [];
    let arrived: (() => void) | undefined;
    port1.on('message', (m: WorkerMessage) => {
      messages.push(m);
      arrived?.();
    });
    const result = readStream({
      port: port2, connection: CONNECTION(emulator.address), stream: session.streams[0]!, offset: 0,
      schemaMessage: session.schemaMessage, compressedBuffers: false, layoutPlan: layoutPlanOf(session.schema), retry: DEFAULT_RETRY,
      initialCredit: 1,
    });
    const batchCount = () => messages.filter((m) => m.type === 'batch').length;
    // Credit is bytes: the task takes a response while what it was granted exceeds what it sent.
    let granted = 1;
    const sent = () => messages.reduce((n, m) => n + (m.type === 'batch' ? m.packed.memory.byteLength : 0), 0);
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise<void>((resolve) => (arrived = resolve));
    };
    return {
      messages, result, until, batchCount,
      /** Lets the task take `responses` more responses and waits for them. */
      async take(responses: number) {
        for (let i = 0; i < responses; i++) {
          const target = batchCount() + 1;
          const bytes = sent() - granted + 1;
          granted += bytes;
          port1.postMessage({ type: 'credit', bytes });
          await until(() => batchCount() >= target);
        }
      },
      post: (m: unknown) => port1.postMessage(m),
      close: () => port1.close(),
    };
  }

  /** Rows a stream serves, read straight off the emulator. */
  async function rowCount(stream: string): Promise<number> {
    let rows = 0;
    for await (const response of client.readRows(stream, 0) as AsyncIterable<Buffer>) rows += decodeReadRowsResponse(response).rowCount;
    return rows;
  }

  const idsOf = (messages: WorkerMessage[]) => messages.flatMap((m) => {
    if (m.type !== 'batch') return [];
    const ids = unpackBatch(session.schema, m.packed).getChild('id')!;
    return [...ids].map(Number);
  });

  test('past the split point it stays on the original (FAILED_PRECONDITION) and reads every row of it once', async () => {
    const task = start();
    try {
      await task.take(2); // 750 rows read: the first response came with the initial credit
      const split = await client.splitReadStream(session.streams[0]!, 1 / 13); // primary: the first response's 250 rows
      task.post({ type: 'switch', stream: split.primaryStream!.name });
      task.post({ type: 'credit', bytes: 1e9 });
      const result = await task.result;
      // Messages travel on the port, after the result; the answer to the switch precedes the batches after it.
      await task.until(() => task.batchCount() >= result.batches);
      const refusal = task.messages.find((m) => m.type === 'switch-refused');
      assert.ok(refusal && refusal.type === 'switch-refused');
      assert.match(refusal.reason, /^FAILED_PRECONDITION: offset \d+ has not been allocated yet$/);
      assert.equal(task.messages.some((m) => m.type === 'switched'), false);
      assert.equal(result.status, 'done');
      assert.equal(result.stream, session.streams[0]);
      assert.deepEqual(idsOf(task.messages), Array.from({ length: 3000 }, (_, i) => i));
    } finally {
      task.close();
    }
  });

  test('short of the split point it moves to the primary at its offset, reads it to its end and no further', async () => {
    const task = start();
    try {
      await task.take(1); // 500 rows read
      const split = await client.splitReadStream(session.streams[0]!, 0.75); // primary: about 3/4 of the rows
      task.post({ type: 'switch', stream: split.primaryStream!.name });
      task.post({ type: 'credit', bytes: 1e9 });
      const result = await task.result;
      await task.until(() => task.batchCount() >= result.batches);
      const switched = task.messages.findIndex((m) => m.type === 'switched');
      assert.ok(switched > 0, 'switched after the batches it had sent');
      assert.equal(result.status, 'done');
      assert.equal(result.stream, split.primaryStream!.name, 'the result names the stream it ended on');
      const primaryRows = await rowCount(split.primaryStream!.name);
      assert.ok(primaryRows > 500 && primaryRows < 3000);
      assert.deepEqual(idsOf(task.messages), Array.from({ length: primaryRows }, (_, i) => i), 'the primary\'s rows once: the remainder is someone else\'s');
    } finally {
      task.close();
    }
  });

  test('asked as its stream ends, it answers that it stayed, and read every row once', async () => {
    const task = start();
    try {
      await task.take(12); // all 13 responses; it now waits for credit to find the stream's end
      const split = await client.splitReadStream(session.streams[0]!, 0.5);
      task.post({ type: 'switch', stream: split.primaryStream!.name });
      task.post({ type: 'credit', bytes: 1e9 });
      const result = await task.result;
      await task.until(() => task.messages.some((m) => m.type === 'switch-refused'));
      assert.equal(result.stream, session.streams[0], 'it ended on its own stream');
      assert.equal(task.messages.some((m) => m.type === 'switched'), false);
      assert.deepEqual(idsOf(task.messages), Array.from({ length: 3000 }, (_, i) => i));
    } finally {
      task.close();
    }
  });
});
