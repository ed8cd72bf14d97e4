import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PART_MANIFEST_SUFFIX, readPartManifest, sha256OfFile, type PartManifest } from './part-manifest.js';
import { checkPlan, type ReadPlan } from './read-plan-format.js';
import { streamsOfShard } from './shards.js';

export interface PartsVerification {
  /** Every shard present exactly once, each part whole and of the plan's session. */
  readonly ok: boolean;
  /** The shard count the parts were written for (undefined when no part says and the plan has none). */
  readonly shards?: number;
  /** Rows in all the parts, by their manifests. */
  readonly rows: number;
  /** The plan's estimate, which the service bases on table metadata (it may differ, and filters are not in it). */
  readonly estimatedRows: number;
  readonly parts: readonly PartManifest[];
  readonly missing: readonly number[];
  readonly duplicated: readonly number[];
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];
}

/**
 * Checks that `dir` holds every shard of `plan` exactly once: each with its manifest, of the plan's
 * session, with the streams the plan assigns it, and a part whose size and SHA-256 are the
 * manifest's. The rows are the manifests' total.
 */
export async function verifyPlanParts(plan: ReadPlan, dir: string): Promise<PartsVerification> {
  checkPlan(plan);
  const problems: string[] = [];
  const names = (await readdir(dir)).filter((name) => name.startsWith('_') && name.endsWith(PART_MANIFEST_SUFFIX)).sort();
  const parts: PartManifest[] = [];
  for (const name of names) {
    const manifest = await readPartManifest(join(dir, name));
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
  for (const part of parts) problems.push(...(await partProblems(plan, dir, part)));
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  return { ok: problems.length === 0, shards, rows, estimatedRows: plan.estimatedRows, parts, missing, duplicated, problems };
}

async function partProblems(plan: ReadPlan, dir: string, part: PartManifest): Promise<string[]> {
  const label = `shard ${part.shard.index} (${part.file})`;
  const expected = streamsOfShard(plan.streams, part.shard);
  if (expected.length !== part.streams.length || expected.some((s, i) => s !== part.streams[i])) {
    return [`${label} read streams other than the ones the plan assigns it`];
  }
  const path = join(dir, part.file);
  const size = await stat(path).then((s) => s.size, () => undefined);
  if (size === undefined) return [`${label}: its manifest is here but the part is not`];
  if (size !== part.bytes) return [`${label} is ${size} bytes, its manifest says ${part.bytes}`];
  if ((await sha256OfFile(path)) !== part.sha256) return [`${label} does not match its manifest's checksum`];
  return [];
}
