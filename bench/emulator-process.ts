import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startNode, stopNode, waitForLines } from './node-process.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Generating 4M demo rows takes seconds on a slow core; listening follows. */
const STARTUP_TIMEOUT_MS = 120_000;

export interface EmulatorProcess {
  /** `host:port`. */
  readonly address: string;
  /** The REST API (jobs, tables) on a port of its own: `http://host:port`. */
  readonly restUrl: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** CPU time the emulator has used so far (all its threads), or undefined where /proc is not there. */
  cpuMs(): number | undefined;
  /** SIGTERM (the emulator closes its connections and exits), SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/**
 * `bqread emulator --demo --demo-rows N [flags: --fault, --pace, ...]` in its own process, on a free port, so its CPU and memory
 * are not the reader's. The bench starts a fresh one per reader run, so every reader meets the
 * same cold emulator (which encodes each part of the table as a reader first reads it) and none
 * pays for another's garbage.
 */
export async function startEmulatorProcess(rows: number, flags: readonly string[] = []): Promise<EmulatorProcess> {
  const proc = startNode(CLI, ['emulator', '--port', '0', '--demo', '--demo-rows', String(rows), ...flags]);
  try {
    // The emulator prints its gRPC address, then its REST API's URL on a line of its own.
    const [listening, rest] = await waitForLines(proc, [/^listening on (.+):(\d+)$/, /^https?:\/\/\S+$/], STARTUP_TIMEOUT_MS);
    const [, host, port] = listening!;
    return {
      address: `${host}:${port}`,
      restUrl: rest![0],
      host: host!.replace(/^\[(.*)\]$/, '$1'),
      port: Number(port),
      pid: proc.child.pid!,
      cpuMs: () => processCpuMs(proc.child.pid!),
      stop: () => stopNode(proc),
    };
  } catch (err) {
    await stopNode(proc, 1000);
    throw err;
  }
}

// Linux reports utime and stime in clock ticks of 1/100 s (USER_HZ) in fields 14 and 15.
const TICK_MS = 10;

function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields from 3 on follow the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}
