// A shard's output is the parts writer's (src/sinks/parts/): part files, then a manifest
// written after every part is in place, so that a shard without its manifest is unfinished. Every
// name follows from the shard alone, so a retried shard replaces its files instead of adding to
// them. The manifest's name starts with `_`, which Spark, Hive and BigQuery's wildcard loads skip
// when they read the directory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
// Types only: the reader's entry (verify) loads this file, and no sink with it.
import type { PartFile, PartsManifest } from '../sinks/parts/manifest.js';
import type { Shard } from './shards.js';

export const SHARD_MANIFEST_KIND = 'bqread-shard-part';
export const SHARD_MANIFEST_VERSION = 2;
export const SHARD_MANIFEST_SUFFIX = '.shard.json';

/** The parts writer's manifest, with what ties the parts to their plan. */
export interface ShardManifest extends PartsManifest {
  readonly kind: typeof SHARD_MANIFEST_KIND;
  readonly version: typeof SHARD_MANIFEST_VERSION;
  readonly table: string;
  /** The plan's session: parts of another plan's session do not belong with these. */
  readonly session: string;
  readonly shard: Shard;
  /** The streams the shard read. */
  readonly streams: readonly string[];
  /** ISO 8601. */
  readonly writtenAt: string;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const isCount = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;

export async function readShardManifest(path: string): Promise<ShardManifest | string> {
  let value: Partial<ShardManifest>;
  try {
    value = JSON.parse(await readFile(path, 'utf8')) as Partial<ShardManifest>;
  } catch (err) {
    return `${basename(path)} is not a shard manifest: ${(err as Error).message}`;
  }
  const shard = value.shard as Partial<Shard> | undefined;
  const valid = value.kind === SHARD_MANIFEST_KIND && value.version === SHARD_MANIFEST_VERSION && typeof value.session === 'string'
    && Number.isInteger(shard?.index) && Number.isInteger(shard?.count) && Array.isArray(value.streams)
    && isCount(value.rows) && isCount(value.bytes) && Array.isArray(value.files)
    && (value.files as readonly Partial<PartFile>[]).every((f) => typeof f.path === 'string' && isCount(f.rows) && isCount(f.bytes) && typeof f.sha256 === 'string');
  return valid ? (value as ShardManifest) : `${basename(path)} is not a shard manifest of this bqread version`;
}
