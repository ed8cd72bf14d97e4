import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (dist/test/helpers -> dist/src/cli/main.js), run the way a user runs it. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Close the reading end of stdout at once, as `| head -1` has by the time a short output comes. */
  readonly stdoutClosed?: boolean;
}

/** Runs `bqread ARGS` to completion (killed after `timeoutMs`) and collects its output. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const { BIGQUERY_STORAGE_EMULATOR_HOST: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  if (options.stdoutClosed) child.stdout.destroy();
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bqread ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout), stderr });
    });
  });
}
