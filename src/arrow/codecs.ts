import { compressionRegistry, CompressionType } from 'apache-arrow';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import * as zstd from '@bokuweb/zstd-wasm';
import { bufferView } from '../bytes.js';

/**
 * Arrow IPC buffer compression (LZ4_FRAME, ZSTD) through apache-arrow's codec registry. The
 * registry is per thread and ZSTD's WebAssembly module must be instantiated before first use, so
 * every thread that reads or writes compressed batches awaits this once.
 */
let ready: Promise<void> | undefined;

export function registerArrowCodecs(): Promise<void> {
  ready ??= (async () => {
    await zstd.init();
    compressionRegistry.set(CompressionType.LZ4_FRAME, {
      encode: (data) => compressFrameSync(bufferView(data)),
      decode: (data) => decompressFrameSync(bufferView(data)),
    });
    compressionRegistry.set(CompressionType.ZSTD, {
      encode: (data) => zstd.compress(data, 1),
      decode: (data) => zstd.decompress(data),
    });
  })();
  return ready;
}
