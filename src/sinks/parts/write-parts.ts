import { mkdir, readdir } from 'node:fs/promises';
import type { Schema } from 'apache-arrow';
import type { BatchSource } from '../batch-source.js';
import { SinkOutputError } from '../output.js';
import type { ParquetOptions } from '../parquet-options.js';
import { numberedParts, partsManifest, writeManifest, type PartNaming, type PartsManifest } from './manifest.js';
import { partFeedOf } from './part-feed.js';
import type { PartFormat } from './part-messages.js';
import { resolvePartsOptions } from './parts-options.js';
import { writePartFiles } from './write-part-files.js';

export interface PartsOptions {
  /** `parquet` (the default) or `arrow` (Arrow IPC files). */
  readonly format?: PartFormat;
  /** Part files written at once, each by a thread of its own; default 2. */
  readonly parts?: number;
  /**
   * Finish a part once it has written this many bytes and start the next (`part-00002.parquet`, ...)
   * in its place; a part ends at a row group, so it can pass this by one row group. Default: none,
   * one part a thread. The row groups are then at most this size too.
   */
  readonly partBytes?: number;
  /** Index of the first part's name (`part-<first>.parquet`), so that writers of one export can share a directory. */
  readonly firstPart?: number;
  readonly parquet?: ParquetOptions;
  /** Schema for a plain iterable that may yield no batches (a `readBatches` stream knows its own). */
  readonly schema?: Schema;
  readonly signal?: AbortSignal;
  /** Called as the parts write, with the bytes written so far by all of them. */
  readonly onWritten?: (bytes: number) => void;
}

export interface PartsResult extends PartsManifest {
  /** The manifest's path. */
  readonly manifest: string;
}

/** Makes `dir` if need be; refuses one that holds files `naming` would write (an export already there). */
export async function openPartsDirectory(dir: string, naming: PartNaming): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new SinkOutputError(`cannot write ${dir}: ${err.code ?? err.message}`, dir, { cause: err });
  });
  if ((await readdir(dir)).some((name) => naming.owns(name))) {
    throw new SinkOutputError(`${dir} holds part files or a manifest already: give an empty or new directory`, dir);
  }
}

/**
 * Writes `source` as part files in `dir` (`part-00000.parquet`, ...; Parquet, or Arrow IPC files),
 * each complete and valid on its own and encoded by a thread of its own, then `manifest.json` (files with their rows, bytes
 * and SHA-256; rows and bytes in all). Row order across parts is not kept, as in Spark's and
 * BigQuery's exports (write-part-files.ts says how batches are spread). On failure or abort every
 * part written is removed and no manifest is left.
 */
export async function writeParts(source: BatchSource, dir: string, options: PartsOptions = {}): Promise<PartsResult> {
  const { format, parts, partBytes, parquet } = resolvePartsOptions(options);
  const first = options.firstPart ?? 0;
  if (!Number.isInteger(first) || first < 0) throw new RangeError(`firstPart must be a non-negative integer (got ${first})`);
  const naming = numberedParts(format, first);
  await openPartsDirectory(dir, naming);
  const files = await writePartFiles(await partFeedOf(source, format, options.schema), dir, naming.part, { format, parts, partBytes, parquet, signal: options.signal, onWritten: options.onWritten });
  const manifest = partsManifest(format, files);
  return { ...manifest, manifest: await writeManifest(dir, naming.manifest, manifest) };
}
