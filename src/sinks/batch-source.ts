import { Data, RecordBatch, Struct, makeBuilder, makeData, type Schema, type Table } from 'apache-arrow';
import { schemaFields } from '../arrow/child-fields.js';
import type { FormattedRows } from '../read/read-batches.js';
import type { OutputPlan } from './output-plan.js';

/** What a sink reads: a `readBatches` stream (or any async iterable of batches), or a Table. */
export type BatchSource = AsyncIterable<RecordBatch> | Iterable<RecordBatch> | Table;

/** A `readBatches` stream carries its session, and with it the schema even of an empty table. */
interface WithSession {
  readonly session: Promise<{ readonly schema: Schema }>;
}

export interface OpenedSource {
  readonly schema: Schema;
  /** Every batch; a zero-row batch of `schema` when the source had none, so files still carry the schema. */
  readonly batches: AsyncGenerator<RecordBatch>;
}

function hasSession(source: unknown): source is WithSession {
  return typeof source === 'object' && source !== null && 'session' in source && (source as WithSession).session instanceof Promise;
}

/** A `readBatches` stream, which can make an output's bytes where it reads each batch. */
export interface FormattingSource extends WithSession {
  readonly session: Promise<{ readonly schema: Schema; readonly estimatedTotalBytesScanned?: number }>;
  /** Its batches come in session order; else as they arrive, an order no output needs to keep. */
  readonly ordered: boolean;
  formatted(plan: OutputPlan): AsyncIterable<FormattedRows>;
}

export function formats(source: BatchSource): source is BatchSource & FormattingSource {
  return hasSession(source) && typeof (source as Partial<FormattingSource>).formatted === 'function';
}

function isTable(source: BatchSource): source is Table {
  return 'batches' in source && 'schema' in source;
}

/**
 * A zero-row batch of `schema`. Each column comes from arrow's own builder, which gives a list its
 * child and a struct its fields (makeData alone, as RecordBatch's own empty form, leaves them out,
 * and arrow's writers then fail on any REPEATED or RECORD column).
 */
export function emptyBatch(schema: Schema): RecordBatch {
  const fields = schemaFields(schema);
  const children = fields.map((f) => makeBuilder({ type: f.type }).finish().flush() as Data);
  return new RecordBatch(schema, makeData({ type: new Struct([...fields]), length: 0, nullCount: 0, children }));
}

/**
 * Learns the source's schema and hands out its batches: a `readBatches` stream's session gives the
 * schema before any row is read (so a sink can refuse a schema before the read starts); other
 * sources give their first batch's, else `schema`.
 */
export async function openSource(source: BatchSource, schema?: Schema): Promise<OpenedSource> {
  if (isTable(source)) return openSource(source.batches, source.schema);
  const iterate = (): AsyncIterator<RecordBatch> | Iterator<RecordBatch> =>
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  if (hasSession(source)) {
    const known = (await source.session).schema;
    return { schema: known, batches: withSchema(known, iterate) };
  }
  const iterator = iterate();
  const first = await iterator.next();
  const known = first.done ? schema : first.value.schema;
  if (!known) throw new TypeError('the source yielded no batches and no schema was given');
  return { schema: known, batches: withSchema(known, () => iterator, first) };
}

/** The source's batches (after `first`, when one was taken already), or one empty batch if there are none. */
async function* withSchema(
  schema: Schema,
  iterate: () => AsyncIterator<RecordBatch> | Iterator<RecordBatch>,
  first?: IteratorResult<RecordBatch>,
): AsyncGenerator<RecordBatch> {
  const iterator = iterate();
  let done = false;
  let any = false;
  try {
    for (let next = first ?? (await iterator.next()); !next.done; next = await iterator.next()) {
      any = true;
      yield next.value;
    }
    done = true;
    if (!any) yield emptyBatch(schema);
  } finally {
    // A consumer that stops early (a failed write) stops the read too.
    if (!done) await iterator.return?.();
  }
}
