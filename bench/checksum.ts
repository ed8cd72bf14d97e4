// What a reader returned, boiled down so readers can be compared without holding their rows:
// the row count, the sum of the `id` column (the demo table's row index) and an order-independent
// hash over `id`, `f_float64` and `f_string`. Sums of per-row hashes do not depend on batch
// boundaries or on the order streams arrive in, so a parallel read and a sequential one agree.
import { DataType, Precision, type Data, type RecordBatch } from 'apache-arrow';
import { fmix32 } from '../src/hash.js';

/** JSON-safe: bigints as decimal strings, the 64-bit hash as 16 hex digits. */
export interface Checksum {
  readonly rows: number;
  readonly idSum: string;
  readonly rowHash: string;
}

/** Columns the checksum reads: the demo table's INT64 `id` (REQUIRED), FLOAT64 and STRING. */
export const CHECKSUM_COLUMNS = { id: 'id', float: 'f_float64', string: 'f_string' } as const;

export class ChecksumColumnError extends Error {
  override name = 'ChecksumColumnError';
}

// Two independently seeded 32-bit lanes: a changed row escapes both with odds of about 2^-64.
const SEED_A = 0x9747b28c;
const SEED_B = 0x2545f491;
const NULL_MARK = 0x6e756c6c;
// Per-batch partial sums of 32-bit words stay exact as doubles for this many rows (2^20 * 2^32 < 2^53).
const EXACT_CHUNK_ROWS = 1 << 20;

/** One murmur3 round: folds a 32-bit word into the running hash. */
function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Tells whether row `index` of a column is non-null; looked up once per batch, called per row. */
function validity(data: Data): (index: number) => boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount <= 0 || !bitmap || bitmap.byteLength === 0) return () => true;
  // A sliced Data keeps its whole bitmap and counts bits from its offset.
  const offset = data.offset;
  return (index) => (bitmap[(offset + index) >> 3]! & (1 << ((offset + index) & 7))) !== 0;
}

/** 32-bit words of a fixed-width column's values, indexed from the Data's first row. */
function words(values: ArrayBufferView): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
}

function column(batch: RecordBatch, name: string, expected: string, fits: (type: DataType) => boolean): Data {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  const data = index < 0 ? undefined : (batch.data.children[index] as Data | undefined);
  if (!data) throw new ChecksumColumnError(`the batch has no column "${name}" to checksum`);
  if (!fits(data.type)) throw new ChecksumColumnError(`column "${name}" is ${String(data.type)}, the checksum reads ${expected}`);
  return data;
}

/** Accumulates a Checksum over batches given in any order and any slicing. */
export class ChecksumAccumulator {
  private rows = 0;
  private idSum = 0n;
  private hashA = 0;
  private hashB = 0;

  add(batch: RecordBatch): void {
    const length = batch.numRows;
    if (length === 0) return;
    const id = column(batch, CHECKSUM_COLUMNS.id, 'Int64', (t) => DataType.isInt(t) && t.bitWidth === 64);
    const float = column(batch, CHECKSUM_COLUMNS.float, 'Float64', (t) => DataType.isFloat(t) && t.precision === Precision.DOUBLE);
    const string = column(batch, CHECKSUM_COLUMNS.string, 'Utf8', (t) => DataType.isUtf8(t));
    const idWords = words(id.values as ArrayBufferView);
    const floatWords = words(float.values as ArrayBufferView);
    const floatValid = validity(float);
    const stringValid = validity(string);
    const offsets = string.valueOffsets as Int32Array;
    const chars = string.values as Uint8Array;
    for (let start = 0; start < length; start += EXACT_CHUNK_ROWS) {
      const end = Math.min(length, start + EXACT_CHUNK_ROWS);
      let low = 0;
      let high = 0;
      for (let i = start; i < end; i++) {
        const lo = idWords[2 * i]!;
        const hi = idWords[2 * i + 1]! | 0;
        low += lo;
        high += hi;
        let a = mix(mix(SEED_A, lo), hi);
        let b = mix(mix(SEED_B, hi), lo);
        if (floatValid(i)) {
          a = mix(mix(a, floatWords[2 * i]!), floatWords[2 * i + 1]!);
          b = mix(mix(b, floatWords[2 * i + 1]!), floatWords[2 * i]!);
        } else {
          a = mix(a, NULL_MARK);
          b = mix(b, NULL_MARK);
        }
        if (stringValid(i)) {
          const from = offsets[i]!;
          const to = offsets[i + 1]!;
          a = mix(a, to - from);
          for (let c = from; c < to; c++) {
            a = mix(a, chars[c]!);
            b = Math.imul(b ^ chars[c]!, 0x01000193);
          }
          b = mix(b, to - from);
        } else {
          a = mix(a, NULL_MARK);
          b = mix(b, ~NULL_MARK);
        }
        this.hashA = (this.hashA + fmix32(a)) >>> 0;
        this.hashB = (this.hashB + fmix32(b)) >>> 0;
      }
      this.idSum += BigInt(low) + (BigInt(high) << 32n);
    }
    this.rows += length;
  }

  result(): Checksum {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    return { rows: this.rows, idSum: this.idSum.toString(), rowHash: hex(this.hashA) + hex(this.hashB) };
  }
}

export function checksumOf(batches: Iterable<RecordBatch>): Checksum {
  const accumulator = new ChecksumAccumulator();
  for (const batch of batches) accumulator.add(batch);
  return accumulator.result();
}

/** What one reader reported: a full checksum, or (the raw drain, which never decodes) rows only. */
export type ReaderAnswer = { readonly label: string } & ({ readonly checksum: Checksum } | { readonly rows: number });

export interface Disagreement {
  readonly label: string;
  readonly problem: string;
}

/** Every reader whose answer differs from the expected checksum, with what differs. */
export function findDisagreements(expected: Checksum, answers: readonly ReaderAnswer[]): Disagreement[] {
  const found: Disagreement[] = [];
  for (const answer of answers) {
    if (!('checksum' in answer)) {
      if (answer.rows !== expected.rows) found.push({ label: answer.label, problem: `rows ${answer.rows}, expected ${expected.rows}` });
      continue;
    }
    const problems: string[] = [];
    const got = answer.checksum;
    if (got.rows !== expected.rows) problems.push(`rows ${got.rows}, expected ${expected.rows}`);
    if (got.idSum !== expected.idSum) problems.push(`id sum ${got.idSum}, expected ${expected.idSum}`);
    if (got.rowHash !== expected.rowHash) problems.push(`row hash ${got.rowHash}, expected ${expected.rowHash}`);
    if (problems.length > 0) found.push({ label: answer.label, problem: problems.join('; ') });
  }
  return found;
}
