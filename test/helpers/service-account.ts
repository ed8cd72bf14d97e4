import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface ServiceAccountKey {
  /** The key file's JSON, as the Cloud console downloads it. */
  readonly json: Record<string, string>;
  readonly clientEmail: string;
  readonly publicKeyPem: string;
  /** The base64 lines of the private key's PEM body: what must never be printed. */
  readonly privateKeyLines: readonly string[];
}

/** A throwaway service-account key (fresh RSA pair) whose token_uri is `tokenUri`. */
export function serviceAccountKey(name: string, tokenUri: string): ServiceAccountKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const clientEmail = `${name}@bqread-test.iam.gserviceaccount.com`;
  return {
    json: {
      type: 'service_account',
      project_id: 'bqread-test',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKeyPem,
      client_email: clientEmail,
      client_id: String(BigInt(`0x${randomBytes(8).toString('hex')}`)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
    },
    clientEmail,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyLines: privateKeyPem.split('\n').filter((line) => line !== '' && !line.startsWith('-----')),
  };
}
