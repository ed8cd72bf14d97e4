import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import type { ReadOptions } from '../../src/read/options.js';
import { canonicalRows } from '../helpers/canonical.js';
import { GoogleTokenEndpoint } from '../helpers/google-token-endpoint.js';
import { serviceAccountKey, type ServiceAccountKey } from '../helpers/service-account.js';
import { selfSignedCert } from '../helpers/tls.js';

const CHILD = new URL('../helpers/read-child.js', import.meta.url).pathname;
const TABLE = 'keyfile-proj.ds.t';
/** Shorter than google-auth-library's 5-minute eagerRefreshThresholdMillis: it refreshes before every call. */
const TOKEN_LIFETIME_S = 2;

interface ChildOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: { ok: boolean; rows?: number; digest?: string; stats?: Record<string, unknown>; error?: { name: string; code?: number; message: string } };
}

/** Runs one read in a child process (its own proxy and CA environment), capturing all it prints. */
function readInChild(options: ReadOptions, env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ table: TABLE, options })], {
    env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{')) ?? '{"ok":false}';
      resolve({ exitCode, signal, stdout, stderr, result: JSON.parse(line) as ChildOutcome['result'] });
    });
  });
}

describe('service-account key files: google-auth-library tokens from a token endpoint, over TLS', () => {
  const source = generateDemoTable({ rows: 1600, seed: 21, batchRows: 400 });
  const digest = createHash('sha256').update(JSON.stringify(canonicalRows(source))).digest('hex');
  let dir: string;
  let endpoint: GoogleTokenEndpoint;
  let emulator: Emulator;
  let env: NodeJS.ProcessEnv;
  let rootCertsPem: string;
  let good: ServiceAccountKey;
  let keys: ServiceAccountKey[];
  /** Tokens the emulator accepted, in order, with when. */
  const accepted: { token: string; atMs: number }[] = [];
  /** Called after the emulator accepted a token. */
  let onAccepted: (() => void) | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bqread-keyfile-'));
    // token_uri names the endpoint too, but google-auth-library 10 ignores it (gtoken posts to the
    // fixed https://oauth2.googleapis.com/token), so the child reaches it through HTTPS_PROXY.
    const placeholder = 'http://127.0.0.1:1/token';
    good = serviceAccountKey('reader', placeholder);
    // Same account, another private key: a revoked or forged key.
    const impostor = serviceAccountKey('reader', placeholder);
    const stranger = serviceAccountKey('stranger', placeholder);
    keys = [good, impostor, stranger];
    endpoint = await GoogleTokenEndpoint.start({ accounts: new Map([[good.clientEmail, good.publicKeyPem]]), expiresInSeconds: TOKEN_LIFETIME_S });
    for (const [key, file] of [[good, 'good'], [impostor, 'impostor'], [stranger, 'stranger']] as const) {
      writeFileSync(path.join(dir, `${file}.json`), JSON.stringify({ ...key.json, token_uri: `${endpoint.url}/token` }), { mode: 0o600 });
    }
    const caFile = path.join(dir, 'token-endpoint-ca.pem');
    writeFileSync(caFile, endpoint.caPem);
    env = endpoint.childEnv(caFile);
    const tls = selfSignedCert();
    rootCertsPem = tls.cert;
    emulator = await startEmulator({
      tables: [{ table: TABLE, data: source }],
      tls,
      maxBatchRows: 100,
      // No minimum storage block: the tests count tokens over the 4 streams of this small table.
      storageBlockBytes: 0,
      requireToken: (token) => {
        const ok = endpoint.accepts(token);
        if (ok) {
          accepted.push({ token, atMs: Date.now() });
          onAccepted?.();
        }
        return ok;
      },
    });
  });
  after(async () => {
    await emulator?.close();
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const options = (file: string, extra: Partial<ReadOptions> = {}): ReadOptions => ({
    endpoint: `localhost:${emulator.port}`, tls: true, rootCertsPem, keyFilename: path.join(dir, `${file}.json`),
    workers: 2, maxStreams: 4, ...extra,
  });

  /** Nothing secret in what the child printed: no access token, no JWT assertion, no line of a private key. */
  function assertNoSecrets(outcome: ChildOutcome): void {
    const printed = outcome.stdout + outcome.stderr;
    for (const { token } of endpoint.issued) assert.ok(!printed.includes(token), 'an access token was printed');
    for (const assertion of endpoint.assertions) assert.ok(!printed.includes(assertion), 'a JWT assertion was printed');
    for (const key of keys) {
      for (const line of key.privateKeyLines) assert.ok(!printed.includes(line), 'private key material was printed');
    }
  }

  test('every thread gets its own tokens, refreshes them, and streams outlive the tokens they started with', async () => {
    // Each stream is cut after its first response and comes back after a backoff longer than a
    // token lives, so every reconnect happens after the tokens used so far have expired.
    emulator.addFault({ kind: 'drop', afterResponses: 1, times: 4 });
    const lifetimeMs = TOKEN_LIFETIME_S * 1000;
    // Backoff is jittered down to half its step: half of this step is still longer than a token lives.
    const backoffMs = 2 * lifetimeMs + 200;
    try {
      const outcome = await readInChild(options('good', { retry: { initialBackoffMs: backoffMs, maxBackoffMs: backoffMs } }), env);
      assert.equal(outcome.signal, null, 'the child finished on its own');
      assert.equal(outcome.result.ok, true, outcome.stderr);
      assert.equal(outcome.result.rows, source.numRows);
      assert.equal(outcome.result.digest, digest, 'the exact rows');
      assert.ok(Number(outcome.result.stats?.retries) >= 4, 'every stream reconnected');
      // The coordinator's token for the session, then for each worker thread (piscina gives each
      // two of the four streams) one for its first calls (concurrent calls share a refresh) and at
      // least one more for its reconnects: none reuses a token, which expired meanwhile.
      const workers = 2;
      assert.ok(endpoint.requests >= 1 + 2 * workers, `${endpoint.requests} token requests`);
      assert.equal(endpoint.refused, 0);
      const distinct = new Set(accepted.map((a) => a.token));
      assert.ok(distinct.size >= 1 + 2 * workers, `${distinct.size} distinct tokens used`);
      const first = endpoint.issued.find((t) => t.token === accepted[0]!.token)!;
      assert.ok(accepted.some((a) => a.atMs >= first.expiresAtMs), 'calls were made after the first token had expired');
      assertNoSecrets(outcome);
    } finally {
      emulator.clearFaults();
    }
  });

  for (const [file, error] of [['impostor', 'invalid_grant'], ['stranger', 'invalid_client']] as const) {
    test(`a key the token endpoint refuses (${error}) ends as UNAUTHENTICATED, naming it, without secrets`, async () => {
      const refusedBefore = endpoint.refused;
      const outcome = await readInChild(options(file), env);
      assert.equal(outcome.signal, null, 'the child did not hang');
      assert.equal(outcome.exitCode, 1);
      assert.equal(outcome.result.ok, false);
      assert.equal(outcome.result.error?.name, 'SessionCreateError', outcome.stderr);
      assert.equal(outcome.result.error?.code, Status.UNAUTHENTICATED, outcome.result.error?.message);
      assert.match(outcome.result.error.message, new RegExp(error));
      assert.ok(endpoint.refused > refusedBefore);
      assertNoSecrets(outcome);
    });
  }

  test('a key revoked after the session was created fails the workers as UNAUTHENTICATED, without secrets', async () => {
    // The session's token is the last one the account gets; the workers' requests are refused.
    onAccepted = () => endpoint.revoke(good.clientEmail);
    try {
      const outcome = await readInChild(options('good'), env);
      assert.equal(outcome.signal, null, 'the child did not hang');
      assert.equal(outcome.result.ok, false);
      assert.equal(outcome.result.error?.name, 'StreamReadError', outcome.stderr);
      assert.equal(outcome.result.error?.code, Status.UNAUTHENTICATED, outcome.result.error?.message);
      assert.match(outcome.result.error.message, /invalid_client/);
      assertNoSecrets(outcome);
    } finally {
      onAccepted = undefined;
    }
  });
});
