import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A throwaway self-signed certificate, made with openssl; by default for localhost / 127.0.0.1.
 * `subjectAltName` names other hosts (`DNS:oauth2.googleapis.com`).
 */
export function selfSignedCert(subjectAltName = 'DNS:localhost,IP:127.0.0.1'): { key: Buffer; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bqread-tls-'));
  try {
    const keyPath = path.join(dir, 'key.pem');
    const certPath = path.join(dir, 'cert.pem');
    const commonName = /^DNS:([^,]+)/.exec(subjectAltName)?.[1] ?? 'localhost';
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`,
      '-addext', `subjectAltName=${subjectAltName}`, '-days', '1', '-keyout', keyPath, '-out', certPath,
    ], { stdio: 'ignore', timeout: 20_000 });
    return { key: readFileSync(keyPath), cert: readFileSync(certPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
