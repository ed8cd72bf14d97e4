import type { DataType } from 'apache-arrow';
import type { CompareOp } from './ast.js';
import type { LikePattern } from './like.js';
import type { ScalarTypeName, SqlType } from './types.js';
import type { SqlValue } from './values.js';

/**
 * The type-checked restriction the evaluator compiles. Constants inside `compare` and `in`
 * are already converted to the comparison's common `type`; columns keep their own type
 * and are converted while reading.
 */

/** A (possibly nested) column: child indices from the record batch down to the leaf. */
export interface ColumnRef {
  readonly indices: readonly number[];
  /** Schema names along the path, for messages. */
  readonly names: readonly string[];
  readonly type: SqlType;
  /** The leaf's Arrow type, to check that a batch matches the compiled schema. */
  readonly arrowType: DataType;
}

export type ValueExpr =
  | { readonly node: 'column'; readonly column: ColumnRef }
  | { readonly node: 'constant'; readonly type: SqlType; readonly value: SqlValue | null }
  /** A BOOL-valued sub-expression used as a value, as in (a = 1) = (b = 2). */
  | { readonly node: 'predicate'; readonly predicate: Predicate };

export type Predicate =
  | { readonly node: 'compare'; readonly op: CompareOp; readonly type: ScalarTypeName; readonly left: ValueExpr; readonly right: ValueExpr }
  | { readonly node: 'in'; readonly type: ScalarTypeName; readonly operand: ValueExpr; readonly list: readonly ValueExpr[] }
  | { readonly node: 'like'; readonly operand: ValueExpr; readonly pattern: LikePattern }
  | { readonly node: 'and' | 'or'; readonly left: Predicate; readonly right: Predicate }
  | { readonly node: 'not'; readonly operand: Predicate }
  | { readonly node: 'isNull'; readonly operand: ValueExpr }
  /** IS TRUE / IS FALSE: never NULL. */
  | { readonly node: 'is'; readonly operand: Predicate; readonly value: boolean }
  /** A BOOL column used as a condition. */
  | { readonly node: 'column'; readonly column: ColumnRef }
  | { readonly node: 'constant'; readonly value: boolean | null };
