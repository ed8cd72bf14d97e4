import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { integer } from './flag-parsers.js';
import { addConnectionFlags, addSelectionFlags, readOptionsFromFlags, UsageError, type ReadFlags } from './read-flags.js';

interface PlanFlags extends ReadFlags {
  readonly out?: string;
  readonly shards?: number;
}

/** A plan file, checked (a PlanError says what is wrong with it). */
export async function loadPlanFile(path: string) {
  const { parsePlan } = await import('../plan/read-plan-format.js');
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read the plan ${path}: ${err.code ?? err.message}`);
  });
  return parsePlan(text, path);
}

function verifyCommand(): Command {
  return new Command('verify')
    .description('check that DIR holds every shard of the plan exactly once, each part whole (exit 1 naming what is missing)')
    .argument('<plan>', 'the plan file')
    .argument('<dir>', 'the directory the shards wrote their parts into')
    .option('--json', 'print the verification as JSON')
    .action(async (planPath: string, dir: string, flags: { json?: boolean }) => {
      const plan = await loadPlanFile(planPath);
      const { verifyPlanParts } = await import('../plan/verify-parts.js');
      const result = await verifyPlanParts(plan, dir);
      if (flags.json) {
        const { parts, ...summary } = result;
        process.stdout.write(`${JSON.stringify({ ...summary, parts: parts.map((p) => ({ shard: p.shard.index, files: p.files.map((f) => f.path), rows: p.rows, bytes: p.bytes })) }, null, 2)}\n`);
      } else if (result.ok) {
        process.stdout.write(`ok: ${result.shards} shards, ${result.rows.toLocaleString('en-US')} rows (the session's estimate: ${result.estimatedRows.toLocaleString('en-US')}) in ${dir}\n`);
      }
      if (!result.ok) {
        for (const problem of result.problems) process.stderr.write(`bqread: ${problem}\n`);
        process.exitCode = 1;
      }
    });
}

export function planCommand(): Command {
  const command = new Command('plan')
    .description('create a read session once and write it as a plan that N machines read shards of (bqread read --plan)')
    .argument('<table>', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T')
    .option('-o, --out <path>', 'the plan file (JSON; no credentials in it); required')
    .option('--shards <n>', 'the machines that will read it: recorded in the plan (shards must use it), and the session asked for enough streams', integer('--shards', 1))
    .option('--max-streams <n>', 'most streams in the read session (0: the service decides)', integer('--max-streams', 0))
    .option('--workers <n>', 'worker threads of each shard machine, for the streams asked for (default: this machine\'s cores)', integer('--workers', 1))
    .addOption(new Option('--compression <codec>', 'Arrow buffer compression on the wire').choices(['lz4', 'zstd', 'none']));
  addSelectionFlags(command);
  addConnectionFlags(command);
  command.addCommand(verifyCommand());
  return command
    .addHelpText('after', `
The session lives 6 hours from the plan's making (its expireTime); every shard must finish by then.

Examples:
  bqread plan my-proj.sales.orders --shards 8 --out plan.json
  bqread read --plan plan.json --shard 3/8 --out parts/
  bqread plan verify plan.json parts/`)
    .action(async (table: string, flags: PlanFlags) => {
      // Not a required option: commander would then ask it of `plan verify` too.
      if (flags.out === undefined) throw new UsageError('give --out PATH for the plan file');
      const options = readOptionsFromFlags(flags);
      const { planRead } = await import('../plan/plan-read.js');
      const plan = await planRead(table, { ...options, shards: flags.shards });
      await mkdir(dirname(flags.out), { recursive: true });
      const temp = `${flags.out}.${process.pid}.partial`;
      await writeFile(temp, `${JSON.stringify(plan, null, 2)}\n`);
      await rename(temp, flags.out);
      process.stderr.write(`plan: ${plan.streams.length} streams of ${plan.session}, expires ${plan.expireTime ?? 'at an unknown time'} -> ${flags.out}\n`);
    });
}
