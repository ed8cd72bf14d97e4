// Preloaded (`node --import`) into a `bqread read` the sink bench times: as the process exits it
// writes what it used, all its threads together, to the file BQREAD_SINK_USAGE names. CPU is
// getrusage's; peak RSS is the kernel's high-water mark of this address space (VmHWM), not
// getrusage's maxRSS, which Linux carries across exec and so reads the bench's own RSS.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { kernelPeakRss } from './measure.js';

const file = process.env.BQREAD_SINK_USAGE;
if (isMainThread && file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const maxRssBytes = Math.max(kernelPeakRss(), process.memoryUsage.rss());
    writeFileSync(file, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssBytes }));
  });
}
