// What a query's FROM can name: the emulator's tables, and its logical views (a query text under
// a table's name); and the results registered for exact query texts the subset cannot run.
import type * as arrow from 'apache-arrow';
import { formatTablePath, type TablePath } from '../../protocol/names.js';
import type { TableStore } from '../table-store.js';
import type { QuerySource } from './run-query.js';

export interface View {
  readonly path: TablePath;
  readonly sql: string;
  readonly createdAtMs: number;
}

export class Catalog {
  private readonly views = new Map<string, View>();
  private readonly canned = new Map<string, arrow.Table>();

  constructor(readonly tables: TableStore) {}

  /** Registers (or replaces) a logical view. */
  addView(path: TablePath, sql: string, nowMs = Date.now()): void {
    this.views.set(formatTablePath(path), { path, sql, createdAtMs: nowMs });
  }

  view(path: TablePath): View | undefined {
    return this.views.get(formatTablePath(path));
  }

  setQueryResult(sql: string, table: arrow.Table): void {
    this.canned.set(sql, table);
  }

  /** The result registered for this exact text (or for it without surrounding white space). */
  cannedResult(sql: string): arrow.Table | undefined {
    return this.canned.get(sql) ?? this.canned.get(sql.trim());
  }

  lookup(path: TablePath): QuerySource | undefined {
    const view = this.view(path);
    if (view) return { kind: 'view', sql: view.sql };
    const stored = this.tables.get(path);
    if (!stored) return undefined;
    return { kind: 'table', table: stored.asTable() };
  }
}
