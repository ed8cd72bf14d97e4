import type { SessionEncoding } from './session-state.js';

function encodingBytes(encoding: SessionEncoding): number {
  return encoding.units.reduce((n, unit) => n + unit.message.byteLength, 0);
}

/**
 * Encoded session rows, shared by every session that reads the same rows the same way (same table
 * version, columns, filter, sample and compression), kept least recently used first within a byte
 * budget. The entry just made is always kept, even alone over budget, so one large session is
 * encoded once; evicted entries are made again on their next read. Concurrent reads of an entry
 * being made wait for that one encoding.
 */
export class EncodingCache {
  private readonly entries = new Map<string, { readonly encoding: SessionEncoding; readonly bytes: number }>();
  private readonly pending = new Map<string, Promise<SessionEncoding>>();
  private heldBytes = 0;
  /** Entries dropped to stay within the budget. */
  evictions = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of the encodings held. */
  get bytes(): number {
    return this.heldBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, encode: () => Promise<SessionEncoding>): Promise<SessionEncoding> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit.encoding);
    }
    let pending = this.pending.get(key);
    if (!pending) {
      pending = (async () => {
        try {
          const encoding = await encode();
          this.put(key, encoding);
          return encoding;
        } finally {
          this.pending.delete(key);
        }
      })();
      this.pending.set(key, pending);
    }
    return pending;
  }

  private put(key: string, encoding: SessionEncoding): void {
    const bytes = encodingBytes(encoding);
    this.entries.set(key, { encoding, bytes });
    this.heldBytes += bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.heldBytes <= this.maxBytes || oldKey === key) break;
      this.entries.delete(oldKey);
      this.heldBytes -= old.bytes;
      this.evictions++;
    }
  }
}
