import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrowIpcError } from '../../src/emulator/sources/arrow-ipc.js';
import { UnsupportedArrowTypeError } from '../../src/bq-type.js';
import { EXIT, exitCodeOf } from '../../src/cli/exit.js';
import { StreamReadError } from '../../src/read/errors.js';
import { SinkOutputError } from '../../src/sinks/output.js';
import { CsvNestedDataError } from '../../src/sinks/csv-nested-error.js';

test('errors that are BqReadErrors but no failure of the read keep their own exit codes', () => {
  assert.equal(exitCodeOf(new SinkOutputError('cannot write', '/x')), EXIT.OUTPUT);
  assert.equal(exitCodeOf(new CsvNestedDataError('nested')), EXIT.USAGE);
  assert.equal(exitCodeOf(new UnsupportedArrowTypeError('no such type')), EXIT.FAILED);
  assert.equal(exitCodeOf(new ArrowIpcError('not an Arrow file')), EXIT.FAILED);
  assert.equal(exitCodeOf(new StreamReadError('stream failed')), EXIT.READ);
});
