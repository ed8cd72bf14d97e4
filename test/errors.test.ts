import assert from 'node:assert/strict';
import { test } from 'node:test';

const ENTRIES = {
  bqread: await import('bqread'),
  'bqread/sinks': await import('bqread/sinks'),
  'bqread/emulator': await import('bqread/emulator'),
};

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes a module exports, by name. */
function errorClasses(module: object): [string, ErrorClass][] {
  return Object.entries(module)
    .filter((entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && (entry[1] as { prototype?: unknown }).prototype instanceof Error)
    .sort(([a], [b]) => a.localeCompare(b));
}

test('every entry point exports its error classes', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(ENTRIES).map(([entry, module]) => [entry, errorClasses(module).map(([name]) => name)])), {
    bqread: [
      'BigQueryApiError', 'BqReadError', 'CallbackError', 'EndpointUnreachableError', 'PlanError', 'QueryError', 'ReadAbortedError', 'ReadOptionsError',
      'SessionCreateError', 'SessionExpiredError', 'StreamReadError', 'TableReferenceError', 'UnsupportedArrowTypeError', 'ViewReadError',
      'WorkerThreadsGoneError',
    ],
    'bqread/sinks': ['CsvNestedDataError', 'SinkOutputError'],
    'bqread/emulator': ['ArrowIpcError', 'NdjsonError', 'SchemaError'],
  });
});

test('instanceof BqReadError catches every error class of every entry point', () => {
  const { BqReadError } = ENTRIES.bqread;
  for (const [entry, module] of Object.entries(ENTRIES)) {
    for (const [name, kind] of errorClasses(module).filter(([, kind]) => kind !== BqReadError)) {
      assert.ok(kind.prototype instanceof BqReadError, `${entry}'s ${name} does not extend BqReadError`);
    }
  }
});
