// Builds the Go drain (main.go beside this file) for the bench's reference row, when Go is there.
// GOPATH mode against Debian's packaged sources (golang-google-cloud-dev and what it depends on,
// in /usr/share/gocode), so it builds offline: no go.mod, no module proxy. Go's build cache makes
// every build after the first take about a second.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** From dist/bench/go-drain/build.js back to the source folder. */
const SOURCE_DIR = fileURLToPath(new URL('../../../bench/go-drain/', import.meta.url));
/** Where Debian installs Go sources (the golang-*-dev packages). */
export const DEBIAN_GOPATH = '/usr/share/gocode';
export const GO_PACKAGES_HINT = 'apt-get install golang-go golang-google-cloud-dev';
const BUILD_TIMEOUT_MS = 5 * 60_000;

/** The binary, or why there is none. */
export type GoDrainBuild = { readonly binary: string } | { readonly skipped: string };

export interface GoDrainBuildOptions {
  /** The `go` command; default `go` on PATH. */
  readonly go?: string;
  /** Prepended to Debian's GOPATH; default the environment's GOPATH. */
  readonly gopath?: string;
}

function firstLines(text: string, count = 2): string {
  return text.trim().split('\n').slice(0, count).map((line) => line.trim()).join(' / ');
}

/** Builds `outDir/go-drain`; never throws: a missing Go or package becomes `skipped`. */
export async function buildGoDrain(outDir: string, options: GoDrainBuildOptions = {}): Promise<GoDrainBuild> {
  const go = options.go ?? 'go';
  const gopath = [options.gopath ?? process.env.GOPATH, DEBIAN_GOPATH].filter(Boolean).join(':');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: gopath, GOPROXY: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' };
  const binary = join(outDir, 'go-drain');
  try {
    mkdirSync(outDir, { recursive: true });
    await run(go, ['build', '-o', binary, '.'], { cwd: SOURCE_DIR, env, timeout: BUILD_TIMEOUT_MS });
    return { binary };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return { skipped: `${go} is not on PATH (${GO_PACKAGES_HINT})` };
    return { skipped: `go build failed (${GO_PACKAGES_HINT}?): ${firstLines(e.stderr || e.message)}` };
  }
}
