import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { GoogleTokenEndpoint } from '../helpers/google-token-endpoint.js';
import { serviceAccountKey } from '../helpers/service-account.js';

const CHILD = new URL('../helpers/auth-headers-child.js', import.meta.url).pathname;

interface Sent {
  readonly quotaProject: string | null;
  readonly bearer: boolean;
}

describe('the quota project with google-auth-library credentials, on the Read API and the REST API alike', () => {
  let dir: string;
  let endpoint: GoogleTokenEndpoint;
  let env: NodeJS.ProcessEnv;
  const keyFile = (name: string) => path.join(dir, `${name}.json`);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bqread-quota-'));
    const key = serviceAccountKey('reader', 'http://127.0.0.1:1/token');
    endpoint = await GoogleTokenEndpoint.start({ accounts: new Map([[key.clientEmail, key.publicKeyPem]]), expiresInSeconds: 3600 });
    writeFileSync(keyFile('plain'), JSON.stringify({ ...key.json, token_uri: `${endpoint.url}/token` }), { mode: 0o600 });
    writeFileSync(keyFile('with-quota'), JSON.stringify({ ...key.json, token_uri: `${endpoint.url}/token`, quota_project_id: 'from-key-file' }), { mode: 0o600 });
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, endpoint.caPem);
    env = endpoint.childEnv(caFile);
  });
  after(async () => {
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function sent(keyFilename: string, quotaProject?: string): Promise<{ rest: Sent; grpc: Sent }> {
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD, JSON.stringify({ keyFilename, quotaProject })], { env, timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { rest: Sent; grpc: Sent };
  }

  const cases = [
    { key: 'plain', quotaProject: 'billed', expected: 'billed', why: 'the one given, from a key file that names none' },
    { key: 'with-quota', quotaProject: 'billed', expected: 'billed', why: 'the one given, over the key file\'s' },
    { key: 'with-quota', quotaProject: undefined, expected: 'from-key-file', why: 'the key file\'s, when none is given' },
    { key: 'plain', quotaProject: undefined, expected: null, why: 'none, when neither names one' },
  ] as const;
  for (const { key, quotaProject, expected, why } of cases) {
    test(`x-goog-user-project is ${why}`, async () => {
      const issuedBefore = endpoint.issued.length;
      const { rest, grpc } = await sent(keyFile(key), quotaProject);
      assert.deepEqual(rest, { quotaProject: expected, bearer: true });
      assert.deepEqual(grpc, { quotaProject: expected, bearer: true });
      assert.ok(endpoint.issued.length > issuedBefore, 'the tokens came from the token endpoint');
    });
  }
});
