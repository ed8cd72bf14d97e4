import type { Expr, ParameterRef } from '../row-restriction/ast.js';
import type { SourcePosition } from '../row-restriction/errors.js';

export interface Named {
  readonly name: string;
  readonly position: SourcePosition;
}

export type SelectItem =
  /** `*` or `* EXCEPT (a, b)`, or `t.*` with the table's alias or name. */
  | { readonly kind: 'star'; readonly qualifier: Named | undefined; readonly except: readonly Named[]; readonly position: SourcePosition }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias: string | undefined; readonly position: SourcePosition };

export interface OrderKey {
  readonly expr: Expr;
  readonly descending: boolean;
  /** Where NULLs go; undefined takes BigQuery's default (first when ascending, last when descending). */
  readonly nullsFirst: boolean | undefined;
}

/** LIMIT's and OFFSET's count: an integer literal, or an INT64 query parameter. */
export type Count =
  | { readonly kind: 'literal'; readonly value: bigint }
  | { readonly kind: 'parameter'; readonly parameter: ParameterRef; readonly position: SourcePosition };

/** The one statement the emulator runs: SELECT ... [FROM one table] [WHERE] [ORDER BY] [LIMIT [OFFSET]]. */
export interface SelectStatement {
  readonly items: readonly SelectItem[];
  /**
   * The table's name as written, split at its dots (`p.d.t` backquoted whole or in parts), and the
   * name columns may be qualified with: its alias, else the table's own name.
   */
  readonly from: { readonly path: readonly string[]; readonly alias: string; readonly position: SourcePosition } | undefined;
  readonly where: Expr | undefined;
  readonly orderBy: readonly OrderKey[];
  readonly limit: Count | undefined;
  readonly offset: Count | undefined;
}
