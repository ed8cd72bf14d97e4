// What a read loads before its CreateReadSession goes out. apache-arrow is the largest package a
// read needs (about 75 ms of CPU to load on Node 22); a read loads it while the service creates the
// session (src/read/arrow-parts.ts), so it must be in no module a read or `bqread head` loads first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importGraph } from '../helpers/import-graph.js';

test('a read, and `bqread head`, load no apache-arrow before the session is asked for, nor piscina (threads start once the session says what the read is worth) or the progress bar (shown on a terminal only)', () => {
  // program.js loads the command a command line names (below): `bqread head` and `bqread read` here.
  const { modules, packages } = importGraph(['src/read/read-batches.js', 'src/cli/first-rows.js', 'src/cli/program.js', 'src/cli/head-command.js', 'src/cli/read-command.js'], { dynamic: false });
  assert.ok(['src/read/session.js', 'src/read/pool.js', 'src/cli/progress.js'].every((m) => modules.includes(m)) && packages.has('@grpc/grpc-js'), 'the graph is walked');
  assert.ok(!packages.has('apache-arrow'));
  // Each some 10 ms of a `bqread head` at the service's pace (issue 24: session + first response + 200 ms).
  assert.ok(!packages.has('piscina') && !packages.has('cli-progress'), [...packages].join(', '));
});

test('the read loads its Arrow parts, and apache-arrow with them, on its way', () => {
  const { modules, packages } = importGraph(['src/read/read-batches.js'], { dynamic: true });
  for (const part of ['src/arrow/schema-message.js', 'src/arrow/layout-plan.js', 'src/arrow/transfer.js']) assert.ok(modules.includes(part), part);
  assert.ok(packages.has('apache-arrow'));
});

test('the command loads only the command its command line names: `bqread head` none of the others and what they import', () => {
  const { modules } = importGraph(['src/cli/program.js'], { dynamic: false });
  assert.ok(modules.includes('src/cli/exit.js'), 'the graph is walked');
  const commands = ['read', 'query', 'head', 'schema', 'plan', 'emulator', 'demo'].map((name) => `src/cli/${name}-command.js`);
  assert.deepEqual(modules.filter((m) => commands.includes(m)), []);
  assert.deepEqual(importGraph(['src/cli/program.js'], { dynamic: true }).modules.filter((m) => commands.includes(m)).sort(), [...commands].sort(), 'each is loaded on its way');
});
