import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const DIST_SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/gm;

/** Every module a compiled entry loads when imported: relative files and bare package names (dynamic imports apart). */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1];
      if (!specifier) continue; // import('...') loads lazily
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(path.join(DIST_SRC, entry));
  return { files, packages };
}

test("the reader's entry loads neither the emulator nor the file writers", () => {
  const { files, packages } = staticGraph('index.js');
  const relative = [...files].map((f) => path.relative(DIST_SRC, f));
  assert.deepEqual(relative.filter((f) => f.startsWith('emulator/') || f.startsWith('sinks/') || f.startsWith('cli/')), []);
  assert.equal(packages.has('parquet-wasm'), false);
  assert.equal(packages.has('cli-progress'), false);
});

test('the subpath exports resolve by package name', async () => {
  const reader = await import('bqread');
  const emulator = await import('bqread/emulator');
  const sinks = await import('bqread/sinks');
  assert.equal(typeof reader.readBatches, 'function');
  assert.equal('startEmulator' in reader, false);
  assert.equal(typeof emulator.startEmulator, 'function');
  assert.equal(typeof emulator.generateDemoTable, 'function');
  assert.equal(typeof sinks.writeParquet, 'function');
  assert.deepEqual(sinks.SINK_FORMATS, ['arrow', 'arrows', 'parquet', 'ndjson', 'csv']);
});

test('Parquet is loaded only when a Parquet file is written', () => {
  const { packages } = staticGraph('sinks/index.js');
  assert.equal(packages.has('parquet-wasm'), false);
});
