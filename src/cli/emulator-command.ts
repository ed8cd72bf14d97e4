import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { FaultSpec } from '../emulator/faults.js';
import type { EmulatorTable } from '../emulator/server.js';
import { DEMO_TABLE } from './demo-table.js';
import { SERVICE_PACE_PROFILES, type ServicePace, type ServicePaceProfile } from '../emulator/pace.js';
import { collect, integer, numberIn, oneOf } from './flag-parsers.js';

/** goccy/bigquery-emulator's REST port, where BigQuery emulator users expect the REST API. */
const DEFAULT_REST_PORT = 9050;

interface PaceFlags {
  readonly pace?: ServicePaceProfile;
  readonly streamRate?: number;
  readonly firstResponseMs?: number;
  readonly sessionLatencyMs?: number;
  readonly restLatencyMs?: number;
  readonly restRate?: number;
}

/** What commander parses the options below into. */
interface EmulatorFlags extends PaceFlags {
  readonly host: string;
  readonly port: number;
  readonly restPort?: number;
  readonly jobLatencyMs?: number;
  readonly table: string[];
  readonly demo?: boolean;
  readonly demoRows: number;
  readonly demoSeed: number;
  readonly requireToken?: string | true;
  readonly routingHeader: boolean;
  readonly tlsKey?: string;
  readonly tlsCert?: string;
  readonly sessionLifetime: number;
  readonly storageBlockBytes?: number;
  readonly fault: string[];
}

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('serve tables over the BigQuery Storage Read API (v1), and queries over BigQuery\'s REST API, on loopback')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind (0 picks a free one)', integer('--port', 0), 9060)
    .option('--rest-port <port>', 'port of the REST API (jobs, tables); default 9050, or a free one when --port is 0', integer('--rest-port', 0))
    .option('--job-latency-ms <ms>', 'how long a query job stays PENDING, then RUNNING, before DONE (default 0)', integer('--job-latency-ms', 0))
    .option('--table <name=file>', 'serve FILE (Arrow IPC, or ROWS.ndjson:SCHEMA.json) as table NAME (repeatable)', collect, [])
    .option('--demo', `serve the demo table ${DEMO_TABLE} (every BigQuery type)`)
    .option('--demo-rows <n>', 'rows in the demo table', integer('--demo-rows', 0), 100_000)
    .option('--demo-seed <n>', 'seed of the demo table', integer('--demo-seed', 0), 1)
    .option('--require-token [token]', 'require a bearer token (any, or exactly TOKEN)')
    .option('--no-routing-header', 'accept calls without the x-goog-request-params routing header')
    .option('--tls-key <file>', 'PEM private key: serve TLS (with --tls-cert)')
    .option('--tls-cert <file>', 'PEM certificate chain for --tls-key')
    .option('--session-lifetime <seconds>', 'how long read sessions live', integer('--session-lifetime', 1), 6 * 3600)
    .option('--storage-block-bytes <n>', 'smallest storage block of a table\'s rows: a session gets at most a stream per block (0: no minimum; default 4 MiB, see the emulator\'s README)',
      integer('--storage-block-bytes', 0))
    .option('--fault <spec>', 'inject a fault: KIND[:key=value,...], KIND one of error, drop, delay, throttle, corrupt (repeatable)', collect, [])
    .option('--pace <profile>', `serve at the real service's pace: ${Object.keys(SERVICE_PACE_PROFILES).join(', ')} (see the emulator's README)`,
      oneOf('--pace', Object.keys(SERVICE_PACE_PROFILES) as ServicePaceProfile[]))
    .option('--stream-rate <MiB/s>', 'serve each ReadRows call at this rate (overrides the profile\'s)', numberIn('--stream-rate', 0, 1e6))
    .option('--first-response-ms <ms>', 'wait before each ReadRows call\'s first response', integer('--first-response-ms', 0))
    .option('--session-latency-ms <ms>', 'wait before CreateReadSession answers', integer('--session-latency-ms', 0))
    .option('--rest-latency-ms <ms>', 'least time a REST call takes to answer', integer('--rest-latency-ms', 0))
    .option('--rest-rate <MiB/s>', 'send each REST response at this rate (overrides the profile\'s)', numberIn('--rest-rate', 0, 1e6))
    .addHelpText('after', `
Examples:
  bqread emulator --demo --port 9060 --rest-port 9050
  bqread emulator --table my-proj.ds.events=events.arrow --table my-proj.ds.users=users.ndjson:users.schema.json
  bqread emulator --demo --fault error:code=UNAVAILABLE,after=3 --require-token
  bqread emulator --demo --pace bigquery --stream-rate 2.5      # slow streams, as the service serves them
  bqread emulator --demo --demo-rows 1000 --storage-block-bytes 0   # a tiny table cut into as many streams as asked
  BIGQUERY_STORAGE_EMULATOR_HOST=127.0.0.1:9060 bqread read bqread-demo.samples.all_types --out demo.parquet
  BIGQUERY_EMULATOR_HOST=http://127.0.0.1:9050   # the REST API, for BigQuery's own clients`)
    .action(async (opts: EmulatorFlags) => {
      // The emulator's modules load when it runs: the other commands (and --help) do without them.
      const [{ loadTableSource, parseTableFlag }, { generateDemoTable }, { parseFaultFlag }, { startEmulator }] = await Promise.all([
        import('./table-sources.js'), import('../emulator/sources/demo.js'), import('../emulator/faults.js'), import('../emulator/server.js'),
      ]);
      const tables: (EmulatorTable & { readonly table: string })[] = opts.table.map((flag) => {
        const { table, source } = parseTableFlag(flag);
        return { table, data: loadTableSource(source) };
      });
      if (opts.demo) tables.push({ table: DEMO_TABLE, data: generateDemoTable({ rows: opts.demoRows, seed: opts.demoSeed }) });
      if (tables.length === 0) throw new Error('nothing to serve: give --table NAME=FILE or --demo');
      if (Boolean(opts.tlsKey) !== Boolean(opts.tlsCert)) throw new Error('--tls-key and --tls-cert go together');
      const faults: FaultSpec[] = opts.fault.map(parseFaultFlag);
      const emulator = await startEmulator({
        host: opts.host,
        port: opts.port,
        // A free port beside a free port: tests and benchmarks start many emulators at once.
        restPort: opts.restPort ?? (opts.port === 0 ? 0 : DEFAULT_REST_PORT),
        jobLatencyMs: opts.jobLatencyMs,
        tables,
        requireRoutingHeader: opts.routingHeader,
        requireToken: opts.requireToken,
        tls: opts.tlsKey && opts.tlsCert ? { key: readFileSync(opts.tlsKey), cert: readFileSync(opts.tlsCert) } : undefined,
        sessionLifetimeMs: opts.sessionLifetime * 1000,
        storageBlockBytes: opts.storageBlockBytes,
        faults,
        pace: paceFromFlags(opts),
      });
      for (const t of tables) process.stderr.write(`serving ${t.table} (${t.data.numRows} rows)\n`);
      process.stdout.write(`listening on ${emulator.address}\n${emulator.restUrl}\n`);
      const stop = () => {
        void emulator.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** The profile's pace with any figure given by its own flag put in its place; none when no flag asks for a pace. */
function paceFromFlags(opts: PaceFlags): ServicePace | undefined {
  const pace: ServicePace = {
    ...(opts.pace && SERVICE_PACE_PROFILES[opts.pace]),
    ...(opts.streamRate !== undefined && { streamBytesPerSecond: opts.streamRate * 1024 * 1024 }),
    ...(opts.firstResponseMs !== undefined && { firstResponseLatencyMs: opts.firstResponseMs }),
    ...(opts.sessionLatencyMs !== undefined && { sessionLatencyMs: opts.sessionLatencyMs }),
    ...(opts.restLatencyMs !== undefined && { restCallLatencyMs: opts.restLatencyMs }),
    ...(opts.restRate !== undefined && { restBytesPerSecond: opts.restRate * 1024 * 1024 }),
  };
  return Object.keys(pace).length > 0 ? pace : undefined;
}
