import { PlanError } from './plan-error.js';

/** One of `count` shards, 0-based. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function checkShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1) throw new PlanError(`a shard count must be a positive integer (got ${count})`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new PlanError(`shard index ${index} is not one of 0..${count - 1}`);
}

/**
 * The streams of `shard`: stream i goes to shard i % count, so every stream is in exactly one
 * shard, the shards' stream counts differ by at most one, and any machine computes the same answer
 * from the plan alone. (Counts above the stream count leave the last shards empty.)
 */
export function streamsOfShard(streams: readonly string[], shard: Shard): string[] {
  checkShard(shard);
  return streams.filter((_, i) => i % shard.count === shard.index);
}

/** Parses `INDEX/COUNT` (`3/8`). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new PlanError(`a shard is INDEX/COUNT, e.g. 0/4 (got "${text}")`);
  const shard = { index: Number(match[1]), count: Number(match[2]) };
  checkShard(shard);
  return shard;
}
