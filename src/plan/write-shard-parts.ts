import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchStream } from '../read/read-batches.js';
import { SinkOutputError } from '../sinks/output.js';
import { partsManifest, writeManifest } from '../sinks/parts/manifest.js';
import { partFeedOf } from '../sinks/parts/part-feed.js';
import { resolvePartsOptions } from '../sinks/parts/parts-options.js';
import { writePartFiles } from '../sinks/parts/write-part-files.js';
import type { PartsOptions, PartsResult } from '../sinks/parts/write-parts.js';
import { SHARD_MANIFEST_KIND, SHARD_MANIFEST_VERSION, type ShardManifest } from './part-manifest.js';
import { shardNaming } from './shard-naming.js';
import type { ReadPlan } from './read-plan-format.js';
import { streamsOfShard, type Shard } from './shards.js';

export type ShardPartsResult = PartsResult & ShardManifest;

/**
 * Writes a shard's batches (readPlan's stream of `shard`) into `dir` as the parts writer does
 * (writePartFiles: parts in parallel, each whole and valid, optionally rolled at a size), then its
 * manifest. The shard's files of an earlier try go first, its manifest before its parts, so the
 * directory never shows a finished shard that is not this try's. A shard with no streams still
 * writes a part with the schema.
 */
export async function writeShardParts(
  plan: ReadPlan,
  shard: Shard,
  stream: BatchStream,
  dir: string,
  options: Pick<PartsOptions, 'format' | 'parts' | 'partBytes' | 'parquet' | 'signal'> = {},
): Promise<ShardPartsResult> {
  const { format, parts, partBytes, parquet } = resolvePartsOptions(options);
  const naming = shardNaming(shard, format);
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new SinkOutputError(`cannot write ${dir}: ${err.code ?? err.message}`, dir, { cause: err });
  });
  const earlier = (await readdir(dir)).filter((name) => naming.owns(name));
  await rm(join(dir, naming.manifest), { force: true });
  await Promise.all(earlier.map((name) => rm(join(dir, name), { force: true })));
  const files = await writePartFiles(await partFeedOf(stream, format), dir, naming.part, { format, parts, partBytes, parquet, signal: options.signal });
  const manifest: ShardManifest = {
    kind: SHARD_MANIFEST_KIND,
    version: SHARD_MANIFEST_VERSION,
    table: plan.table,
    session: plan.session,
    shard: { index: shard.index, count: shard.count },
    streams: streamsOfShard(plan.streams, shard),
    ...partsManifest(format, files),
    writtenAt: new Date().toISOString(),
  };
  return { ...manifest, manifest: await writeManifest(dir, naming.manifest, manifest) };
}
