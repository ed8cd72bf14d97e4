import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

let emulator: Emulator;

before(async () => {
  ({ emulator } = await demoEmulator(50));
});
after(async () => {
  await emulator.close();
});

test('a reader of stdout gone before the output comes (`| head -1`) ends every command quietly with exit 0', async () => {
  const commands = [
    ['--help'],
    ['--version'],
    ['read', '--help'],
    ['head', DEMO, '--endpoint', emulator.address, '-n', '3'],
    ['schema', DEMO, '--endpoint', emulator.address],
    ['read', DEMO, '--endpoint', emulator.address, '--workers', '1', '--quiet'],
  ];
  const ends = [];
  for (const args of commands) {
    const run = await runCli(args, { stdoutClosed: true, timeoutMs: 30_000 });
    ends.push({ args: args.slice(0, 2).join(' '), code: run.code, stderr: run.stderr.split('\n')[0] });
  }
  assert.deepEqual(ends, ends.map(({ args }) => ({ args, code: 0, stderr: '' })));
});
