import type { Expr } from '../row-restriction/ast.js';
import type { SourcePosition } from '../row-restriction/errors.js';

export interface Named {
  readonly name: string;
  readonly position: SourcePosition;
}

export type SelectItem =
  /** `*` or `* EXCEPT (a, b)`. */
  | { readonly kind: 'star'; readonly except: readonly Named[]; readonly position: SourcePosition }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias: string | undefined; readonly position: SourcePosition };

export interface OrderKey {
  readonly expr: Expr;
  readonly descending: boolean;
  /** Where NULLs go; undefined takes BigQuery's default (first when ascending, last when descending). */
  readonly nullsFirst: boolean | undefined;
}

/** The one statement the emulator runs: SELECT ... [FROM one table] [WHERE] [ORDER BY] [LIMIT [OFFSET]]. */
export interface SelectStatement {
  readonly items: readonly SelectItem[];
  /** The table's name as written, split at its dots (`p.d.t` backquoted whole or in parts). */
  readonly from: { readonly path: readonly string[]; readonly position: SourcePosition } | undefined;
  readonly where: Expr | undefined;
  readonly orderBy: readonly OrderKey[];
  readonly limit: bigint | undefined;
  readonly offset: bigint | undefined;
}
