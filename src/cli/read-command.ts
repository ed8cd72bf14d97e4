import { Command } from 'commander';
import { startProgress } from './progress.js';
import { integer } from './flag-parsers.js';
import { addConnectionFlags, addParallelismFlags, addSelectionFlags, readOptionsFromFlags, UsageError } from './read-flags.js';
import { checkShardFlags, readShard, type ShardReadFlags } from './shard-read.js';
import { addOutputFlags, planOutput, readToOutput, type OutputFlags, type ReadSource } from './table-output.js';
import { addApiEndpointFlag } from './query-command.js';
import type { ReadOptions } from '../read/options.js';

interface ReadCommandFlags extends ShardReadFlags, OutputFlags {
  readonly materializeView?: boolean;
  readonly apiEndpoint?: string;
}

export function readCommand(): Command {
  const command = new Command('read')
    .description('read a table into a file or onto stdout (Arrow IPC, Parquet, NDJSON or CSV)')
    .argument('[table]', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T (or --plan)')
    .option('--plan <file>', 'read one shard of a plan (bqread plan) instead of a table, into the directory --out DIR/ as Parquet parts named for the shard (--parts, --part-size), with its manifest')
    .option('--shard <index/count>', 'the plan\'s shard to read, e.g. 3/8 (default: from $JOB_COMPLETION_INDEX, $CLOUD_RUN_TASK_INDEX/$CLOUD_RUN_TASK_COUNT or $AWS_BATCH_JOB_ARRAY_INDEX)')
    .option('--shard-count <n>', 'the shard count, for a job engine that gives only the index (default: the plan\'s)', integer('--shard-count', 1));
  addOutputFlags(command);
  addSelectionFlags(command);
  command.option('--materialize-view', 'a view, which the Storage Read API does not read, is read as a query of its --columns and --where (BigQuery\'s REST API: --api-endpoint)');
  addApiEndpointFlag(command);
  addParallelismFlags(command);
  addConnectionFlags(command);
  return command
    .addHelpText('after', `
Examples:
  bqread read my-proj.sales.orders --out orders.parquet
  bqread read my-proj.sales.orders --out orders/ --parts 8
  bqread read my-proj.sales.orders --columns id,amount,ts --where "ts >= TIMESTAMP '2026-01-01'" --out jan.csv
  bqread read my-proj.sales.orders --format arrows | python -c 'import pyarrow as pa, sys; print(pa.ipc.open_stream(sys.stdin.buffer).read_all().num_rows)'
  bqread read my-proj.sales.orders | jq -c 'select((.amount | tonumber) > 100)'   # INT64 and NUMERIC arrive as strings
  BIGQUERY_STORAGE_EMULATOR_HOST=127.0.0.1:9060 bqread read bqread-demo.samples.all_types --out demo.arrow
  bqread read --plan plan.json --shard 3/8 --out parts/`)
    .action(async (table: string | undefined, flags: ReadCommandFlags) => {
      if (flags.plan !== undefined) {
        checkShardFlags(table, flags);
        const progress = startProgress(!flags.quiet && process.stderr.isTTY === true);
        try {
          return await readShard(flags, readOptionsFromFlags(flags), progress);
        } finally {
          progress.stop();
        }
      }
      if (table === undefined) throw new UsageError("missing required argument 'table' (or --plan FILE)");
      if (flags.shard !== undefined || flags.shardCount !== undefined) throw new UsageError('--shard and --shard-count read a shard of a plan: give --plan FILE');
      if (flags.materializeView && (flags.snapshot !== undefined || flags.sample !== undefined)) {
        throw new UsageError('--materialize-view reads a view as a query, which takes no --snapshot or --sample');
      }
      const plan = planOutput(flags);
      const options = readOptionsFromFlags(flags);
      await readToOutput({
        flags, plan, label: table, maxBufferedBytes: options.maxBufferedBytes,
        open: (signal, onProgress) => openTableOrView(table, { ...options, onProgress, signal }, flags),
      });
    });
}

/** The table's batches; with --materialize-view, a view's as the result of a query of it. */
async function openTableOrView(table: string, options: ReadOptions, flags: ReadCommandFlags): Promise<ReadSource> {
  // The reader loads when a read runs: --help and the emulator do without it.
  const { readBatches } = await import('../read/read-batches.js');
  const stream = readBatches(table, options);
  if (!flags.materializeView) return stream;
  const { ViewReadError } = await import('../read/errors.js');
  try {
    await stream.session;
    return stream;
  } catch (err) {
    if (!(err instanceof ViewReadError)) throw err;
  }
  const [{ readQueryBatches }, { viewQuery }, { parseTableReference }] = await Promise.all([
    import('../query/read-query.js'), import('../query/view-query.js'), import('../table-ref.js'),
  ]);
  const { selectedFields, rowRestriction, ...rest } = options;
  return await readQueryBatches(viewQuery(table, selectedFields, rowRestriction), {
    ...rest, apiEndpoint: flags.apiEndpoint, billingProject: options.billingProject ?? parseTableReference(table).projectId,
  }) as ReadSource;
}
