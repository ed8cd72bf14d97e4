/**
 * Where and how a thread connects to the Read API. Plain data, so the coordinator can resolve it
 * once and hand it to every worker thread, each of which builds its own channel from it.
 */
export interface ConnectionConfig {
  /** `host:port`. */
  readonly endpoint: string;
  /** TLS (the real service) or plaintext (an emulator on loopback). */
  readonly tls: boolean;
  /** PEM root certificates to trust instead of the system's (a TLS emulator with its own CA). */
  readonly rootCertsPem?: string;
  readonly auth: AuthConfig;
  /** Project billed for quota (`x-goog-user-project`), when it differs from the credentials'. */
  readonly quotaProject?: string;
}

export type AuthConfig =
  /** No credentials: an emulator. */
  | { readonly kind: 'none' }
  /** A fixed bearer token (an emulator started with requireToken). */
  | { readonly kind: 'token'; readonly token: string }
  /**
   * Tokens from the caller's auth client, which lives on the coordinator's thread: each call is
   * made with a token fetched for it. Holds no secret, so a worker can key its channels by it.
   */
  | { readonly kind: 'brokered' }
  /** google-auth-library: application default credentials, a key file, or inline credentials. */
  | {
      readonly kind: 'google';
      readonly keyFilename?: string;
      readonly credentials?: Record<string, unknown>;
      readonly projectId?: string;
    };

export const READ_API_ENDPOINT = 'bigquerystorage.googleapis.com:443';
export const EMULATOR_HOST_ENV = 'BIGQUERY_STORAGE_EMULATOR_HOST';

export interface ConnectionOptions {
  /** `host:port` of an emulator (plaintext) unless `tls` is set; default the real service, or $BIGQUERY_STORAGE_EMULATOR_HOST. */
  readonly endpoint?: string;
  readonly tls?: boolean;
  readonly rootCertsPem?: string;
  readonly keyFilename?: string;
  readonly credentials?: Record<string, unknown>;
  /** A static bearer token. */
  readonly token?: string;
  readonly quotaProject?: string;
}

/**
 * Follows the `*_EMULATOR_HOST` convention of Google's clients: an explicit endpoint or the
 * environment variable means an emulator (plaintext, no credentials unless given); otherwise the
 * real service over TLS with google-auth-library credentials.
 */
export function resolveConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  const emulatorHost = options.endpoint ?? env[EMULATOR_HOST_ENV];
  const endpoint = emulatorHost ?? READ_API_ENDPOINT;
  const tls = options.tls ?? emulatorHost === undefined;
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):\d{1,5}$/.test(endpoint)) {
    throw new TypeError(`bad endpoint "${endpoint}": expected host:port`);
  }
  let auth: AuthConfig;
  if (options.token) auth = { kind: 'token', token: options.token };
  else if (emulatorHost !== undefined && !options.keyFilename && !options.credentials) auth = { kind: 'none' };
  else auth = { kind: 'google', keyFilename: options.keyFilename, credentials: options.credentials };
  return { endpoint, tls, rootCertsPem: options.rootCertsPem, auth, quotaProject: options.quotaProject };
}
