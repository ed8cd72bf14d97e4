// A shard's part is its output file plus a small manifest beside it, written after the part is in
// place: a part without its manifest is unfinished. Both names follow from the shard alone, so a
// retried shard replaces its part instead of adding a second one. The manifest's name starts with
// `_`, which Spark, Hive and BigQuery's wildcard loads skip when they read the directory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Shard } from './shards.js';

export const PART_MANIFEST_KIND = 'bqread-shard-part';
export const PART_MANIFEST_SUFFIX = '.shard.json';

export interface PartManifest {
  readonly kind: typeof PART_MANIFEST_KIND;
  readonly version: 1;
  readonly table: string;
  /** The plan's session: parts of another plan's session do not belong with these. */
  readonly session: string;
  readonly shard: Shard;
  /** The streams the shard read. */
  readonly streams: readonly string[];
  /** The part's file name, in the manifest's directory. */
  readonly file: string;
  /** The part's format (parquet, arrow, ...). */
  readonly format: string;
  readonly rows: number;
  /** The part's size. */
  readonly bytes: number;
  /** SHA-256 of the part, hex. */
  readonly sha256: string;
  /** ISO 8601. */
  readonly writtenAt: string;
}

const pad = (n: number) => String(n).padStart(5, '0');

/** `shard-00003-of-00008.parquet`: a shard's part name, the same on every try. */
export function partFileName(shard: Shard, extension: string): string {
  return `shard-${pad(shard.index)}-of-${pad(shard.count)}.${extension}`;
}

/** The manifest's path for the part at `partPath`. */
export function manifestPathFor(partPath: string): string {
  return join(dirname(partPath), `_${basename(partPath)}${PART_MANIFEST_SUFFIX}`);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes the manifest under a temporary name and renames it into place (a reader never sees half of one). */
export async function writePartManifest(partPath: string, manifest: PartManifest): Promise<string> {
  const path = manifestPathFor(partPath);
  const temp = `${path}.${process.pid}.partial`;
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, path);
  return path;
}

export async function readPartManifest(path: string): Promise<PartManifest | string> {
  let value: Partial<PartManifest>;
  try {
    value = JSON.parse(await readFile(path, 'utf8')) as Partial<PartManifest>;
  } catch (err) {
    return `${basename(path)} is not a part manifest: ${(err as Error).message}`;
  }
  const shard = value.shard as Partial<Shard> | undefined;
  const valid = value.kind === PART_MANIFEST_KIND && value.version === 1 && typeof value.session === 'string'
    && Number.isInteger(shard?.index) && Number.isInteger(shard?.count) && Array.isArray(value.streams)
    && typeof value.file === 'string' && Number.isInteger(value.rows) && Number.isInteger(value.bytes) && typeof value.sha256 === 'string';
  return valid ? (value as PartManifest) : `${basename(path)} is not a part manifest of this bqread version`;
}
