import { grpc } from 'google-gax';

// Google's auth library would otherwise probe the GCE metadata server, which is not on loopback
// (it reads this when a client first authenticates, not when it loads).
process.env.METADATA_SERVER_DETECTION = 'none';

export { reader, v1, type protos } from '@google-cloud/bigquery-storage';

/** The constructor options that point Google's clients at a plaintext emulator. */
export function emulatorClientOptions(endpoint: string): { servicePath: string; port: number; sslCreds: grpc.ChannelCredentials } {
  const colon = endpoint.lastIndexOf(':');
  return {
    servicePath: endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(endpoint.slice(colon + 1)),
    sslCreds: grpc.credentials.createInsecure(),
  };
}
