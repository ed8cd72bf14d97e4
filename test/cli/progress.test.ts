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
  progress.onProgress({ rows: 1000, bytes: 2_500_000, streamsDone: 1, streamsTotal: 4, estimatedRows: 4000, bufferedBytes: 0, budgetBytes: 8_000_000 });
  progress.onProgress({ rows: 4000, bytes: 10_000_000, streamsDone: 4, streamsTotal: 4, estimatedRows: 4000, bufferedBytes: 0, budgetBytes: 8_000_000 });
  progress.stop();
  assert.match(terminal.text(), /25% \| 1,000 rows \| 2\.5 MB \| [\d.]+ MB\/s \| streams 1\/4 \| ETA/);
});

test('disabled (not a terminal, or --quiet), it draws nothing', () => {
  const terminal = fakeTerminal();
  const progress = startProgress(false, terminal.stream);
  progress.onProgress({ rows: 1, bytes: 1, streamsDone: 0, streamsTotal: 1, estimatedRows: 1, bufferedBytes: 0, budgetBytes: 1 });
  progress.stop();
  assert.equal(terminal.text(), '');
});

test('while the read waits on the output (half the budget or more waiting for it), the bar shows the output\'s write rate', () => {
  const terminal = fakeTerminal();
  const progress = startProgress(true, terminal.stream);
  progress.onProgress({ rows: 1000, bytes: 2_500_000, streamsDone: 0, streamsTotal: 4, estimatedRows: 4000, bufferedBytes: 1_000_000, budgetBytes: 8_000_000 });
  assert.doesNotMatch(terminal.text(), /writing/);
  progress.onWritten(1_000_000);
  progress.onProgress({ rows: 2000, bytes: 5_000_000, streamsDone: 1, streamsTotal: 4, estimatedRows: 4000, bufferedBytes: 4_000_000, budgetBytes: 8_000_000 });
  progress.stop();
  assert.match(terminal.text(), /MB\/s \| writing [\d.]+ MB\/s \(output-bound\) \| streams 1\/4/);
});
