#!/usr/bin/env node
import { Command } from 'commander';
import { API_CLIENT_HEADER } from '../client/api-client-header.js';
import { demoCommand } from './demo-command.js';
import { emulatorCommand } from './emulator-command.js';

const program = new Command('bqread')
  .description('Read BigQuery tables fast, in parallel, through the Storage Read API')
  .version(API_CLIENT_HEADER.version)
  .addCommand(demoCommand())
  .addCommand(emulatorCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`bqread: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
