import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A bench process that failed to start, answered wrongly, or ran too long. */
export class BenchProcessError extends Error {
  override name = 'BenchProcessError';
}

const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.js', import.meta.url));
const STDERR_TAIL_CHARS = 4000;

export interface NodeProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few KB it wrote to stderr, for error messages. */
  stderrTail(): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort on the bench's own exit: nothing it started may keep running. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Starts `node [nodeFlags] script [args]` with the exit-with-parent preload and piped stdio; `env` adds to the bench's environment. */
export function startNode(script: string, args: readonly string[], nodeFlags: readonly string[] = [], env?: NodeJS.ProcessEnv): NodeProcess {
  return startProcess(process.execPath, ['--import', EXIT_WITH_PARENT, ...nodeFlags, script, ...args], env);
}

/**
 * Starts any program with piped stdio. Its stdin is a pipe from the bench that closes when the
 * bench exits; a program that is not Node must exit on that itself (bench/go-drain/main.go does).
 */
export function startProcess(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): NodeProcess {
  installExitHook();
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env && { ...process.env, ...env } });
  live.add(child);
  let tail = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    tail = (tail + text).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', () => {
      live.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  return { child, exited, stderrTail: () => tail.trim() };
}

/**
 * Resolves with, for each pattern, the first whole stdout line matching it, once every pattern has
 * matched; rejects if the process exits or times out first.
 */
export function waitForLines(proc: NodeProcess, patterns: readonly RegExp[], timeoutMs: number): Promise<RegExpMatchArray[]> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const stdout = proc.child.stdout!.setEncoding('utf8');
    const cleanup = () => {
      clearTimeout(timer);
      stdout.off('data', onData);
    };
    const wanted = patterns.join(' and ');
    const onData = (text: string) => {
      buffered += text;
      // Whole lines only: a line cut between two chunks could match in part ("...:90" of ":9050").
      const lines = buffered.split('\n').slice(0, -1);
      const matches = patterns.map((pattern) => lines.map((line) => pattern.exec(line)).find((match) => match !== null));
      if (matches.every((match) => match !== undefined)) {
        cleanup();
        resolve(matches);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new BenchProcessError(`no lines matching ${wanted} within ${timeoutMs} ms; stderr: ${proc.stderrTail() || '(empty)'}`));
    }, timeoutMs);
    stdout.on('data', onData);
    void proc.exited.then(({ code, signal }) => {
      cleanup();
      reject(new BenchProcessError(`exited (${signal ?? `code ${code}`}) before printing lines matching ${wanted}; stderr: ${proc.stderrTail() || '(empty)'}`));
    });
  });
}

/** Collects stdout and waits for a clean exit; SIGKILLs the process after `timeoutMs`. */
export async function runToEnd(proc: NodeProcess, timeoutMs: number): Promise<string> {
  let stdout = '';
  proc.child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) {
    const why = signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : signal ?? `exit code ${code}`;
    throw new BenchProcessError(`${why}; stderr: ${proc.stderrTail() || '(empty)'}`);
  }
  return stdout;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopNode(proc: NodeProcess, graceMs = 5000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}
