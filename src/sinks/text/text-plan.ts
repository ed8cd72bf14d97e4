// How each column of a schema is written as text: plain data made once per schema from the Arrow
// schema (../text-plans.ts), so that it travels to a worker thread in its task and the worker
// formats without apache-arrow.

/** How a scalar value's text is read from its buffers. */
export type ScalarPlan =
  | { readonly kind: 'int' }
  | { readonly kind: 'float' }
  | { readonly kind: 'decimal'; readonly words: number; readonly scale: number }
  | { readonly kind: 'utf8' }
  /** `byteWidth` 0: variable-width binary (offsets); else fixed-size binary of that width. */
  | { readonly kind: 'bytes'; readonly byteWidth: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'date' }
  /** `unit` is Arrow's TimeUnit (SECOND .. NANOSECOND). */
  | { readonly kind: 'timestamp'; readonly unit: number; readonly utc: boolean }
  | { readonly kind: 'time'; readonly unit: number }
  /** `unit` is Arrow's IntervalUnit (YEAR_MONTH, DAY_TIME, MONTH_DAY_NANO). */
  | { readonly kind: 'interval'; readonly unit: number };

/**
 * How BigQuery's JSON export writes a scalar: its text inline (a JSON column), as a bare literal
 * (BOOL), as a number with NaN and the infinities as strings (FLOAT64), or as a string: escaped
 * (text from the table), or only quoted (text this library makes, digits, dates and base64, which
 * holds nothing JSON or HTML must escape).
 */
export type JsonForm = 'inline' | 'literal' | 'number' | 'string' | 'quoted';

export type ValuePlan =
  | { readonly kind: 'scalar'; readonly text: ScalarPlan; readonly json: JsonForm }
  | { readonly kind: 'list'; readonly item: ValuePlan }
  | { readonly kind: 'record'; readonly fields: readonly FieldPlan[] };

export interface FieldPlan {
  readonly name: string;
  readonly value: ValuePlan;
}

export type TextFormat = 'ndjson' | 'csv';

/** A schema's rows as NDJSON (any columns) or CSV (scalar columns only, checked when the plan is made). */
export interface TextPlan {
  readonly format: TextFormat;
  readonly fields: readonly FieldPlan[];
}
