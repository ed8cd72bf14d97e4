import type { SessionEncoding } from './session-state.js';

/**
 * Session encodings, shared by every session that reads the same rows the same way (same table
 * version, columns, filter, sample and compression), kept least recently used first within a byte
 * budget counted in the units encoded so far. An encoding grows as readers need its units; one
 * that grows past the budget lets the others go, never itself, so one large session is encoded
 * once. An encoding let go is made again, byte for byte, on a later session's read; readers of it
 * meanwhile keep theirs.
 */
export class EncodingCache {
  private readonly entries = new Map<string, { readonly encoding: SessionEncoding; bytes: number }>();
  private heldBytes = 0;
  /** Entries dropped to stay within the budget. */
  evictions = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of the units encoded by the encodings held. */
  get bytes(): number {
    return this.heldBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The encoding of `key`, or a new one from `make`, which is given what to call with each unit's bytes. */
  get(key: string, make: (grew: (bytes: number) => void) => SessionEncoding): SessionEncoding {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.encoding;
    }
    const entry = { encoding: make((bytes) => this.grew(key, entry, bytes)), bytes: 0 };
    this.entries.set(key, entry);
    return entry.encoding;
  }

  private grew(key: string, entry: { bytes: number }, bytes: number): void {
    // An entry let go counts no more; its readers still have it.
    if (this.entries.get(key) !== entry) return;
    entry.bytes += bytes;
    this.heldBytes += bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.heldBytes <= this.maxBytes) break;
      if (oldKey === key) continue;
      this.entries.delete(oldKey);
      this.heldBytes -= old.bytes;
      this.evictions++;
    }
  }
}
