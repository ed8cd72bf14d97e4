import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { layoutPlanOf } from '../../src/arrow/layout-plan.js';
import { DEFAULT_RETRY } from '../../src/client/retry.js';
import type { Emulator } from '../../src/emulator/server.js';
import { resolveReadOptions } from '../../src/read/options.js';
import { ReadChannel } from '../../src/read/read-channel.js';
import { createReadSession, type ReadSessionInfo } from '../../src/read/session.js';
import readStream from '../../workers/read-stream.js';
import type { WorkerMessage } from '../../workers/stream-task.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

/** The worker entry run on this thread against the emulator, with the coordinator's end of its port in the test's hands. */
describe('the worker takes a response off its call only when it holds credit', () => {
  let emulator: Emulator;
  let session: ReadSessionInfo;

  before(async () => {
    ({ emulator } = await demoEmulator(2000));
    const options = resolveReadOptions(DEMO, { endpoint: emulator.address, maxStreams: 1 });
    const channel = new ReadChannel(options.connection);
    session = await createReadSession(channel.client(), options, 1, new AbortController().signal).finally(() => channel.close());
  });
  after(() => emulator.close());

  function start(initialCredit: number) {
    const { port1, port2 } = new MessageChannel();
    const batches: WorkerMessage[] = [];
    port1.on('message', (m: WorkerMessage) => batches.push(m));
    const result = readStream({
      port: port2, connection: { endpoint: emulator.address, tls: false, auth: { kind: 'none' } }, stream: session.streams[0]!,
      offset: 0, schemaMessage: session.schemaMessage, compressedBuffers: false, layoutPlan: layoutPlanOf(session.schema), retry: DEFAULT_RETRY, initialCredit,
    });
    return { port1, batches, result };
  }

  test('with no credit, a waiting response is not decoded (a corrupt one would fail the task)', async () => {
    emulator.addFault({ kind: 'corrupt', afterResponses: 0 });
    try {
      const paused = start(0);
      // Long enough for the first response to reach the worker's call many times over.
      await sleep(300);
      paused.port1.postMessage({ type: 'cancel' });
      const result = await paused.result;
      paused.port1.close();
      assert.equal(result.status, 'cancelled', 'the paused worker never took the response');
      assert.equal(paused.batches.length, 0);

      emulator.addFault({ kind: 'corrupt', afterResponses: 0 });
      const granted = start(1);
      const failed = await granted.result;
      granted.port1.close();
      assert.equal(failed.status, 'failed', 'with credit the same response is taken, and found corrupt');
      assert.equal(failed.error?.code, Status.DATA_LOSS);
    } finally {
      emulator.clearFaults();
    }
  });
});
