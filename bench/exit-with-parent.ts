// Preloaded (`node --import`) into every process the bench starts. The bench holds the write end
// of this process's stdin; the pipe closes when the bench exits for any reason, SIGKILL included,
// and then this process exits too, so no emulator or reader outlives the bench.
import { isMainThread } from 'node:worker_threads';

// Worker threads inherit the preload (execArgv); their stdin is not the bench's pipe.
if (isMainThread) {
  process.stdin.on('end', () => process.exit(70));
  process.stdin.on('error', () => process.exit(70));
  process.stdin.resume();
  // stdin must not be what keeps a finished process alive.
  (process.stdin as { unref?: () => void }).unref?.();
}
