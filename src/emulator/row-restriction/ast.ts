import type { SourcePosition } from './errors.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** Type names that may prefix a string to form a typed literal (DATE '2020-01-01'). */
export const TYPED_LITERAL_TYPES = ['DATE', 'DATETIME', 'TIMESTAMP', 'TIME', 'NUMERIC', 'BIGNUMERIC'] as const;
export type TypedLiteralType = (typeof TYPED_LITERAL_TYPES)[number];

export type Literal =
  | { readonly kind: 'integer'; readonly value: bigint; readonly text: string }
  | { readonly kind: 'float'; readonly value: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'typed'; readonly type: TypedLiteralType; readonly value: string };

export type ParameterRef = { readonly mode: 'named'; readonly name: string } | { readonly mode: 'positional'; readonly index: number };

/** Parsed restriction, before names and types are resolved. `position` is where the expression starts. */
export type Expr =
  | { readonly kind: 'literal'; readonly literal: Literal; readonly position: SourcePosition }
  | { readonly kind: 'column'; readonly path: readonly string[]; readonly position: SourcePosition }
  /** A query parameter: `@name`, or the `index`-th (from 0) positional `?` of the text. */
  | { readonly kind: 'parameter'; readonly parameter: ParameterRef; readonly position: SourcePosition }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly targetType: string; readonly position: SourcePosition }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr; readonly position: SourcePosition }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly position: SourcePosition }
  | { readonly kind: 'not'; readonly operand: Expr; readonly position: SourcePosition }
  | { readonly kind: 'in'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly position: SourcePosition }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean; readonly position: SourcePosition }
  | { readonly kind: 'like'; readonly operand: Expr; readonly pattern: Expr; readonly negated: boolean; readonly position: SourcePosition }
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly negated: boolean; readonly position: SourcePosition }
  | { readonly kind: 'isBool'; readonly operand: Expr; readonly value: boolean; readonly negated: boolean; readonly position: SourcePosition };
