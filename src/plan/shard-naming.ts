// A shard's file names, which follow from the shard alone (part-manifest.ts says why).
import { PART_EXTENSIONS, type PartNaming } from '../sinks/parts/manifest.js';
import type { PartFormat } from '../sinks/parts/part-messages.js';
import { SHARD_MANIFEST_SUFFIX } from './part-manifest.js';
import type { Shard } from './shards.js';

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * A shard's names: `shard-00003-of-00008-part-00000.parquet`, ... and
 * `_shard-00003-of-00008.shard.json`; it owns every name of its shard, those of an earlier try
 * (a killed one's hidden partial files, and the previous single-file form) included.
 */
export function shardNaming(shard: Shard, format: PartFormat): PartNaming {
  const base = `shard-${pad(shard.index)}-of-${pad(shard.count)}`;
  return {
    part: (index) => `${base}-part-${pad(index)}.${PART_EXTENSIONS[format]}`,
    manifest: `_${base}${SHARD_MANIFEST_SUFFIX}`,
    owns: (name) => [`${base}-`, `${base}.`, `_${base}.`, `.${base}-`, `.${base}.`].some((prefix) => name.startsWith(prefix)),
  };
}
