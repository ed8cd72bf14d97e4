import { compressionRegistry, CompressionType } from 'apache-arrow';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import * as zstd from '@bokuweb/zstd-wasm';

/**
 * Arrow IPC buffer compression (LZ4_FRAME, ZSTD) through apache-arrow's codec registry. The
 * registry is per thread and ZSTD's WebAssembly module must be instantiated before first use, so
 * every thread that reads or writes compressed batches awaits this once.
 */
let ready: Promise<void> | undefined;

const asBuffer = (data: Uint8Array): Buffer =>
  Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export function registerArrowCodecs(): Promise<void> {
  ready ??= (async () => {
    await zstd.init();
    compressionRegistry.set(CompressionType.LZ4_FRAME, {
      encode: (data) => compressFrameSync(asBuffer(data)),
      decode: (data) => decompressFrameSync(asBuffer(data)),
    });
    compressionRegistry.set(CompressionType.ZSTD, {
      encode: (data) => zstd.compress(data, 1),
      decode: (data) => zstd.decompress(data),
    });
  })();
  return ready;
}
