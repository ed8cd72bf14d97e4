// bench/README.md's command examples, kept true: each line of its ```sh blocks is a command the
// bench takes as written (its flags through the bench's own parsers), or the install line its Go
// drain prints when Go is missing. The bench itself takes minutes, so the commands are parsed, not run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, parseBenchArgs } from '../../bench/args.js';
import { GO_PACKAGES_HINT } from '../../bench/go-drain/build.js';
import { parseWorkerStartArgs } from '../../bench/worker-start.js';

const README = fileURLToPath(new URL('../../../bench/README.md', import.meta.url));

/** The command lines of the README's ```sh blocks, comments and continuation comments dropped. */
function commandLines(): string[] {
  const lines = readFileSync(README, 'utf8').split('\n');
  const commands: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    for (i++; lines[i] !== '```'; i++) {
      const command = lines[i]!.replace(/(^|\s+)#.*$/, '').trim();
      if (command) commands.push(command);
    }
  }
  return commands;
}

/** Shell words, with '' as the empty word. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).map((word) => (word === "''" ? '' : word));

test('every command in bench/README.md is one the bench takes', () => {
  const commands = commandLines();
  assert.ok(commands.length >= 10, `${commands.length} commands found`);
  for (const command of commands) {
    const bench = /^npm run bench(?: -- (.*))?$/.exec(command);
    const workerStart = /^node dist\/bench\/worker-start\.js(?: (.*))?$/.exec(command);
    if (bench) assert.doesNotThrow(() => parseBenchArgs(words(bench[1] ?? ''), 2, new Date()), command);
    else if (workerStart) assert.doesNotThrow(() => parseWorkerStartArgs(words(workerStart[1] ?? '')), command);
    else assert.equal(command, GO_PACKAGES_HINT, `a command the bench does not take: ${command}`);
  }
});

test('the parsers refuse what the README does not promise', () => {
  assert.throws(() => parseBenchArgs(['--bogus'], 2, new Date()), BenchUsageError);
  assert.throws(() => parseBenchArgs(['--only', 'nope'], 2, new Date()), BenchUsageError);
  assert.throws(() => parseWorkerStartArgs(['--runs', '0']), /--runs must be a positive integer/);
});
