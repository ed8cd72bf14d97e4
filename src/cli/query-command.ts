// `bqread query 'SELECT ...'`: runs the query over BigQuery's REST API, then writes its result as
// `bqread read` writes a table, with the same formats, progress, summary and exit codes.
import { Command } from 'commander';
import { collect, integer } from './flag-parsers.js';
import { collectLabel, parseParamFlags } from './query-params.js';
import { addConnectionFlags, addParallelismFlags, readOptionsFromFlags, type ReadFlags } from './read-flags.js';
import { addOutputFlags, planOutput, readToOutput, type OutputFlags, type ReadSource } from './table-output.js';
import type { QueryBatchStream } from '../query/read-query.js';

interface QueryCommandFlags extends ReadFlags, OutputFlags {
  readonly param?: string[];
  readonly dryRun?: boolean;
  readonly location?: string;
  readonly maximumBytesBilled?: number;
  readonly label?: Record<string, string>;
  readonly jobIdPrefix?: string;
  readonly apiEndpoint?: string;
  readonly inlineMaxRows?: number;
}

/** --api-endpoint: where BigQuery's REST API is (`query`, and `read --materialize-view`). */
export function addApiEndpointFlag(command: Command): Command {
  return command.option('--api-endpoint <url>', 'BigQuery\'s REST API, an emulator\'s http://host:port; default $BIGQUERY_EMULATOR_HOST, else the real service');
}
const MB = 1e6;

function jobLine(stream: QueryBatchStream): string {
  const { job } = stream;
  const from = stream.source === 'jobs-response' ? 'read from the jobs response' : 'read through the Storage Read API';
  return `query job ${job.id}: done in ${(job.jobMs / 1000).toFixed(2)} s, ${(job.totalBytesProcessed / MB).toFixed(1)} MB processed${job.cacheHit ? ' (cached)' : ''}, ${job.totalRows.toLocaleString('en-US')} rows ${from}`;
}

export function queryCommand(): Command {
  const command = new Command('query')
    .description('run a query (GoogleSQL) and write its result into a file or onto stdout, as read does a table')
    .argument('<sql>', 'the query')
    .option('-p, --param <name:TYPE:value>', 'a query parameter, repeatable: @name of TYPE (name::value for a STRING, :TYPE:value for a positional ?, NULL for NULL, JSON for ARRAY and STRUCT)', collect)
    .option('--dry-run', 'print the bytes the query would process and read nothing')
    .option('--location <location>', 'where the job runs (US, EU, europe-west4, ...)')
    .option('--maximum-bytes-billed <n>', 'fail the job rather than bill more bytes', integer('--maximum-bytes-billed', 0))
    .option('--label <key:value>', 'a label on the job, repeatable', collectLabel)
    .option('--job-id-prefix <prefix>', 'the job id is this prefix and a UUID (default bqread_)')
    .option('--inline-max-rows <n>', 'most rows a result may have to come from the jobs response with no read session (0: always the Storage Read API)', integer('--inline-max-rows', 0));
  addApiEndpointFlag(command);
  addOutputFlags(command);
  addParallelismFlags(command);
  addConnectionFlags(command, 'project that runs and pays for the job and owns the read session of its result (default: $GOOGLE_CLOUD_PROJECT)');
  return command
    .addHelpText('after', `
Examples:
  bqread query 'SELECT id, amount FROM \`my-proj.sales.orders\` WHERE amount > @min' --param min:NUMERIC:100 --billing-project my-proj --out big.parquet
  bqread query 'SELECT * FROM \`my-proj.sales.orders\`' --billing-project my-proj --dry-run
  BIGQUERY_EMULATOR_HOST=http://127.0.0.1:9050 BIGQUERY_STORAGE_EMULATOR_HOST=127.0.0.1:9060 bqread query 'SELECT id, f_string FROM \`bqread-demo.samples.all_types\` WHERE id < 10' --billing-project bqread-demo`)
    .action(async (sql: string, flags: QueryCommandFlags) => {
      const plan = flags.dryRun ? undefined : planOutput(flags);
      const options = {
        ...readOptionsFromFlags(flags),
        ...parseParamFlags(flags.param),
        location: flags.location,
        maximumBytesBilled: flags.maximumBytesBilled,
        labels: flags.label,
        jobIdPrefix: flags.jobIdPrefix,
        inlineMaxRows: flags.inlineMaxRows,
        apiEndpoint: flags.apiEndpoint,
        dryRun: flags.dryRun,
      };
      // The reader loads when a query runs: --help does without it.
      const { readQueryBatches } = await import('../query/read-query.js');
      if (!plan) {
        const { job } = await readQueryBatches(sql, options);
        process.stdout.write(`${job.totalBytesProcessed} bytes would be processed (dry run)\n`);
        return;
      }
      await readToOutput({
        flags, plan, maxBufferedBytes: options.maxBufferedBytes,
        label: (source) => (source as QueryBatchStream).job.id,
        open: async (signal, onProgress) => (await readQueryBatches(sql, { ...options, onProgress, signal })) as ReadSource,
        preamble: (source) => jobLine(source as QueryBatchStream),
      });
    });
}
