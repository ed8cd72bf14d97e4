// Random BigQuery tables for property-based tests: schemas of every column type (nested and
// repeated, nullable or not) and rows as `bq load` NDJSON, with the NULLs, empty strings and
// empty arrays real tables are full of at high rates.
import fc from 'fast-check';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';

const MICROS_PER_DAY = 86_400_000_000;
const MIN_DAY = -719_162; // 0001-01-01
const MAX_DAY = 2_932_896; // 9999-12-31

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0');
const dateText = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
function timeText(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(micros % 1_000_000, 6)}`;
}

/** A decimal's text from its unscaled value. */
function decimalText(unscaled: bigint, scale: number): string {
  const sign = unscaled < 0n ? '-' : '';
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const day = fc.integer({ min: MIN_DAY, max: MAX_DAY });
const microOfDay = fc.integer({ min: 0, max: MICROS_PER_DAY - 1 });
/** A point in time as [day, micro of day], ordered as the pair. */
const instant = fc.tuple(day, microOfDay);

type Bound = 'DATE' | 'DATETIME' | 'TIMESTAMP';
const boundText = (type: Bound, [d, us]: [number, number]) =>
  type === 'DATE' ? dateText(d) : type === 'DATETIME' ? `${dateText(d)}T${timeText(us)}` : `${dateText(d)} ${timeText(us)}+00:00`;

function rangeValue(type: Bound): fc.Arbitrary<string> {
  const point = type === 'DATE' ? day.map((d): [number, number] => [d, 0]) : instant;
  return fc.tuple(fc.option(point, { freq: 3 }), fc.option(point, { freq: 3 })).map(([a, b]) => {
    const key = (p: [number, number]) => p[0] * MICROS_PER_DAY + p[1];
    // BigQuery requires start < end when both are bounded.
    if (a && b && key(a) >= key(b)) return `[${boundText(type, b)}, UNBOUNDED)`;
    return `[${a ? boundText(type, a) : 'UNBOUNDED'}, ${b ? boundText(type, b) : 'UNBOUNDED'})`;
  });
}

const intervalValue = fc
  .record({
    negative: fc.boolean(), years: fc.integer({ min: 0, max: 9999 }), months: fc.integer({ min: 0, max: 11 }),
    days: fc.integer({ min: -3_660_000, max: 3_660_000 }), negativeTime: fc.boolean(), hours: fc.integer({ min: 0, max: 2_562_000 }),
    minutes: fc.integer({ min: 0, max: 59 }), seconds: fc.integer({ min: 0, max: 59 }), micros: fc.integer({ min: 0, max: 999_999 }),
  })
  .map((v) => `${v.negative ? '-' : ''}${v.years}-${v.months} ${v.days} ${v.negativeTime ? '-' : ''}${v.hours}:${v.minutes}:${v.seconds}.${pad(v.micros, 6)}`);

/** Text a CSV or JSON writer must escape, and text that needs none. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('a,b', '"quoted"', 'two\nlines', '<&>', ' ', '\t', 'NULL') },
);

const coordinate = fc.integer({ min: -180_000, max: 180_000 }).map((n) => n / 1000);
const wkt = fc.oneof(
  fc.tuple(coordinate, coordinate).map(([x, y]) => `POINT(${x} ${y})`),
  fc.array(fc.tuple(coordinate, coordinate), { minLength: 2, maxLength: 3 }).map((points) => `LINESTRING(${points.map(([x, y]) => `${x} ${y}`).join(', ')})`),
);

const INT64_MAX = 2n ** 63n - 1n;
const BIGNUMERIC_MAX = 2n ** 255n - 1n;

/** The scalar types a generated column may have, each with a generator of its NDJSON values. */
const SCALARS: readonly { readonly field: Omit<BqField, 'name'>; readonly value: fc.Arbitrary<unknown> }[] = [
  { field: { type: 'INT64' }, value: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.bigInt(-INT64_MAX - 1n, INT64_MAX).map(String)) },
  { field: { type: 'FLOAT64' }, value: fc.double().map((x) => (Number.isFinite(x) ? x : String(x))) },
  { field: { type: 'NUMERIC' }, value: fc.bigInt(-(10n ** 38n) + 1n, 10n ** 38n - 1n).map((n) => decimalText(n, 9)) },
  { field: { type: 'NUMERIC', precision: '10', scale: '2' }, value: fc.bigInt(-(10n ** 10n) + 1n, 10n ** 10n - 1n).map((n) => decimalText(n, 2)) },
  { field: { type: 'BIGNUMERIC' }, value: fc.bigInt(-BIGNUMERIC_MAX, BIGNUMERIC_MAX).map((n) => decimalText(n, 38)) },
  { field: { type: 'BIGNUMERIC', precision: '40', scale: '5' }, value: fc.bigInt(-(10n ** 40n) + 1n, 10n ** 40n - 1n).map((n) => decimalText(n, 5)) },
  { field: { type: 'STRING' }, value: text },
  { field: { type: 'BYTES' }, value: fc.oneof(fc.constant(new Uint8Array()), fc.uint8Array({ maxLength: 5 })).map((b) => Buffer.from(b).toString('base64')) },
  { field: { type: 'BOOL' }, value: fc.boolean() },
  { field: { type: 'DATE' }, value: day.map(dateText) },
  { field: { type: 'DATETIME' }, value: instant.map((p) => boundText('DATETIME', p)) },
  { field: { type: 'TIME' }, value: microOfDay.map(timeText) },
  { field: { type: 'TIMESTAMP' }, value: instant.map((p) => boundText('TIMESTAMP', p)) },
  { field: { type: 'GEOGRAPHY' }, value: wkt },
  { field: { type: 'JSON' }, value: fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null) },
  { field: { type: 'INTERVAL' }, value: intervalValue },
  ...(['DATE', 'DATETIME', 'TIMESTAMP'] as const).map((element) => ({ field: { type: 'RANGE', rangeElementType: { type: element } }, value: rangeValue(element) })),
];

export interface GeneratedColumn {
  readonly field: BqField;
  /** NDJSON values of the column, NULLs and empty arrays included. */
  readonly value: fc.Arbitrary<unknown>;
}

const mode = fc.constantFrom<BqField['mode']>('NULLABLE', 'NULLABLE', 'NULLABLE', 'REPEATED', 'REPEATED', 'REQUIRED');

/** A column of the schema: a scalar, or (while `depth` allows) a RECORD of more columns. */
function column(name: string, depth: number): fc.Arbitrary<GeneratedColumn> {
  const scalar = fc.constantFrom(...SCALARS).map(({ field, value }) => ({ field: { name, ...field }, value }));
  const kind = depth > 0 ? fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: record(name, depth - 1) }) : scalar;
  return fc.tuple(kind, mode).map(([col, m]) => withMode(col, m));
}

function record(name: string, depth: number): fc.Arbitrary<GeneratedColumn> {
  return fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => column(`c${i}`, depth)))).map((children) => ({
    field: { name, type: 'RECORD', fields: children.map((c) => c.field) },
    value: fc.record(Object.fromEntries(children.map((c) => [c.field.name, c.value]))),
  }));
}

function withMode(col: GeneratedColumn, m: BqField['mode']): GeneratedColumn {
  const field = { ...col.field, mode: m };
  if (m === 'REQUIRED') return { field, value: col.value };
  if (m === 'REPEATED') {
    // Mostly empty arrays; null stands for an empty array in `bq load` NDJSON.
    const items = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.array(col.value, { minLength: 1, maxLength: 3 }) });
    return { field, value: items };
  }
  return { field, value: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: col.value }) };
}

export interface GeneratedTable {
  /** `id` (REQUIRED INT64, the row's number) and the generated columns. */
  readonly fields: BqField[];
  /** The rows as NDJSON text. */
  readonly ndjson: string;
  readonly rows: number;
}

/** A table of 0..maxRows rows; most columns hold mostly NULLs, empty strings and empty arrays. */
export function generatedTable(maxRows: number): fc.Arbitrary<GeneratedTable> {
  return fc
    .integer({ min: 1, max: 5 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => column(`col${i}`, 2))))
    .chain((columns) => {
      // Some columns are a single shape in every row (all NULL, all '', all []), others vary.
      const perColumn = columns.map((c) => fc.oneof({ weight: 1, arbitrary: c.value.map((v) => fc.constant(v)) }, { weight: 2, arbitrary: fc.constant(c.value) }));
      return fc.tuple(fc.constant(columns), fc.tuple(...perColumn));
    })
    .chain(([columns, values]) => {
      const row = fc.tuple(...values);
      // Empty and one-row tables often, and tables that span several batches and streams.
      const rowsOf = fc.oneof(fc.array(row, { maxLength: 2 }), fc.array(row, { maxLength: maxRows, size: 'max' }));
      return rowsOf.map((rows) => ({
        fields: [{ name: 'id', type: 'INT64', mode: 'REQUIRED' }, ...columns.map((c) => c.field)],
        rows: rows.length,
        ndjson: rows.map((cells, id) => JSON.stringify(Object.fromEntries([['id', id], ...columns.map((c, k) => [c.field.name, cells[k]])]))).join('\n'),
      }));
    });
}
