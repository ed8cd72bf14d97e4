import { compressionRegistry, CompressionType } from 'apache-arrow';
import { bufferView } from '../bytes.js';

/**
 * Arrow IPC buffer compression (LZ4_FRAME, ZSTD) through apache-arrow's codec registry. The
 * registry is per thread and ZSTD's WebAssembly module must be instantiated before first use, so
 * every thread that reads or writes compressed batches awaits this once; the codecs load only
 * then, so a thread that reads uncompressed batches never loads them.
 */
let ready: Promise<void> | undefined;

export function registerArrowCodecs(): Promise<void> {
  ready ??= (async () => {
    const [{ compressFrameSync, decompressFrameSync }, zstd] = await Promise.all([import('lz4-napi'), import('@bokuweb/zstd-wasm')]);
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
