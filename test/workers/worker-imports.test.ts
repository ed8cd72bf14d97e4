// What a worker thread loads as it starts: the static import graph of the worker entry, as built.
// Every module in it costs each thread compile time, and apache-arrow alone was 146 modules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const DIST = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = path.join(DIST, 'workers/entry.js');
// The entry imports the reader at once (a dynamic import only so the compile cache is on first).
const READER = path.join(DIST, 'workers/read-stream.js');
// Static imports and re-exports, what a thread loads as it starts; a dynamic import() is a module
// loaded on some paths only.
const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** bqread's own modules the entry loads (by path under dist/), and the packages they name: at start, or on any path. */
function importGraph(roots: string[], { dynamic }: { dynamic: boolean }): { modules: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const imports = [...source.matchAll(STATIC_IMPORT), ...(dynamic ? source.matchAll(DYNAMIC_IMPORT) : [])];
    for (const [, specifier] of imports) {
      if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!));
      else if (!specifier!.startsWith('node:')) packages.add(specifier!);
    }
  };
  roots.forEach(visit);
  return { modules: [...seen].map((file) => path.relative(DIST, file)), packages };
}

test('the worker entry imports nothing from src/read/ (only the contract in workers/), on any path', () => {
  const { modules } = importGraph([ENTRY], { dynamic: true });
  assert.ok(modules.includes('src/arrow/batch-message.js'), 'the graph is walked, dynamic imports too');
  assert.deepEqual(modules.filter((m) => m.startsWith('src/read/')), []);
});

test('a worker thread starts without apache-arrow, google-auth-library or protobufjs\'s .proto parser', () => {
  const { packages } = importGraph([ENTRY, READER], { dynamic: false });
  assert.ok(packages.has('@grpc/grpc-js'), 'the graph is walked');
  for (const name of ['apache-arrow', 'google-auth-library', 'protobufjs']) assert.ok(!packages.has(name), `${name} is loaded at start`);
  assert.ok(packages.has('protobufjs/light.js'));
});

test('the text formatters a worker loads for a read written as NDJSON or CSV need no apache-arrow either', () => {
  const { modules, packages } = importGraph([path.join(DIST, 'src/sinks/text/row-text.js')], { dynamic: true });
  assert.ok(modules.includes('src/sinks/text/value-text.js'), 'the graph is walked');
  assert.deepEqual([...packages], []);
});
