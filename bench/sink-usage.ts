// Preloaded (`node --import`) into a `bqread read` the sink bench times: as the process exits it
// writes what it used, all its threads together (getrusage), to the file BQREAD_SINK_USAGE names.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BQREAD_SINK_USAGE;
if (isMainThread && file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssBytes: usage.maxRSS * 1024 }));
  });
}
