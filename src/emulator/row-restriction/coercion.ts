import { scalarType, type ScalarType, type ScalarTypeName } from './types.js';

/** Literals without an explicit type, which GoogleSQL implicitly coerces ("literal coercion"). */
export type UntypedLiteral = 'integer' | 'float' | 'string' | 'null';

export interface CoercionInput {
  readonly type: ScalarType;
  readonly literal: UntypedLiteral | undefined;
}

const NUMERIC_RANK: Readonly<Partial<Record<ScalarTypeName, number>>> = { INT64: 0, NUMERIC: 1, BIGNUMERIC: 2, FLOAT64: 3 };

const LITERAL_TARGETS: Readonly<Record<Exclude<UntypedLiteral, 'null'>, readonly ScalarTypeName[]>> = {
  integer: ['INT64', 'NUMERIC', 'BIGNUMERIC', 'FLOAT64'],
  float: ['FLOAT64', 'NUMERIC', 'BIGNUMERIC'],
  string: ['STRING', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP'],
};

/** GoogleSQL's supertype of two scalar types: INT64 < NUMERIC < BIGNUMERIC < FLOAT64, DATE < DATETIME. */
function superType(a: ScalarType, b: ScalarType): ScalarType | undefined {
  if (a.kind === b.kind) return a;
  const rankA = NUMERIC_RANK[a.kind];
  const rankB = NUMERIC_RANK[b.kind];
  if (rankA !== undefined && rankB !== undefined) return rankA > rankB ? a : b;
  const kinds = new Set([a.kind, b.kind]);
  return kinds.has('DATE') && kinds.has('DATETIME') ? scalarType('DATETIME') : undefined;
}

const literalFits = (literal: UntypedLiteral | undefined, type: ScalarType) =>
  literal === undefined || literal === 'null' || LITERAL_TARGETS[literal].includes(type.kind);

/**
 * The type a set of operands is compared in, or undefined when they have none.
 * Typed operands (columns, typed literals, casts) decide it; untyped literals take that type when
 * GoogleSQL's literal coercion allows (1 or 1.5 against NUMERIC, '2020-01-01' against DATE),
 * and otherwise widen it (1.5 against INT64 compares as FLOAT64). Only NULLs: INT64, as in GoogleSQL.
 */
export function comparisonType(inputs: readonly CoercionInput[]): ScalarType | undefined {
  let common: ScalarType | undefined;
  for (const input of inputs) {
    if (input.literal !== undefined) continue;
    common = common ? superType(common, input.type) : input.type;
    if (!common) return undefined;
  }
  for (const input of inputs) {
    if (input.literal === undefined || input.literal === 'null') continue;
    if (!common) common = input.type;
    else if (!literalFits(input.literal, common)) common = superType(common, input.type);
    if (!common) return undefined;
  }
  if (!common) return scalarType('INT64');
  const widened = common;
  return inputs.every((input) => literalFits(input.literal, widened)) ? common : undefined;
}
