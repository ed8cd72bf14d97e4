import { parentPort, workerData } from 'node:worker_threads';
import { loadWireCodecs } from '../../src/arrow/wire-codecs.js';

/** A worker thread that decodes one buffer with bqread's `codec` over and over, once it has said it is ready, until terminated. */
const { codec, frame } = workerData as { codec: 'lz4' | 'zstd'; frame: Uint8Array };
const codecs = await loadWireCodecs();
parentPort!.postMessage('ready');
for (;;) codecs[codec].decode(frame);
