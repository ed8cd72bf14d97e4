import { createRequire } from 'node:module';

// Google's auth library would otherwise probe the GCE metadata server, which is not on loopback.
process.env.METADATA_SERVER_DETECTION = 'none';
const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any -- Google's client is loaded untyped (CommonJS). */
export const bigqueryStorage: any = require('@google-cloud/bigquery-storage');
const gax: any = require('google-gax');

/** The constructor options that point Google's clients at a plaintext emulator. */
export function emulatorClientOptions(endpoint: string): { servicePath: string; port: number; sslCreds: unknown } {
  const colon = endpoint.lastIndexOf(':');
  return {
    servicePath: endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(endpoint.slice(colon + 1)),
    sslCreds: gax.grpc.credentials.createInsecure(),
  };
}
