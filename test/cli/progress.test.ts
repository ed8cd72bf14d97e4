import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { startProgress } from '../../src/cli/progress.js';

/** A stand-in terminal: what cli-progress draws lands in `text`. */
function fakeTerminal() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, text: () => text };
}

test('the bar shows rows, MB, MB/s, streams done and total; it is cleared at the end', () => {
  const terminal = fakeTerminal();
  const progress = startProgress(true, terminal.stream);
  progress.onProgress({ rows: 1000, bytes: 2_500_000, streamsDone: 1, streamsTotal: 4, estimatedRows: 4000 });
  progress.onProgress({ rows: 4000, bytes: 10_000_000, streamsDone: 4, streamsTotal: 4, estimatedRows: 4000 });
  progress.stop();
  assert.match(terminal.text(), /25% \| 1,000 rows \| 2\.5 MB \| [\d.]+ MB\/s \| streams 1\/4 \| ETA/);
});

test('disabled (not a terminal, or --quiet), it draws nothing', () => {
  const terminal = fakeTerminal();
  const progress = startProgress(false, terminal.stream);
  progress.onProgress({ rows: 1, bytes: 1, streamsDone: 0, streamsTotal: 1, estimatedRows: 1 });
  progress.stop();
  assert.equal(terminal.text(), '');
});
