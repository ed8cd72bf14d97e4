// What a worker thread loads as it starts: the static import graph of the worker entry, as built.
// Every module in it costs each thread compile time, and apache-arrow alone was 146 modules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { READ_API_MODULE_FILE } from '../../src/protocol/protos.js';
import { importGraph } from '../helpers/import-graph.js';

const ENTRY = 'workers/entry.js';
// The entry imports the reader at once (a dynamic import only so the compile cache is on first).
const READER = 'workers/read-stream.js';

test('the worker entry imports nothing from src/read/ (only the contract in workers/), on any path', () => {
  const { modules } = importGraph([ENTRY], { dynamic: true });
  assert.ok(modules.includes('src/arrow/batch-message.js'), 'the graph is walked, dynamic imports too');
  assert.deepEqual(modules.filter((m) => m.startsWith('src/read/')), []);
});

test('a worker thread starts without apache-arrow, google-auth-library or protobufjs beyond its minimal runtime', () => {
  const { packages } = importGraph([ENTRY, READER], { dynamic: false });
  assert.ok(packages.has('@grpc/grpc-js'), 'the graph is walked');
  for (const name of ['apache-arrow', 'google-auth-library', 'protobufjs', 'protobufjs/light.js']) assert.ok(!packages.has(name), `${name} is loaded at start`);
  // The Read API's messages are generated code on protobufjs's minimal runtime (no descriptors, no reflection).
  assert.match(readFileSync(fileURLToPath(READ_API_MODULE_FILE), 'utf8'), /require\("protobufjs\/minimal"\)/);
  assert.doesNotMatch(readFileSync(fileURLToPath(READ_API_MODULE_FILE), 'utf8'), /require\("protobufjs(\/light)?"\)/);
});

test('the text formatters a worker loads for a read written as NDJSON or CSV need no apache-arrow either', () => {
  const { modules, packages } = importGraph(['src/sinks/text/row-text.js'], { dynamic: true });
  assert.ok(modules.includes('src/sinks/text/value-text.js'), 'the graph is walked');
  assert.deepEqual([...packages], []);
});

test('what a worker loads to make a Parquet write\'s input needs no apache-arrow: only flatbuffers, to write the header of a message with INTERVAL rewritten', () => {
  const { modules, packages } = importGraph(['src/sinks/parquet-ipc.js'], { dynamic: true });
  assert.ok(modules.includes('src/sinks/interval-text-column.js'), 'the graph is walked');
  assert.deepEqual([...packages], ['flatbuffers']);
});
