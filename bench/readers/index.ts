import type { Reader } from './reader.js';

// Loaded on demand, so a reader child holds only its own reader's libraries in memory (Google's
// client and its dependencies would otherwise sit in every child's baseline RSS).
const LOADERS = {
  'raw-drain': async () => (await import('./raw-drain.js')).rawDrain,
  'bqread-table': async () => (await import('./bqread-table.js')).bqreadTable,
  'bqread-stream': async () => (await import('./bqread-stream.js')).bqreadStream,
  'bqread-warm-pool': async () => (await import('./bqread-warm-pool.js')).bqreadWarmPool,
  'official-arrow-reader': async () => (await import('./official-arrow-reader.js')).officialArrowReader,
  'official-concurrent': async () => (await import('./official-concurrent.js')).officialConcurrent,
} as const satisfies Record<string, () => Promise<Reader>>;

export type ReaderName = keyof typeof LOADERS;

export const READER_NAMES = Object.keys(LOADERS) as ReaderName[];

export function isReaderName(name: string): name is ReaderName {
  return Object.hasOwn(LOADERS, name);
}

export function loadReader(name: ReaderName): Promise<Reader> {
  return LOADERS[name]();
}
