// The progress bar a person at a terminal sees on stderr while a table is read (cli-progress).
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { ReadProgress } from '../read/stats.js';

// Loaded when a bar is shown, not with the command: a run with no terminal (a job, a pipe, `bqread
// head`) would spend about 10 ms loading it before its first request.
const require = createRequire(import.meta.url);

export interface Progress {
  readonly onProgress: (progress: ReadProgress) => void;
  /** The output's bytes written so far. */
  readonly onWritten: (bytes: number) => void;
  /** Removes the bar (the summary line takes its place). */
  stop(): void;
}

const MB = 1e6;

/** A bar when `enabled` (stderr is a terminal and --quiet was not given), else nothing at all. */
export function startProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { onProgress: () => undefined, onWritten: () => undefined, stop: () => undefined };
  const started = performance.now();
  const cliProgress = require('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar({
    stream,
    format: ' {bar} {percentage}% | {rows} rows | {mb} MB | {rate} MB/s{output} | streams {streamsDone}/{streamsTotal} | ETA {eta_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: true,
    // The ETA follows the last few seconds' rate, not the whole read's.
    etaBuffer: 50,
    fps: 8,
  });
  let begun = false;
  let written = 0;
  let outputBound = false;
  const rate = (bytes: number) => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? (bytes / MB / seconds).toFixed(1) : '0.0';
  };
  // While the read waits on the output (what waits for it fills half the budget or more), the
  // output's own rate is what the user can change, so it shows beside the read's.
  const output = () => (outputBound ? ` | writing ${rate(written)} MB/s (output-bound)` : '');
  return {
    onProgress(p) {
      // The session's estimate is exact on the emulator, approximate on the service: never below what has been read.
      const total = Math.max(p.estimatedRows, p.rows, 1);
      outputBound = p.budgetBytes > 0 && p.bufferedBytes >= p.budgetBytes / 2;
      // {total} and {value} are cli-progress's own (the bar's rows): the payload's names must differ.
      const payload = {
        rows: p.rows.toLocaleString('en-US'),
        mb: (p.bytes / MB).toFixed(1),
        rate: rate(p.bytes),
        output: output(),
        streamsDone: p.streamsDone,
        streamsTotal: p.streamsTotal,
      };
      if (!begun) {
        bar.start(total, p.rows, payload);
        begun = true;
      } else {
        if (total !== bar.getTotal()) bar.setTotal(total);
        bar.update(p.rows, payload);
      }
    },
    onWritten(bytes) {
      written = bytes;
      if (begun) bar.update({ output: output() });
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}
