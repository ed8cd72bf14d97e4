import { basename } from 'node:path';
import type { BatchStream } from '../read/read-batches.js';
import { writeBatches, type SinkOptions, type SinkResult } from '../sinks/write-batches.js';
import type { SinkFormat } from '../sinks/formats.js';
import { PART_MANIFEST_KIND, sha256OfFile, writePartManifest } from './part-manifest.js';
import type { ReadPlan } from './read-plan-format.js';
import { streamsOfShard, type Shard } from './shards.js';

export interface ShardPartResult extends SinkResult {
  readonly path: string;
  readonly manifest: string;
  readonly sha256: string;
}

/**
 * Writes a shard's batches (readPlan's stream of `shard`) to `path` (temporary name, renamed when
 * complete), then its manifest beside it. A shard with no streams still writes a file with the schema.
 */
export async function writeShardPart(
  plan: ReadPlan,
  shard: Shard,
  stream: BatchStream,
  path: string,
  options: SinkOptions & { readonly format: SinkFormat },
): Promise<ShardPartResult> {
  const result = await writeBatches(stream, path, options);
  const sha256 = await sha256OfFile(path);
  const manifest = await writePartManifest(path, {
    kind: PART_MANIFEST_KIND,
    version: 1,
    table: plan.table,
    session: plan.session,
    shard: { index: shard.index, count: shard.count },
    streams: streamsOfShard(plan.streams, shard),
    file: basename(path),
    format: result.format,
    rows: result.rows,
    bytes: result.bytes,
    sha256,
    writtenAt: new Date().toISOString(),
  });
  return { ...result, path, manifest, sha256 };
}
