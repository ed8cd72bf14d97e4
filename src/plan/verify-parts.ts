import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readShardManifest, SHARD_MANIFEST_SUFFIX, sha256OfFile, type ShardManifest } from './part-manifest.js';
import { checkPlan, type ReadPlan } from './read-plan-format.js';
import { streamsOfShard } from './shards.js';

export interface PartsVerification {
  /** Every shard present exactly once, each part whole and of the plan's session, and no part outside a manifest. */
  readonly ok: boolean;
  /** The shard count the parts were written for (undefined when no part says and the plan has none). */
  readonly shards?: number;
  /** Rows in all the parts, by their manifests. */
  readonly rows: number;
  /** The plan's estimate, which the service bases on table metadata (it may differ, and filters are not in it). */
  readonly estimatedRows: number;
  readonly parts: readonly ShardManifest[];
  readonly missing: readonly number[];
  readonly duplicated: readonly number[];
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];
}

/**
 * Checks that `dir` holds every shard of `plan` exactly once: each with its manifest, of the plan's
 * session, with the streams the plan assigns it, and parts whose sizes and SHA-256 are the
 * manifest's; and no Parquet or Arrow file that no manifest lists (a reader of `*.parquet` would
 * take its rows too). The rows are the manifests' total.
 */
export async function verifyPlanParts(plan: ReadPlan, dir: string): Promise<PartsVerification> {
  checkPlan(plan);
  const problems: string[] = [];
  const present = await readdir(dir);
  const names = present.filter((name) => name.startsWith('_') && name.endsWith(SHARD_MANIFEST_SUFFIX)).sort();
  const parts: ShardManifest[] = [];
  for (const name of names) {
    const manifest = await readShardManifest(join(dir, name));
    if (typeof manifest === 'string') problems.push(manifest);
    else if (manifest.session !== plan.session) problems.push(`${name} is a part of another session (${manifest.session}), not the plan's ${plan.session}`);
    else parts.push(manifest);
  }
  const counts = new Set(parts.map((p) => p.shard.count));
  if (plan.shards !== undefined) counts.add(plan.shards);
  if (counts.size > 1) problems.push(`the parts were written for different shard counts (${[...counts].join(', ')})`);
  const shards = counts.size === 1 ? [...counts][0]! : undefined;
  const missing: number[] = [];
  const duplicated: number[] = [];
  if (shards === undefined && counts.size === 0) problems.push(`no shard parts in ${dir}`);
  if (shards !== undefined) {
    for (let index = 0; index < shards; index++) {
      const found = parts.filter((p) => p.shard.index === index);
      if (found.length === 0) missing.push(index);
      if (found.length > 1) duplicated.push(index);
    }
    if (missing.length > 0) problems.push(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${shards} missing`);
    if (duplicated.length > 0) problems.push(`shard${duplicated.length > 1 ? 's' : ''} ${duplicated.join(', ')} present more than once`);
  }
  for (const part of parts) problems.push(...(await shardProblems(plan, dir, part)));
  const listed = new Set(parts.flatMap((p) => p.files.map((f) => f.path)));
  const strays = present.filter((name) => /\.(parquet|arrow)$/.test(name) && !name.startsWith('.') && !listed.has(name)).sort();
  if (strays.length > 0) problems.push(`${strays.join(', ')} ${strays.length > 1 ? 'are' : 'is'} in no shard's manifest (an unfinished shard's?): a reader of the directory would read ${strays.length > 1 ? 'them' : 'it'} too`);
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  return { ok: problems.length === 0, shards, rows, estimatedRows: plan.estimatedRows, parts, missing, duplicated, problems };
}

async function shardProblems(plan: ReadPlan, dir: string, manifest: ShardManifest): Promise<string[]> {
  const expected = streamsOfShard(plan.streams, manifest.shard);
  if (expected.length !== manifest.streams.length || expected.some((s, i) => s !== manifest.streams[i])) {
    return [`shard ${manifest.shard.index} read streams other than the ones the plan assigns it`];
  }
  const problems: string[] = [];
  for (const file of manifest.files) {
    const label = `shard ${manifest.shard.index} (${file.path})`;
    const path = join(dir, file.path);
    const size = await stat(path).then((s) => s.size, () => undefined);
    if (size === undefined) problems.push(`${label}: its manifest is here but the part is not`);
    else if (size !== file.bytes) problems.push(`${label} is ${size} bytes, its manifest says ${file.bytes}`);
    else if ((await sha256OfFile(path)) !== file.sha256) problems.push(`${label} does not match its manifest's checksum`);
  }
  return problems;
}
