// Where BigQuery's REST API is and how a request to it is authorized. The REST side follows the
// same emulator convention as the Read API side: an explicit endpoint, or the environment
// variable Google's own BigQuery clients read (BIGQUERY_EMULATOR_HOST: nodejs-bigquery's
// src/bigquery.ts, where an explicit apiEndpoint wins over it too, and python-bigquery's
// client.py), means an emulator, reached without credentials unless some are given. A value
// without a scheme is plain HTTP here, as every emulator serves; nodejs-bigquery's
// sanitizeEndpoint makes it https://, so write the scheme for both to agree.
import { googleRequestHeaders } from '../client/google-auth.js';
import { fetchAccessToken } from '../read/access-token.js';
import type { AccessTokenSource } from '../read/options.js';

export const BIGQUERY_API_ENDPOINT = 'https://bigquery.googleapis.com';
export const BIGQUERY_EMULATOR_HOST_ENV = 'BIGQUERY_EMULATOR_HOST';

export interface RestEndpointOptions {
  /** BigQuery's REST API: `http://host:port` (or `host:port`, plain HTTP) of an emulator; default $BIGQUERY_EMULATOR_HOST, else the real service. */
  readonly apiEndpoint?: string;
  readonly token?: string;
  readonly keyFilename?: string;
  readonly credentials?: Record<string, unknown>;
  readonly authClient?: AccessTokenSource;
  readonly quotaProject?: string;
}

/** The REST API's base URL (no trailing slash) and a source of each request's headers. */
export interface RestEndpoint {
  readonly baseUrl: string;
  headers(): Promise<Record<string, string>>;
}

/** `host:port` alone is an emulator's plain-HTTP address, as the emulators print theirs. */
function baseUrlOf(endpoint: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`bad API endpoint "${endpoint}": expected http(s)://host:port`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`bad API endpoint "${endpoint}": expected http(s)://host:port`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export function resolveRestEndpoint(options: RestEndpointOptions, env: NodeJS.ProcessEnv = process.env): RestEndpoint {
  const emulator = options.apiEndpoint ?? env[BIGQUERY_EMULATOR_HOST_ENV];
  const baseUrl = baseUrlOf(emulator ?? BIGQUERY_API_ENDPOINT);
  const quota: Record<string, string> = options.quotaProject ? { 'x-goog-user-project': options.quotaProject } : {};
  if (options.token) {
    const headers = { ...quota, authorization: `Bearer ${options.token}` };
    return { baseUrl, headers: () => Promise.resolve(headers) };
  }
  if (options.authClient) {
    const source = options.authClient;
    return { baseUrl, headers: async () => ({ ...quota, authorization: `Bearer ${await fetchAccessToken(source)}` }) };
  }
  if (emulator !== undefined && !options.keyFilename && !options.credentials) return { baseUrl, headers: () => Promise.resolve(quota) };
  return { baseUrl, headers: googleHeaders(baseUrl, options) };
}

/** google-auth-library's headers (application default credentials, a key file or inline credentials). */
function googleHeaders(baseUrl: string, options: RestEndpointOptions): () => Promise<Record<string, string>> {
  const headersFor = googleRequestHeaders(options, options.quotaProject);
  return async () => {
    const headers: Record<string, string> = {};
    (await headersFor(baseUrl)).forEach((value, key) => (headers[key] = value));
    return headers;
  };
}
