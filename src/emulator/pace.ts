import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How fast the emulator serves, to look like the service rather than loopback. Off by default
 * (tests want speed); benchmarks turn it on.
 */
export interface ServicePace {
  /** Bytes a second each ReadRows call is served at, whatever other calls do (the service paces each stream). */
  readonly streamBytesPerSecond?: number;
  /** Wait before a ReadRows call's first response. */
  readonly firstResponseLatencyMs?: number;
  /** Wait before CreateReadSession answers. */
  readonly sessionLatencyMs?: number;
  /** Least time a REST call (jobs.query, getQueryResults, tables.get, ...) takes to answer. */
  readonly restCallLatencyMs?: number;
  /** Bytes a second a REST response's JSON is sent at. */
  readonly restBytesPerSecond?: number;
}

const MIB = 1024 * 1024;

/**
 * Named paces built from public figures of the real service:
 * - One session of 100 streams on an 8-vCPU VM reached about 250 MiB/s, which a Google engineer
 *   called "the high end" (googleapis/java-bigquerystorage#809): 2.5 MiB/s a stream when all run.
 * - One Python reader of one stream topped out near 30 MB/s (googleapis/python-bigquery-storage#3),
 *   a ceiling for a single stream.
 * - CreateReadSession takes a few hundred milliseconds (googleapis/google-cloud-go#3880, as cited
 *   in bqread's issue 15; not re-checked here).
 * `bigquery` takes 10 MiB/s a stream, between those two, and 300 ms for the session and for a
 * stream's first response; `bigquery-slow` is the all-streams-busy 2.5 MiB/s.
 *
 * The REST API's result pages (jobs.query, jobs.getQueryResults), which a client reads one after
 * another, from reports of whole reads that include the client's own JSON parsing:
 * - pandas-gbq read 450,000 rows of about 30 columns in 32 pages over 293 s, some 9 s a page
 *   (googleapis/python-bigquery-pandas#66);
 * - bigrquery downloaded about 12, 24 and 47 MB of results in 7, 15 and 31 s, 1.6 MB/s, "mostly"
 *   bound by parsing the JSON (r-dbi/bigrquery#199).
 * The service's own rate is above those end-to-end figures: `bigquery` sends a page's JSON at
 * 4 MiB/s, `bigquery-slow` at the 1.5 MiB/s seen end to end; each REST call takes at least the
 * 300 ms round trip the Read API's calls take.
 */
export const SERVICE_PACE_PROFILES = {
  bigquery: {
    streamBytesPerSecond: 10 * MIB, firstResponseLatencyMs: 300, sessionLatencyMs: 300, restCallLatencyMs: 300, restBytesPerSecond: 4 * MIB,
  },
  'bigquery-slow': {
    streamBytesPerSecond: 2.5 * MIB, firstResponseLatencyMs: 300, sessionLatencyMs: 300, restCallLatencyMs: 300, restBytesPerSecond: 1.5 * MIB,
  },
} as const satisfies Record<string, ServicePace>;

export type ServicePaceProfile = keyof typeof SERVICE_PACE_PROFILES;

export function validatePace(pace: ServicePace): void {
  for (const [key, value] of Object.entries(pace)) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`pace.${key} must be a non-negative number (got ${String(value)})`);
    }
  }
  if (pace.streamBytesPerSecond === 0) throw new RangeError('pace.streamBytesPerSecond must be positive when set');
  if (pace.restBytesPerSecond === 0) throw new RangeError('pace.restBytesPerSecond must be positive when set');
}

/**
 * Paces one ReadRows call: its first response waits the first-response latency, and the call never
 * runs ahead of its byte rate (a response leaves once the bytes before it have had their time).
 */
export class StreamPacer {
  private readonly started = performance.now();
  private sentBytes = 0;

  constructor(private readonly pace: ServicePace | undefined) {}

  /** Waits until the next response of `bytes` may leave; `cancelled` cuts the wait short between steps. */
  async beforeResponse(bytes: number, cancelled: () => boolean): Promise<void> {
    if (!this.pace) return;
    const rate = this.pace.streamBytesPerSecond;
    const dueMs = (this.pace.firstResponseLatencyMs ?? 0) + (rate ? (this.sentBytes / rate) * 1000 : 0);
    this.sentBytes += bytes;
    // In steps, so a cancelled call stops waiting soon.
    for (let wait = dueMs - (performance.now() - this.started); wait > 0 && !cancelled(); wait = dueMs - (performance.now() - this.started)) {
      await sleep(Math.min(wait, 100));
    }
  }
}
