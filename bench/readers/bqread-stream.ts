import { setTimeout as sleep } from 'node:timers/promises';
import { readBatches } from '../../src/index.js';
import { heldBytesBound } from '../../src/read/stats.js';
import { ChecksumAccumulator } from '../checksum.js';
import type { Reader } from './reader.js';

/**
 * bqread's streaming form under a deliberately slow consumer (it sleeps per batch) and a byte
 * budget smaller than the table, so credits must hold the workers back. Nothing is kept: each
 * batch is checksummed and dropped, as a sink would write it out.
 */
export const bqreadStream: Reader = async (config) => {
  const stream = readBatches(config.table, {
    endpoint: config.endpoint,
    workers: config.workers,
    maxStreams: config.maxStreams,
    compression: config.compression,
    maxBufferedBytes: config.budgetBytes,
  });
  const checksum = new ChecksumAccumulator();
  for await (const batch of stream) {
    checksum.add(batch);
    await sleep(config.consumerDelayMs);
  }
  const session = await stream.session;
  return {
    streams: session.streams.length,
    sessionMs: stream.stats.sessionMs,
    firstBatchMs: stream.stats.firstBatchMs,
    checksum: checksum.result(),
    extra: {
      peakBufferedBytes: stream.stats.peakBufferedBytes,
      heldBoundBytes: heldBytesBound(config.budgetBytes, stream.stats),
      budgetBytes: config.budgetBytes,
      decodedBytes: stream.stats.bytes,
      batchCount: stream.stats.batches,
    },
  };
};
