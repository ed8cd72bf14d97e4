// A read plan as it travels between machines: plain JSON, no credentials. The coordinator that made
// it and the shards that read it may run different builds, so the format carries a version and a
// plan is checked field by field before anything trusts it.
import { PlanError } from './plan-error.js';

export const PLAN_FORMAT = 'bqread-read-plan';
export const PLAN_FORMAT_VERSION = 1;

/** The options that shaped the session; a shard reads them as they were. */
export interface PlanSessionOptions {
  readonly selectedFields: readonly string[];
  readonly rowRestriction: string;
  /** ISO 8601. */
  readonly snapshotTime?: string;
  readonly samplePercentage?: number;
  readonly compression: 'lz4' | 'zstd' | 'none';
  readonly picosTimestampPrecision?: 'micros' | 'nanos' | 'picos';
  readonly maxStreams: number;
  readonly billingProject: string;
}

export interface ReadPlan {
  readonly format: typeof PLAN_FORMAT;
  readonly version: typeof PLAN_FORMAT_VERSION;
  /** `projects/P/datasets/D/tables/T`. */
  readonly table: string;
  /** The read session's resource name. */
  readonly session: string;
  /** The session's streams, in session order; stream i belongs to shard i % shards. */
  readonly streams: readonly string[];
  /** The Arrow schema message, base64. */
  readonly arrowSchema: string;
  /** ISO 8601; after it the session's streams cannot be read. */
  readonly expireTime?: string;
  readonly estimatedRows: number;
  readonly estimatedBytes: number;
  /** ISO 8601. */
  readonly createdAt: string;
  /** The shard count the plan was made for, if one was given; shards then must use it. */
  readonly shards?: number;
  readonly options: PlanSessionOptions;
}

type Json = Record<string, unknown>;

const isIso = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

function field(plan: Json, name: string, ok: (value: unknown) => boolean, what: string, optional = false): void {
  if (optional && plan[name] === undefined) return;
  if (!ok(plan[name])) throw new PlanError(`not a valid read plan: "${name}" must be ${what}`);
}

/**
 * Checks that `value` (parsed JSON) is a read plan of this format version and returns it typed; a
 * PlanError says what is wrong. `source` names where it came from, for the message.
 */
export function checkPlan(value: unknown, source = 'the plan'): ReadPlan {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PlanError(`${source} is not a read plan: not a JSON object`);
  const plan = value as Json;
  if (plan.format !== PLAN_FORMAT) throw new PlanError(`${source} is not a read plan: "format" is ${JSON.stringify(plan.format)}, not "${PLAN_FORMAT}"`);
  if (plan.version !== PLAN_FORMAT_VERSION) {
    throw new PlanError(`${source} is a read plan of format version ${JSON.stringify(plan.version)}; this bqread reads version ${PLAN_FORMAT_VERSION}: make the plan with the same bqread version as the shards`);
  }
  try {
    field(plan, 'table', (v) => typeof v === 'string' && v.startsWith('projects/'), 'a table path projects/P/datasets/D/tables/T');
    field(plan, 'session', (v) => typeof v === 'string' && v.length > 0, 'the session name');
    field(plan, 'streams', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0) && new Set(v).size === v.length, 'a list of distinct stream names');
    field(plan, 'arrowSchema', (v) => typeof v === 'string' && v.length > 0 && /^[A-Za-z0-9+/]+=*$/.test(v), 'the base64 Arrow schema');
    field(plan, 'expireTime', isIso, 'an ISO 8601 time', true);
    field(plan, 'createdAt', isIso, 'an ISO 8601 time');
    field(plan, 'estimatedRows', isCount, 'a non-negative integer');
    field(plan, 'estimatedBytes', isCount, 'a non-negative integer');
    field(plan, 'shards', (v) => Number.isInteger(v) && (v as number) >= 1, 'a positive integer', true);
    field(plan, 'options', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object');
    const options = plan.options as Json;
    field(options, 'selectedFields', (v) => Array.isArray(v) && v.every((f) => typeof f === 'string'), 'a list of field names');
    field(options, 'rowRestriction', (v) => typeof v === 'string', 'a string');
    field(options, 'compression', (v) => v === 'lz4' || v === 'zstd' || v === 'none', 'lz4, zstd or none');
  } catch (err) {
    if (err instanceof PlanError) throw new PlanError(err.message.replace('not a valid read plan', `${source} is not a valid read plan`));
    throw err;
  }
  return plan as unknown as ReadPlan;
}

/** A plan file's text as a checked plan. */
export function parsePlan(text: string, source = 'the plan'): ReadPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PlanError(`${source} is not a read plan: not JSON (${(err as Error).message})`, { cause: err });
  }
  return checkPlan(value, source);
}
