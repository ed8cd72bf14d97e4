// The shard a process is, from the job engine that started it: each runs the same command N times
// and tells each copy its index in an environment variable of its own.
import { PlanError } from './plan-error.js';
import { checkShard, type Shard } from './shards.js';

export interface EngineShard extends Shard {
  /** Where the shard came from, for messages: the engine, or `--shard`. */
  readonly source: string;
}

interface Engine {
  readonly name: string;
  readonly indexVariable: string;
  /** The engine's own count variable, when it sets one. */
  readonly countVariable?: string;
}

const ENGINES: readonly Engine[] = [
  { name: 'Kubernetes Indexed Job', indexVariable: 'JOB_COMPLETION_INDEX' },
  { name: 'Cloud Run Jobs', indexVariable: 'CLOUD_RUN_TASK_INDEX', countVariable: 'CLOUD_RUN_TASK_COUNT' },
  { name: 'AWS Batch array job', indexVariable: 'AWS_BATCH_JOB_ARRAY_INDEX' },
];

function integerVariable(env: NodeJS.ProcessEnv, name: string): number {
  const text = env[name]!;
  if (!/^\d+$/.test(text.trim())) throw new PlanError(`$${name} must be a non-negative integer (got "${text}")`);
  return Number(text);
}

/**
 * The shard from the environment's job engine. The count comes from the engine where it sets one
 * (Cloud Run), else from `count` (a flag), else from the plan's own shard count; counts given two
 * ways must agree, since shards that disagree on the count read some streams twice and others never.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv, count: number | undefined, planShards: number | undefined): EngineShard {
  const present = ENGINES.filter((engine) => env[engine.indexVariable] !== undefined && env[engine.indexVariable] !== '');
  if (present.length === 0) {
    const names = ENGINES.map((e) => `$${e.indexVariable}`).join(', ');
    throw new PlanError(`no shard: give --shard INDEX/COUNT, or run under a job engine that sets one of ${names}`);
  }
  if (present.length > 1) {
    throw new PlanError(`more than one job engine's shard index is set (${present.map((e) => `$${e.indexVariable}`).join(', ')}): give --shard INDEX/COUNT`);
  }
  const engine = present[0]!;
  const index = integerVariable(env, engine.indexVariable);
  const engineCount = engine.countVariable && env[engine.countVariable] ? integerVariable(env, engine.countVariable) : undefined;
  const counts = [
    { from: `$${engine.countVariable}`, value: engineCount },
    { from: '--shard-count', value: count },
    { from: 'the plan', value: planShards },
  ].filter((c): c is { from: string; value: number } => c.value !== undefined);
  if (counts.length === 0) throw new PlanError(`${engine.name} ($${engine.indexVariable}=${index}) gives no shard count: give --shard-count N or make the plan with --shards N`);
  const disagreeing = counts.find((c) => c.value !== counts[0]!.value);
  if (disagreeing) {
    throw new PlanError(`the shard count is ${counts[0]!.value} from ${counts[0]!.from} but ${disagreeing.value} from ${disagreeing.from}: they must agree`);
  }
  const shard = { index, count: counts[0]!.value };
  checkShard(shard);
  return { ...shard, source: `${engine.name} ($${engine.indexVariable}=${index})` };
}
