// The part files of one export, written in parallel: what writeParts (a read into a directory) and
// a plan's shard (src/plan/write-shard-parts.ts) share; each names its parts and writes its manifest.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParquetOptions } from '../parquet-options.js';
import type { PartFile } from './manifest.js';
import type { PartFeed } from './part-feed.js';
import type { PartFormat } from './part-messages.js';
import { PartWriter } from './part-writer.js';

export interface PartFilesOptions {
  readonly format: PartFormat;
  /** Parts written at once, each by a thread of its own. */
  readonly parts: number;
  /** A part that has written this many bytes is finished and the next started in its place; none: one part a thread. */
  readonly partBytes?: number;
  readonly parquet: Required<ParquetOptions>;
  readonly signal?: AbortSignal;
  /** Called as the parts write, with the bytes written so far by all of them (a progress display's write rate). */
  readonly onWritten?: (bytes: number) => void;
}

/**
 * How much a part writes between reports of its size (with a report per output chunk, postMessage
 * took 4% of a part thread's profile).
 */
const REPORT_BYTES = 1 << 20;

/** A place for one part at a time: the part being written, or the one before it finishing. */
interface Slot {
  writer?: PartWriter;
  finishing?: Promise<unknown>;
}

/**
 * Writes `source` as part files (Parquet or Arrow IPC) in `dir`, named by `partName` in the order
 * they start: each complete and valid on its own, under a temporary name until then. Each batch goes to the part
 * with the fewest batches in flight, so the parts' rows are about equal and a slow part does not
 * hold the others up; row order across parts is not kept, as in Spark's and BigQuery's exports.
 * With `partBytes`, a part that has reached that size is finished at its next batch and a new one
 * started in its place once it is done (so no more writers are ever open than `parts`). On failure
 * or abort every part written is removed. The parts are listed in the order they were started.
 */
export async function writePartFiles(feed: PartFeed, dir: string, partName: (index: number) => string, options: PartFilesOptions): Promise<PartFile[]> {
  // The parts' threads only encode (a Parquet part's without apache-arrow): the feed's IPC streams
  // are made where the batches are (part-feed.ts).
  const { chunks, empty } = feed;
  const started: PartWriter[] = [];
  // Often enough for a part size to be met within a sixteenth of it, and for a progress display.
  const reportBytes = Math.min(REPORT_BYTES, Math.ceil((options.partBytes ?? Infinity) / 16));
  let written = 0;
  const onWrote = options.onWritten && ((bytes: number) => options.onWritten!((written += bytes)));
  const start = () => {
    const name = partName(started.length);
    const writer = new PartWriter(name, { path: join(dir, name), format: options.format, parquet: options.parquet, reportBytes }, onWrote);
    started.push(writer);
    return writer;
  };
  const slots: Slot[] = Array.from({ length: options.parts }, () => ({ writer: start() }));
  const throwIfFailed = () => {
    const failed = started.find((p) => p.error !== undefined);
    if (failed) throw failed.error;
  };
  const finish = (slot: Slot) => {
    const writer = slot.writer!;
    writer.send({ type: 'end' });
    slot.writer = undefined;
    slot.finishing = writer.result.finally(() => (slot.finishing = undefined)).catch(() => undefined);
  };
  async function nextWriter(): Promise<PartWriter> {
    for (;;) {
      throwIfFailed();
      if (options.partBytes !== undefined) for (const slot of slots) if (slot.writer && slot.writer.bytesWritten >= options.partBytes) finish(slot);
      const free = slots.find((slot) => !slot.writer && !slot.finishing);
      if (free) return (free.writer = start());
      const writers = slots.flatMap((slot) => (slot.writer ? [slot.writer] : []));
      if (writers.length > 0) {
        return writers.reduce((best, p) => (p.inFlight < best.inFlight || (p.inFlight === best.inFlight && p.rowsSent < best.rowsSent) ? p : best));
      }
      await Promise.race(slots.flatMap((slot) => (slot.finishing ? [slot.finishing] : [])));
    }
  }
  const stop = () => started.forEach((part) => part.send({ type: 'abort' }));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of chunks) {
      options.signal?.throwIfAborted();
      if (chunk.rows === 0) continue;
      const part = await nextWriter();
      await part.room();
      throwIfFailed();
      part.sendBatch(chunk.ipcs, chunk.rows);
    }
    options.signal?.throwIfAborted();
    for (const slot of slots) {
      // A part with no rows still holds the schema, as a single file of none does; one that would
      // only have replaced a finished part is never started.
      if (slot.writer?.rowsSent === 0) slot.writer.sendBatch(empty(), 0);
      if (slot.writer) finish(slot);
    }
    return await Promise.all(started.map((part) => part.result));
  } catch (err) {
    stop();
    await chunks.return(undefined);
    // A part that did not finish has removed its temporary file; one that did is put in its place
    // now, and only those are removed (a file of that name from before is never touched).
    const settled = await Promise.allSettled(started.map((part) => part.result));
    await Promise.all(started.filter((_, k) => settled[k]!.status === 'fulfilled').map((part) => rm(join(dir, part.name), { force: true })));
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await Promise.all(started.map((part) => part.worker.terminate()));
  }
}
