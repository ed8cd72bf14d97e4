import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../helpers/cli.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';
import { selfSignedCert } from '../helpers/tls.js';

let dir: string;
let forAddress: Emulator;
let forName: Emulator;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bqread-cli-tls-'));
  const address = selfSignedCert('DNS:localhost,IP:127.0.0.1');
  const nameOnly = selfSignedCert('DNS:localhost');
  writeFileSync(path.join(dir, 'address.pem'), address.cert);
  writeFileSync(path.join(dir, 'name-only.pem'), nameOnly.cert);
  ({ emulator: forAddress } = await demoEmulator(2000, { tls: address }));
  ({ emulator: forName } = await demoEmulator(100, { tls: nameOnly }));
});
after(async () => {
  await Promise.all([forAddress.close(), forName.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('a TLS read to an IP address prints no DEP0123 warning, and still checks the certificate against the address', async () => {
  const read = (emulator: Emulator, ca: string) => runCli([
    'read', DEMO, '--endpoint', `127.0.0.1:${emulator.port}`, '--tls', '--ca-cert', path.join(dir, ca),
    '--columns', 'id', '--max-streams', '8', '--workers', '2', '--quiet', '-o', '/dev/null',
  ]);
  const ok = await read(forAddress, 'address.pem');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stderr, '');
  const wrongName = await read(forName, 'name-only.pem');
  assert.equal(wrongName.code, 5, wrongName.stderr);
  assert.match(wrongName.stderr, /IP: 127\.0\.0\.1 is not in the cert's list/);
});
