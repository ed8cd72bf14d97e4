import { bufferView } from '../bytes.js';

export interface WireCodec {
  encode(data: Uint8Array): Uint8Array;
  decode(data: Uint8Array): Uint8Array;
}

/**
 * The codecs of Arrow IPC buffer compression, loaded on first need: LZ4_FRAME (lz4-napi) and ZSTD
 * (WebAssembly, instantiated once per thread).
 *
 * ZSTD is WebAssembly, not node:zlib's zstd (22.15+): a worker thread terminated during any
 * node:zlib call aborts the whole process (node_zlib.cc's CompressionStream::Close assertion
 * "close before init"; reproduced on 22.15.0, 24.22.3 and 26.12.1, see
 * test/arrow/codec-termination.test.ts), and bqread's worker threads are terminated when they die,
 * exceed their heap limits or the pool closes mid-read, which must end that thread alone.
 */
export async function loadWireCodecs(): Promise<{ lz4: WireCodec; zstd: WireCodec }> {
  const [{ compressFrameSync, decompressFrameSync }, zstd] = await Promise.all([import('lz4-napi'), import('@bokuweb/zstd-wasm')]);
  await zstd.init();
  return {
    lz4: { encode: (data) => compressFrameSync(bufferView(data)), decode: (data) => decompressFrameSync(bufferView(data)) },
    zstd: { encode: (data) => zstd.compress(data, 1), decode: (data) => zstd.decompress(data) },
  };
}
