import { Command } from 'commander';
import { API_CLIENT_HEADER } from '../client/api-client-header.js';
import { reportFailure } from './exit.js';

/**
 * The commands, in the order help lists them, each loaded with what it imports: a command line that
 * names one loads that one alone (`bqread head` does not load the writers, the plan or the
 * emulator's flags: about 13 ms), anything else (help, a version, a misspelt command) loads them all.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  read: async () => (await import('./read-command.js')).readCommand(),
  query: async () => (await import('./query-command.js')).queryCommand(),
  head: async () => (await import('./head-command.js')).headCommand(),
  schema: async () => (await import('./schema-command.js')).schemaCommand(),
  plan: async () => (await import('./plan-command.js')).planCommand(),
  emulator: async () => (await import('./emulator-command.js')).emulatorCommand(),
  demo: async () => (await import('./demo-command.js')).demoCommand(),
};
const named = process.argv[2] ?? '';
const loads = Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]!] : Object.values(COMMANDS);
const commands = await Promise.all(loads.map((load) => load()));

const program = new Command('bqread')
  .description('Read BigQuery tables fast, in parallel, through the Storage Read API')
  .version(API_CLIENT_HEADER.version);
for (const command of commands) program.addCommand(command);
program
  .addHelpText('after', `
Examples:
  bqread read my-proj.ds.events --out events.parquet
  bqread query 'SELECT * FROM \`my-proj.ds.events\` WHERE day = @day' --param day:DATE:2026-01-01 --out day.parquet
  bqread head my-proj.ds.events -n 5
  bqread schema my-proj.ds.events
  bqread plan my-proj.ds.events --shards 8 --out plan.json
  bqread emulator --demo --port 9060
  bqread demo

Run \`bqread <command> --help\` for a command's flags.`);

// Commander exits on its own errors; thrown instead, they get the exit code of a usage error. Its
// message is the one line every failure prints, `bqread: ...`, in place of its `error: ...` and
// the suggestion it puts on a line of its own.
const oneLineUsage = (text: string) => `bqread: ${text.replace(/^error: /, '').replace(/\n(?=.)/g, ' ')}`;
for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
  command.exitOverride().configureOutput({ outputError: (text, write) => write(oneLineUsage(text)) });
}

// The command that ran, so a failure is reported with its --verbose and without its --token.
let active: Command = program;
program.hook('preAction', (_program, actionCommand) => {
  active = actionCommand;
});

// A reader of stdout that went away (`bqread ... | head -1`) fails no command: as with other Unix
// tools, whatever was being written ends quietly with exit 0. Without a listener, the EPIPE of a
// plain write (help, head, schema) would crash the process with a stack.
let stdoutGone = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  stdoutGone = true;
});

let settled = false;
program
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (stdoutGone && (err as NodeJS.ErrnoException).code === 'EPIPE') return;
    const flags = active.opts<{ verbose?: boolean; token?: string }>();
    process.exitCode = reportFailure(err, { verbose: flags.verbose, secrets: [flags.token] });
  })
  .finally(() => (settled = true));

// Node exits 0 when nothing is left to wait on, even with the command unfinished (a promise that
// never settles): that must not pass for success in a script or a cron job.
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write('bqread: stopped before the command finished (internal error)\n');
  process.exitCode = 1;
});
