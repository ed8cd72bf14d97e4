// The progress bar a person at a terminal sees on stderr while a table is read (cli-progress).
import cliProgress from 'cli-progress';
import type { ReadProgress } from '../read/stats.js';

export interface Progress {
  readonly onProgress: (progress: ReadProgress) => void;
  /** Removes the bar (the summary line takes its place). */
  stop(): void;
}

const MB = 1e6;

/** A bar when `enabled` (stderr is a terminal and --quiet was not given), else nothing at all. */
export function startProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { onProgress: () => undefined, stop: () => undefined };
  const started = performance.now();
  const bar = new cliProgress.SingleBar({
    stream,
    format: ' {bar} {percentage}% | {rows} rows | {mb} MB | {rate} MB/s | streams {streamsDone}/{streamsTotal} | ETA {eta_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: true,
    // The ETA follows the last few seconds' rate, not the whole read's.
    etaBuffer: 50,
    fps: 8,
  });
  let begun = false;
  return {
    onProgress(p) {
      const seconds = (performance.now() - started) / 1000;
      // The session's estimate is exact on the emulator, approximate on the service: never below what has been read.
      const total = Math.max(p.estimatedRows, p.rows, 1);
      // {total} and {value} are cli-progress's own (the bar's rows): the payload's names must differ.
      const payload = {
        rows: p.rows.toLocaleString('en-US'),
        mb: (p.bytes / MB).toFixed(1),
        rate: seconds > 0 ? (p.bytes / MB / seconds).toFixed(1) : '0.0',
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
    stop() {
      if (begun) bar.stop();
    },
  };
}
