import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs/light.js';

/**
 * The Read API's descriptors as JSON, made from protos/ at build time (scripts/build-protos.ts;
 * dist/src/protocol -> dist/protos): every thread loads them, and parsing the .proto files instead
 * cost each one 20-25 ms of CPU and protobufjs's parser.
 */
export const READ_API_DESCRIPTORS_FILE = new URL('../../protos/bigquery-read.json', import.meta.url);

const READ_API_PACKAGE = 'google.cloud.bigquery.storage.v1';

/** The messages bqread encodes and decodes; the descriptors hold these and what they use, nothing else. */
export const READ_API_TYPE_NAMES = [
  ...['CreateReadSessionRequest', 'ReadSession', 'ReadRowsRequest', 'ReadRowsResponse', 'SplitReadStreamRequest', 'SplitReadStreamResponse']
    .map((name) => `${READ_API_PACKAGE}.${name}`),
  'google.rpc.Status',
  'google.rpc.RetryInfo',
] as const;

export interface ReadApiTypes {
  readonly root: protobuf.Root;
  readonly CreateReadSessionRequest: protobuf.Type;
  readonly ReadSession: protobuf.Type;
  readonly ReadRowsRequest: protobuf.Type;
  readonly ReadRowsResponse: protobuf.Type;
  readonly SplitReadStreamRequest: protobuf.Type;
  readonly SplitReadStreamResponse: protobuf.Type;
  readonly Status: protobuf.Type;
  readonly RetryInfo: protobuf.Type;
}

let cached: ReadApiTypes | undefined;

/** Loads the descriptors once per thread (each worker thread gets its own copy). */
export function readApiTypes(): ReadApiTypes {
  if (cached) return cached;
  const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(READ_API_DESCRIPTORS_FILE, 'utf8')) as protobuf.INamespace);
  root.resolveAll();
  const type = (name: string) => root.lookupType(name);
  cached = {
    root,
    CreateReadSessionRequest: type(`${READ_API_PACKAGE}.CreateReadSessionRequest`),
    ReadSession: type(`${READ_API_PACKAGE}.ReadSession`),
    ReadRowsRequest: type(`${READ_API_PACKAGE}.ReadRowsRequest`),
    ReadRowsResponse: type(`${READ_API_PACKAGE}.ReadRowsResponse`),
    SplitReadStreamRequest: type(`${READ_API_PACKAGE}.SplitReadStreamRequest`),
    SplitReadStreamResponse: type(`${READ_API_PACKAGE}.SplitReadStreamResponse`),
    Status: type('google.rpc.Status'),
    RetryInfo: type('google.rpc.RetryInfo'),
  };
  return cached;
}

export const READ_SERVICE = `${READ_API_PACKAGE}.BigQueryRead`;
