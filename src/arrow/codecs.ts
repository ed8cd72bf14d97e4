import { constants, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { compressionRegistry, CompressionType } from 'apache-arrow';
import { bufferView } from '../bytes.js';

const ZSTD_LEVEL_1 = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

/**
 * Arrow IPC buffer compression (LZ4_FRAME, ZSTD) through apache-arrow's codec registry. The
 * registry is per thread, so every thread that reads or writes compressed batches awaits this
 * once; lz4-napi loads only then, so a thread that reads uncompressed batches never loads it.
 * ZSTD is Node's own (node:zlib, from 22.15).
 */
let ready: Promise<void> | undefined;

export function registerArrowCodecs(): Promise<void> {
  ready ??= (async () => {
    const { compressFrameSync, decompressFrameSync } = await import('lz4-napi');
    compressionRegistry.set(CompressionType.LZ4_FRAME, {
      encode: (data) => compressFrameSync(bufferView(data)),
      decode: (data) => decompressFrameSync(bufferView(data)),
    });
    compressionRegistry.set(CompressionType.ZSTD, {
      encode: (data) => zstdCompressSync(data, ZSTD_LEVEL_1),
      decode: (data) => zstdDecompressSync(data),
    });
  })();
  return ready;
}
