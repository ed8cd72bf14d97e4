import { Data, RecordBatch, Struct, makeData, type Schema, type Table } from 'apache-arrow';

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

function isTable(source: BatchSource): source is Table {
  return 'batches' in source && 'schema' in source;
}

function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 }));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }) as Data<Struct>);
}

/**
 * Starts the source and learns its schema: the session's for a `readBatches` stream (its first
 * batch is awaited first, since the session is created when iteration starts), else the first
 * batch's, else `schema`.
 */
export async function openSource(source: BatchSource, schema?: Schema): Promise<OpenedSource> {
  if (isTable(source)) return openSource(source.batches, source.schema);
  const iterator: AsyncIterator<RecordBatch> | Iterator<RecordBatch> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const first = await iterator.next();
  const known = hasSession(source) ? (await source.session).schema : first.done ? schema : first.value.schema;
  if (!known) throw new TypeError('the source yielded no batches and no schema was given');
  async function* batches(): AsyncGenerator<RecordBatch> {
    let done = false;
    try {
      if (first.done) {
        done = true;
        yield emptyBatch(known!);
        return;
      }
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A consumer that stops early (a failed write) stops the read too.
      if (!done) await iterator.return?.();
    }
  }
  return { schema: known, batches: batches() };
}
