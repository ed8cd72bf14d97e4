import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type protobuf from 'protobufjs/minimal.js';

/**
 * The Read API's messages as code, made from protos/ at build time (scripts/build-protos.ts;
 * dist/src/protocol -> dist/protos) on protobufjs's minimal runtime. Every thread loads them:
 * building the types from JSON descriptors instead, and generating their functions on the first
 * message, cost each thread about 20 ms of CPU (and parsing the .proto files 20-25 ms more).
 */
export const READ_API_MODULE_FILE = new URL('../../protos/bigquery-read.cjs', import.meta.url);

const READ_API_PACKAGE = 'google.cloud.bigquery.storage.v1';

/** The messages bqread encodes and decodes; the generated code holds these and what they use, nothing else. */
export const READ_API_TYPE_NAMES = [
  ...['CreateReadSessionRequest', 'ReadSession', 'ReadRowsRequest', 'ReadRowsResponse', 'SplitReadStreamRequest', 'SplitReadStreamResponse']
    .map((name) => `${READ_API_PACKAGE}.${name}`),
  'google.rpc.Status',
  'google.rpc.RetryInfo',
] as const;

/** A generated message class: what bqread calls of it. */
export interface MessageClass {
  encode(message: object): protobuf.Writer;
  decode(bytes: Uint8Array): object;
  fromObject(object: object): object;
  toObject(message: object, options?: protobuf.IConversionOptions): Record<string, unknown>;
}

export interface ReadApiTypes {
  readonly CreateReadSessionRequest: MessageClass;
  readonly ReadSession: MessageClass;
  readonly ReadRowsRequest: MessageClass;
  readonly ReadRowsResponse: MessageClass;
  readonly SplitReadStreamRequest: MessageClass;
  readonly SplitReadStreamResponse: MessageClass;
  readonly Status: MessageClass;
  readonly RetryInfo: MessageClass;
}

/** The generated module's namespaces, as far as bqread reads them. */
interface GeneratedRoot {
  readonly google: {
    readonly cloud: { readonly bigquery: { readonly storage: { readonly v1: Omit<ReadApiTypes, 'Status' | 'RetryInfo'> } } };
    readonly rpc: Pick<ReadApiTypes, 'Status' | 'RetryInfo'>;
  };
}

let cached: ReadApiTypes | undefined;

/** Loads the generated code once per thread (each worker thread gets its own copy). */
export function readApiTypes(): ReadApiTypes {
  if (cached) return cached;
  const { google } = createRequire(import.meta.url)(fileURLToPath(READ_API_MODULE_FILE)) as GeneratedRoot;
  const v1 = google.cloud.bigquery.storage.v1;
  cached = {
    CreateReadSessionRequest: v1.CreateReadSessionRequest,
    ReadSession: v1.ReadSession,
    ReadRowsRequest: v1.ReadRowsRequest,
    ReadRowsResponse: v1.ReadRowsResponse,
    SplitReadStreamRequest: v1.SplitReadStreamRequest,
    SplitReadStreamResponse: v1.SplitReadStreamResponse,
    Status: google.rpc.Status,
    RetryInfo: google.rpc.RetryInfo,
  };
  return cached;
}

export const READ_SERVICE = `${READ_API_PACKAGE}.BigQueryRead`;
