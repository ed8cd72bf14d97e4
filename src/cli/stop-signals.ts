// Ctrl-C (SIGINT), a closed terminal (SIGHUP) and SIGTERM, which `timeout`, Docker, Kubernetes and
// CI send, all mean "stop": caught, they abort the work so that it cleans up after itself (a
// partial file is removed) instead of the process dying where it stands.
import { EXIT } from './exit.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface SignalStop {
  /** Aborted when the first stop signal arrives. */
  readonly signal: AbortSignal;
  /** That signal, once it arrived. */
  readonly received: StopSignal | undefined;
  /** Gives the signals back their default action. */
  dispose(): void;
}

/** Catches each stop signal once: a second one of the same kind, while cleaning up, still kills. */
export function stopOnSignals(): SignalStop {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      received ??= name;
      controller.abort(new Error(`interrupted (${name})`));
    };
    process.once(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/**
 * Runs `work` with a signal that a stop signal aborts. Stopped so, the command reports it on one
 * line and exits 128 + the signal's number; any other failure is thrown as it was.
 */
export async function stoppable(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const stop = stopOnSignals();
  try {
    await work(stop.signal);
  } catch (err) {
    if (!stop.received) throw err;
    process.stderr.write(`bqread: interrupted (${stop.received})\n`);
    process.exitCode = EXIT[stop.received];
  } finally {
    stop.dispose();
  }
}
