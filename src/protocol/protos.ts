import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import protobuf from 'protobufjs';

/** The Read API .proto files shipped in the package's protos/ folder (dist/src/protocol -> protos). */
const PROTOS_DIR = fileURLToPath(new URL('../../../protos/', import.meta.url));

const READ_API_PACKAGE = 'google.cloud.bigquery.storage.v1';
const ENTRY_FILES = [
  'google/cloud/bigquery/storage/v1/storage.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

let registeredCommonProtos = false;

/** protobufjs bundles only some well-known types; the Google API protos also import descriptor.proto. */
function registerDescriptorProto(): void {
  if (registeredCommonProtos) return;
  const require = createRequire(import.meta.url);
  const descriptor = require('protobufjs/google/protobuf/descriptor.json');
  protobuf.common('descriptor', descriptor.nested.google.nested.protobuf.nested);
  registeredCommonProtos = true;
}

function loadRoot(): protobuf.Root {
  registerDescriptorProto();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : path.join(PROTOS_DIR, target);
  root.loadSync(ENTRY_FILES, { keepCase: false });
  root.resolveAll();
  return root;
}

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

/** Loads the protos once per thread (each worker thread gets its own copy). */
export function readApiTypes(): ReadApiTypes {
  if (cached) return cached;
  const root = loadRoot();
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
