import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Schema } from 'apache-arrow';
import { emptyBatch, openSource, type BatchSource } from '../batch-source.js';
import { SinkOutputError } from '../output.js';
import { resolveParquetOptions, type ParquetOptions } from '../parquet-options.js';
import { parquetIpcSlices } from '../parquet-slices.js';
import { partFileName, writeManifest, type PartFile, type PartsManifest } from './manifest.js';
import type { FromPart, PartTask, ToPart } from './part-messages.js';

const PART_THREAD = new URL('./part-thread.js', import.meta.url);
/**
 * Batches sent to a part and not yet taken by its writer: one being encoded, one waiting, so a
 * part never idles for want of a batch and the parts together hold only a few batches.
 */
const MAX_IN_FLIGHT = 2;

export interface PartsOptions {
  /** Part files, each written by a thread of its own; default 2. */
  readonly parts?: number;
  /** Index of the first part's name (`part-<first>.parquet`), so that writers of one export (shards) can share a directory. */
  readonly firstPart?: number;
  readonly parquet?: ParquetOptions;
  /** Schema for a plain iterable that may yield no batches (a `readBatches` stream knows its own). */
  readonly schema?: Schema;
  readonly signal?: AbortSignal;
}

export interface PartsResult extends PartsManifest {
  /** The manifest's path. */
  readonly manifest: string;
}

/** One part: its thread, and its batches in flight. */
class Part {
  readonly worker: Worker;
  inFlight = 0;
  rowsSent = 0;
  /** Set once the part has failed, so the write stops at the next batch. */
  error: unknown;
  readonly result: Promise<PartFile>;
  private taken: (() => void) | undefined;

  constructor(readonly name: string, task: PartTask) {
    this.worker = new Worker(PART_THREAD, { workerData: task });
    this.result = new Promise<PartFile>((resolve, reject) => {
      this.worker.on('message', (message: FromPart) => {
        if (message.type === 'taken') {
          this.inFlight--;
          this.taken?.();
        } else if (message.type === 'written') {
          resolve({ path: name, rows: this.rowsSent, bytes: message.bytes });
        } else {
          reject(new SinkOutputError(`cannot write part ${name}: ${message.message}`, task.path));
        }
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new SinkOutputError(`the thread writing part ${name} ended (exit code ${code})`, task.path)));
    });
    // Awaited by writeParts; a failure seen first elsewhere must not go unhandled here.
    this.result.catch((err: unknown) => (this.error ??= err));
  }

  send(message: ToPart): void {
    this.worker.postMessage(message);
  }

  /** A batch as the Parquet writer takes it; its memory moves to the part's thread. */
  sendBatch(ipcs: Uint8Array[], rows: number): void {
    this.inFlight++;
    this.rowsSent += rows;
    this.worker.postMessage({ type: 'batch', ipcs } satisfies ToPart, ipcs.map((ipc) => ipc.buffer as ArrayBuffer));
  }

  /** Resolves when the part can take another batch (or has failed: its result says so). */
  async room(): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) {
      const settled = await Promise.race([new Promise<boolean>((resolve) => (this.taken = () => resolve(false))), this.result.then(() => true, () => true)]);
      this.taken = undefined;
      if (settled) return;
    }
  }
}

async function openDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new SinkOutputError(`cannot write ${dir}: ${err.code ?? err.message}`, dir, { cause: err });
  });
  const present = await readdir(dir);
  if (present.some((name) => name.startsWith('part-') || name === 'manifest.json')) {
    throw new SinkOutputError(`${dir} holds part files or a manifest already: give an empty or new directory`, dir);
  }
}

/**
 * Writes `source` as Parquet part files in `dir` (`part-00000.parquet`, ...), each complete and valid
 * on its own and encoded by a thread of its own, then `manifest.json` (files, rows, bytes). Each
 * batch goes to the part with the fewest batches in flight, so the parts' rows are about equal and a
 * slow part does not hold the others up; row order across parts is not kept, as in Spark's and
 * BigQuery's exports. On failure or abort every part written is removed and no manifest is left.
 */
export async function writeParts(source: BatchSource, dir: string, options: PartsOptions = {}): Promise<PartsResult> {
  const count = options.parts ?? 2;
  const first = options.firstPart ?? 0;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`parts must be a positive integer (got ${count})`);
  if (!Number.isInteger(first) || first < 0) throw new RangeError(`firstPart must be a non-negative integer (got ${first})`);
  const parquet = resolveParquetOptions(options.parquet ?? {});
  await openDirectory(dir);
  const { schema, batches } = await openSource(source, options.schema);
  // The Parquet writer's conversions and IPC slicing run here, where the batches are, and the
  // parts' threads only encode (without apache-arrow).
  const slicesOf = parquetIpcSlices();
  const parts = Array.from({ length: count }, (_, k) => {
    const name = partFileName(first + k, 'parquet');
    return new Part(name, { path: join(dir, name), parquet });
  });
  const stop = () => parts.forEach((part) => part.send({ type: 'abort' }));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const batch of batches) {
      options.signal?.throwIfAborted();
      if (batch.numRows === 0) continue;
      const part = parts.reduce((best, p) => (p.inFlight < best.inFlight || (p.inFlight === best.inFlight && p.rowsSent < best.rowsSent) ? p : best));
      await part.room();
      const failed = parts.find((p) => p.error !== undefined);
      if (failed) throw failed.error;
      part.sendBatch(slicesOf(batch), batch.numRows);
    }
    options.signal?.throwIfAborted();
    for (const part of parts) {
      // A part with no rows still holds the schema, as a single file of none does.
      if (part.rowsSent === 0) part.sendBatch(slicesOf(emptyBatch(schema)), 0);
      part.send({ type: 'end' });
    }
    const files = await Promise.all(parts.map((part) => part.result));
    const manifest: PartsManifest = {
      format: 'parquet',
      rows: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      files,
    };
    return { ...manifest, manifest: await writeManifest(dir, manifest) };
  } catch (err) {
    stop();
    await batches.return(undefined);
    await Promise.allSettled(parts.map((part) => part.result));
    await Promise.all(parts.map((part) => rm(join(dir, part.name), { force: true })));
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await Promise.all(parts.map((part) => part.worker.terminate()));
  }
}
