import { Command } from 'commander';
import { integer } from './flag-parsers.js';
import { addConnectionFlags, addSelectionFlags, readOptionsFromFlags, type ReadFlags } from './read-flags.js';

export function headCommand(): Command {
  const command = new Command('head')
    .description('print the first rows of a table as an aligned grid, like `bq head`')
    .argument('<table>', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T')
    .option('-n, --max-rows <n>', 'rows to print', integer('--max-rows', 0), 10);
  addSelectionFlags(command);
  addConnectionFlags(command);
  return command
    .addHelpText('after', `
Examples:
  bqread head my-proj.sales.orders
  bqread head my-proj.sales.orders -n 3 --columns id,amount --where "amount > 100"`)
    .action(async (table: string, flags: ReadFlags & { maxRows: number }) => {
      // The reader loads when a command reads: --help and the emulator do without it. The grid's
      // modules (apache-arrow among them) load while the service creates the session.
      const { readFirstRows } = await import('./first-rows.js');
      const [{ session, batches }, { alignedTable }] = await Promise.all([
        readFirstRows(table, readOptionsFromFlags(flags), Math.max(flags.maxRows, 1)),
        import('./aligned-table.js'),
      ]);
      process.stdout.write(`${alignedTable(session.schema.fields, batches, flags.maxRows)}\n`);
    });
}
