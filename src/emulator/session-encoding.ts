// A session's rows as the Arrow messages ReadRows sends, one unit (a response's rows) at a time,
// each encoded when a reader first needs it. The service does not convert a whole table before its
// first response either: a stream's first response waits for its own first unit only, and the
// encoding of a large session runs alongside its reading instead of before it.
import type { RecordBatch } from 'apache-arrow';
import { encodeBatchMessage } from '../arrow/ipc-messages.js';
import { takeRows } from '../arrow/take.js';
import { bufferView } from '../bytes.js';
import { responseCompressed } from './response-compression.js';
import type { SessionPlan } from './session-request.js';
import type { EncodedUnit, SessionEncoding } from './session-state.js';

/** What a session's encoding is made from: everything that decides its bytes. */
export interface EncodingRecipe {
  readonly visible: readonly RecordBatch[];
  /** Rows in a unit; a unit never crosses a batch boundary, so a batch's last one can be shorter. */
  readonly rowsPerUnit: number;
  readonly plan: SessionPlan;
  readonly schemaBytes: number;
}

/** Work the emulator reports in its stats. */
export interface EncodingCounters {
  unitsEncoded: number;
}

export const unitCountOf = (batches: readonly RecordBatch[], rows: number): number =>
  rows === 0 ? 0 : batches.reduce((n, b) => n + Math.ceil(b.numRows / rows), 0);

/** Deterministic per-row keep/drop for sample_percentage (a hash of the row's position). */
function sampleIndices(firstRow: number, rowCount: number, percentage: number): Int32Array {
  const threshold = (percentage / 100) * 2 ** 32;
  const kept: number[] = [];
  for (let i = 0; i < rowCount; i++) {
    let h = Math.imul((firstRow + i) ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    if (h < threshold) kept.push(i);
  }
  return Int32Array.from(kept);
}

function intersectSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return Int32Array.from(out);
}

/**
 * The units of one recipe, each encoded on first use and kept. `grew(bytes)` hears of every unit
 * encoded, with its size (the encoding cache's budget counts them).
 */
export class LazySessionEncoding implements SessionEncoding {
  private readonly units: (EncodedUnit | undefined)[];
  /** Where each unit's rows are: its batch, its first row in the batch and in the session. */
  private readonly batchOf: Int32Array;
  private readonly startOf: Float64Array;
  private readonly firstRowOf: Float64Array;
  /** No filter or sample: a unit holds all its rows, known before it is encoded. */
  private readonly keepsEveryRow: boolean;

  constructor(
    private readonly recipe: EncodingRecipe,
    private readonly counters: EncodingCounters,
    private readonly grew: (bytes: number) => void,
  ) {
    const { visible, rowsPerUnit: rows, plan } = recipe;
    const count = unitCountOf(visible, rows);
    this.units = new Array<EncodedUnit | undefined>(count);
    this.batchOf = new Int32Array(count);
    this.startOf = new Float64Array(count);
    this.firstRowOf = new Float64Array(count);
    let unit = 0;
    let firstRow = 0;
    for (const [b, batch] of visible.entries()) {
      for (let start = 0; start < batch.numRows; start += rows, unit++) {
        this.batchOf[unit] = b;
        this.startOf[unit] = start;
        this.firstRowOf[unit] = firstRow + start;
      }
      firstRow += batch.numRows;
    }
    this.keepsEveryRow = !plan.restriction && (plan.samplePercentage === undefined || plan.samplePercentage >= 100);
  }

  knownRows(k: number): number | undefined {
    if (!this.keepsEveryRow) return this.units[k]?.rowCount;
    const batch = this.recipe.visible[this.batchOf[k]!]!;
    return Math.min(this.recipe.rowsPerUnit, batch.numRows - this.startOf[k]!);
  }

  unit(k: number): EncodedUnit {
    return (this.units[k] ??= this.encode(k));
  }

  private encode(k: number): EncodedUnit {
    const { visible, rowsPerUnit: rows, plan, schemaBytes } = this.recipe;
    const { projection, restriction, samplePercentage, bufferCompression, responseCompression } = plan;
    const batch = visible[this.batchOf[k]!]!;
    const start = this.startOf[k]!;
    const piece = batch.slice(start, Math.min(batch.numRows, start + rows));
    let indices = restriction ? restriction.filter(piece) : undefined;
    if (samplePercentage !== undefined && samplePercentage < 100) {
      const sampled = sampleIndices(this.firstRowOf[k]!, piece.numRows, samplePercentage);
      indices = indices ? intersectSorted(indices, sampled) : sampled;
    }
    const projected = projection.apply(piece);
    const kept = indices && indices.length !== piece.numRows ? takeRows(projected, indices) : projected;
    let unit: EncodedUnit;
    if (kept.numRows === 0) unit = { rowCount: 0, message: Buffer.alloc(0) };
    else {
      const message = bufferView(encodeBatchMessage(kept, schemaBytes, bufferCompression));
      unit = responseCompression ? { rowCount: kept.numRows, ...responseCompressed(message) } : { rowCount: kept.numRows, message };
    }
    this.counters.unitsEncoded++;
    this.grew(unit.message.byteLength);
    return unit;
  }
}
