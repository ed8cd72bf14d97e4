import { v1, type protos } from '@google-cloud/bigquery-storage';
import { grpc } from 'google-gax';
import type { Emulator } from '../../src/emulator/server.js';

// Google's auth library would otherwise probe the GCE metadata server, which is not on loopback
// (it reads this when a client first authenticates, not when it loads).
process.env.METADATA_SERVER_DETECTION = 'none';

export type GoogleReadClient = v1.BigQueryReadClient;
export type GoogleReadRowsResponse = protos.google.cloud.bigquery.storage.v1.IReadRowsResponse;
export type GoogleTableReadOptions = protos.google.cloud.bigquery.storage.v1.ReadSession.ITableReadOptions;

/** Google's own client, unchanged, pointed at the emulator over an insecure channel. */
export function googleReadClient(emulator: Emulator): v1.BigQueryReadClient {
  return new v1.BigQueryReadClient({ servicePath: emulator.host, port: emulator.port, sslCreds: grpc.credentials.createInsecure() });
}

/** The client's ReadRows responses (its stream is typed as a plain Node stream). */
export function googleReadRows(
  client: v1.BigQueryReadClient,
  request: protos.google.cloud.bigquery.storage.v1.IReadRowsRequest,
): AsyncIterable<GoogleReadRowsResponse> {
  return client.readRows(request) as AsyncIterable<GoogleReadRowsResponse>;
}

// Google's message types leave every field optional and bytes as Uint8Array | string; the
// emulator always sets these, as bytes.
export const sessionSchema = (session: protos.google.cloud.bigquery.storage.v1.IReadSession): Uint8Array =>
  session.arrowSchema!.serializedSchema as Uint8Array;
export const streamNames = (session: protos.google.cloud.bigquery.storage.v1.IReadSession): string[] =>
  (session.streams ?? []).map((stream) => stream.name!);
export const batchBytes = (response: GoogleReadRowsResponse): Uint8Array =>
  response.arrowRecordBatch!.serializedRecordBatch as Uint8Array;
