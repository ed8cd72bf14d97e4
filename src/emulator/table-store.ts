import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { formatTablePath, type TablePath } from '../protocol/names.js';

/** One committed write: the rows it added and when (time travel reads rows committed by then). */
export interface TableVersion {
  readonly committedAtMs: number;
  readonly batches: readonly RecordBatch[];
}

/** Tells tables apart in the encoding cache, a replaced table from the one it replaced. */
let nextUid = 1;

export class StoredTable {
  readonly versions: TableVersion[] = [];
  readonly uid = nextUid++;
  /** Bumped on every write so caches of encoded batches know when they are stale. */
  generation = 0;

  constructor(
    readonly path: TablePath,
    readonly schema: Schema,
    readonly createdAtMs: number,
  ) {}

  get name(): string {
    return formatTablePath(this.path);
  }

  /** Every committed row as one table (what a query reads). */
  asTable(): Table {
    return new Table(this.schema, this.batchesAsOf());
  }

  get numRows(): number {
    return this.versions.reduce((n, v) => n + v.batches.reduce((m, b) => m + b.numRows, 0), 0);
  }

  /** When the last write committed. */
  get lastModifiedMs(): number {
    return this.versions.at(-1)?.committedAtMs ?? this.createdAtMs;
  }

  /** Rows visible at `snapshotMs` (all rows when undefined), in commit order. */
  batchesAsOf(snapshotMs?: number): RecordBatch[] {
    const visible = snapshotMs === undefined ? this.versions : this.versions.filter((v) => v.committedAtMs <= snapshotMs);
    return visible.flatMap((v) => v.batches);
  }
}

/** Zero-row batches carry nothing to serve (and arrow's slices of them are not well formed). */
const nonEmpty = (table: Table): RecordBatch[] => table.batches.filter((b) => b.numRows > 0);

const schemaSignature = (schema: Schema): string =>
  schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`).join(',');

export class TableStore {
  private readonly tables = new Map<string, StoredTable>();

  /** Registers (or replaces) a table. */
  put(path: TablePath, table: Table, nowMs = Date.now()): StoredTable {
    const stored = new StoredTable(path, table.schema, nowMs);
    stored.versions.push({ committedAtMs: nowMs, batches: nonEmpty(table) });
    this.tables.set(formatTablePath(path), stored);
    return stored;
  }

  /** Appends rows as a new committed version, as a streaming insert or load job would. */
  append(path: TablePath, rows: Table, nowMs = Date.now()): StoredTable {
    const stored = this.get(path);
    if (!stored) throw new Error(`table ${formatTablePath(path)} is not registered`);
    if (schemaSignature(rows.schema) !== schemaSignature(stored.schema)) {
      throw new Error(`appended rows do not match the schema of ${formatTablePath(path)}`);
    }
    stored.versions.push({ committedAtMs: nowMs, batches: nonEmpty(rows) });
    stored.generation++;
    return stored;
  }

  /** Drops a table (a let-go job's anonymous result); false when there was none. */
  delete(path: TablePath): boolean {
    return this.tables.delete(formatTablePath(path));
  }

  get(path: TablePath): StoredTable | undefined {
    return this.tables.get(formatTablePath(path));
  }

  list(): StoredTable[] {
    return [...this.tables.values()];
  }
}
