import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the sampler reads RSS. */
const RSS_SAMPLE_MS = 20;

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
function kernelPeakRss(): number {
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
  }, RSS_SAMPLE_MS);
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
