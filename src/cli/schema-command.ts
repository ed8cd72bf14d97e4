import { Command } from 'commander';
import { addConnectionFlags, addSelectionFlags, readOptionsFromFlags, type ReadFlags } from './read-flags.js';

export function schemaCommand(): Command {
  const command = new Command('schema')
    .description('print the schema as `bq show --schema` does (JSON), from the read session')
    .argument('<table>', 'project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T')
    .option('--pretty', 'indent the JSON');
  addSelectionFlags(command);
  addConnectionFlags(command);
  return command
    .addHelpText('after', `
Examples:
  bqread schema my-proj.sales.orders
  bqread schema my-proj.sales.orders --pretty --columns id,customer.name
  bqread schema my-proj.sales.orders > orders.schema.json   # usable with bq load and bqread emulator --table`)
    .action(async (table: string, flags: ReadFlags & { pretty?: boolean }) => {
      // The session alone: no stream is read. It asks for picosecond TIMESTAMPs in nanoseconds,
      // whatever --picos-precision says, because only in that form does the Arrow schema tell a
      // TIMESTAMP(12) from a TIMESTAMP (microseconds) or a STRING (picos text): see bq-type.ts.
      const [{ readBatches }, { bqSchemaFromArrow }] = await Promise.all([import('../read/read-batches.js'), import('../bq-type.js')]);
      const session = await readBatches(table, { ...readOptionsFromFlags(flags), picosTimestampPrecision: 'nanos' }).session;
      process.stdout.write(`${JSON.stringify(bqSchemaFromArrow(session.schema), null, flags.pretty ? 2 : undefined)}\n`);
    });
}
