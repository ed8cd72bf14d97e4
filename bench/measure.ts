import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the samplers read RSS and each thread's CPU. */
const SAMPLE_MS = 20;

export interface RssSampler {
  /** Highest RSS seen: the samples and, on Linux, the kernel's own high-water mark (which catches peaks between samples). */
  peakBytes(): number;
  stop(): void;
}

/**
 * VmHWM of this process, or 0 where /proc is not there. Not process.resourceUsage().maxRSS: Linux
 * carries ru_maxrss across exec, so a child would report the bench's own RSS at the moment it was
 * spawned; VmHWM belongs to the address space exec created.
 */
export function kernelPeakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples this process's RSS every 20 ms without keeping the process alive. */
export function sampleRss(): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  timer.unref();
  return {
    peakBytes: () => Math.max(peak, process.memoryUsage.rss(), kernelPeakRss()),
    stop: () => clearInterval(timer),
  };
}

export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface Timed<T> {
  readonly value: T;
  readonly wallMs: number;
  readonly loopDelay: LoopDelay;
}

/** Runs `work`, timing it and recording the main thread's event-loop delay (1 ms resolution) meanwhile. */
export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  let value: T;
  try {
    value = await work();
  } finally {
    histogram.disable();
  }
  const wallMs = performance.now() - started;
  const ms = (ns: number) => ns / 1e6;
  // A read shorter than the resolution records no samples, and the histogram's percentiles are then meaningless.
  const loopDelay = histogram.count === 0
    ? { p50Ms: 0, p99Ms: 0, maxMs: 0 }
    : { p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) };
  return { value, wallMs, loopDelay };
}

/** CPU time of this process's threads over a run, by kind (Linux only: read from /proc/self/task). */
export interface ThreadCpu {
  /** The main thread: bqread's coordinator, or a single-threaded reader's everything. */
  readonly mainMs: number;
  /** Threads started during the run: the reader's worker threads (and libuv's pool, if it started). */
  readonly workerThreadsMs: number;
  readonly workerThreads: number;
  /** Threads that were there before the run other than the main one: V8's platform threads (GC, compilers) and libuv's. */
  readonly helperThreadsMs: number;
}

export interface ThreadCpuSampler {
  stop(): ThreadCpu | undefined;
}

// USER_HZ, the unit of /proc/<pid>/stat times, is 100 on every Linux ABI Node runs on.
const MS_PER_TICK = 10;
const TASKS = '/proc/self/task';

/**
 * `read(tid)` for each live thread of this process, in ms; undefined where /proc is not there.
 * A thread that ends between the listing and its read is left out (its last sample stands).
 */
function perThread(read: (tid: string) => number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(TASKS);
  } catch {
    return undefined;
  }
  const values = new Map<number, number>();
  for (const tid of tids) {
    try {
      values.set(Number(tid), read(tid));
    } catch {
      // The thread ended between the listing and the read, or the kernel lacks the file.
    }
  }
  return values;
}

/** Each live thread's user + system CPU so far, in ms (tick-grained). */
function threadCpuNow(): Map<number, number> | undefined {
  return perThread((tid) => {
    // After the parenthesised name (which may itself hold ') ') come the state, the 3rd field,
    // ... utime, the 14th, and stime, the 15th.
    const line = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
    const fields = line.slice(line.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  });
}

/**
 * Samples every thread's CPU every 20 ms and keeps each thread's last value, so threads that end
 * before the run does (a pool closed by the read itself) are still counted, short of at most one
 * sampling interval.
 */
export function sampleThreadCpu(): ThreadCpuSampler {
  const start = threadCpuNow();
  if (!start) return { stop: () => undefined };
  const last = new Map(start);
  const sample = () => {
    for (const [tid, ms] of threadCpuNow() ?? []) last.set(tid, ms);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      let mainMs = 0;
      let workerThreadsMs = 0;
      let workerThreads = 0;
      let helperThreadsMs = 0;
      for (const [tid, ms] of last) {
        const spent = ms - (start.get(tid) ?? 0);
        if (tid === process.pid) mainMs = spent;
        else if (start.has(tid)) helperThreadsMs += spent;
        else {
          workerThreadsMs += spent;
          workerThreads++;
        }
      }
      return { mainMs, workerThreadsMs, workerThreads, helperThreadsMs };
    },
  };
}

/**
 * Each live thread's time on a CPU so far, in ms, to the nanosecond (the first field of
 * /proc/self/task/<tid>/schedstat), where a tick-grained figure would blur a start of tens of ms;
 * undefined where /proc or schedstat is not there.
 */
export function threadOnCpuMs(): Map<number, number> | undefined {
  const cpu = perThread((tid) => Number(readFileSync(`${TASKS}/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
  return cpu && cpu.size > 0 ? cpu : undefined;
}
