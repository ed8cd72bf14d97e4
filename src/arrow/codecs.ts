import { compressionRegistry, CompressionType } from 'apache-arrow';
import { loadWireCodecs } from './wire-codecs.js';

/**
 * Arrow IPC buffer compression (LZ4_FRAME, ZSTD) through apache-arrow's codec registry. The
 * registry is per thread, so every thread that reads or writes compressed batches awaits this
 * once; the codecs load only then, so a thread that reads uncompressed batches never loads them.
 */
let ready: Promise<void> | undefined;

export function registerArrowCodecs(): Promise<void> {
  ready ??= (async () => {
    const { lz4, zstd } = await loadWireCodecs();
    compressionRegistry.set(CompressionType.LZ4_FRAME, lz4);
    compressionRegistry.set(CompressionType.ZSTD, zstd);
  })();
  return ready;
}
