import type { RecordBatch, Schema } from 'apache-arrow';
import { analyzeRowRestriction } from './analyze.js';
import { compilePredicate, filterRows } from './evaluate.js';
import { parseRowRestriction } from './parser.js';

export { BatchSchemaMismatchError, RowRestrictionError, type SourcePosition } from './errors.js';

/** A row restriction checked against a table schema, ready to filter that table's record batches. */
export interface CompiledRestriction {
  readonly text: string;
  /** Top-level column names the restriction reads. */
  readonly referencedColumns: readonly string[];
  /** Indices (ascending) of the rows of `batch` for which the predicate is TRUE (NULL and FALSE drop the row). */
  filter(batch: RecordBatch): Int32Array;
}

/**
 * Parses and type-checks a BigQuery Storage Read API `row_restriction` against `schema`, so a bad
 * restriction fails when the session is created. Throws RowRestrictionError with BigQuery-style
 * messages; empty text is an error too (callers treat an empty restriction as "no filter").
 *
 * Supported: = != <> < <= > >=, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE, IS [NOT] NULL/TRUE/FALSE,
 * AND/OR/NOT, parentheses; columns (`quoted`, nested a.b.c); literals of every scalar type, typed
 * literals and CAST of literals; GoogleSQL coercions (INT64 -> NUMERIC -> BIGNUMERIC -> FLOAT64,
 * DATE -> DATETIME, string literals -> date/time types). FLOAT64 NaN compares as in IEEE 754
 * (never =, <, >; always !=). Rejected with an error naming the limitation: arithmetic, function
 * calls, CAST of columns, non-literal LIKE patterns, STRUCT equality. Time zones must be Z, UTC or
 * an offset; named zones (America/New_York) make the literal invalid.
 */
export function compileRowRestriction(text: string, schema: Schema): CompiledRestriction {
  const analyzed = analyzeRowRestriction(parseRowRestriction(text), schema);
  const predicate = compilePredicate(analyzed.predicate);
  return {
    text,
    referencedColumns: analyzed.referencedColumns,
    filter: (batch) => filterRows(predicate, batch),
  };
}
