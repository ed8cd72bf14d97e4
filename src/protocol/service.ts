import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type protobuf from 'protobufjs/minimal.js';
import { bufferView } from '../bytes.js';
import type {
  CreateReadSessionRequest, ReadRowsRequest, ReadSession, SplitReadStreamRequest, SplitReadStreamResponse,
} from './messages.js';
import { READ_SERVICE, readApiTypes, type MessageClass } from './protos.js';

/**
 * grpc-js method definitions for BigQueryRead, built on protobufjs directly so each side controls
 * its own (de)serialization: the emulator sends pre-encoded ReadRowsResponse bytes, the reader
 * decodes responses into views over the received buffer instead of copies.
 */

const OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

function encoder(type: MessageClass) {
  // fromObject, unlike verify, accepts enum names and numeric strings for int64 fields.
  return (value: object): Buffer => bufferView(type.encode(type.fromObject(value)).finish());
}

function objectDecoder<T>(type: MessageClass) {
  return (bytes: Buffer): T => type.toObject(type.decode(bytes), OBJECT_OPTIONS) as T;
}

function method<Req, Res>(
  name: string,
  responseStream: boolean,
  serializeRequest: (value: Req) => Buffer,
  deserializeRequest: (bytes: Buffer) => Req,
  serializeResponse: (value: Res) => Buffer,
  deserializeResponse: (bytes: Buffer) => Res,
): MethodDefinition<Req, Res> {
  return {
    path: `/${READ_SERVICE}/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: serializeRequest,
    requestDeserialize: deserializeRequest,
    responseSerialize: serializeResponse,
    responseDeserialize: deserializeResponse,
    originalName: name.charAt(0).toLowerCase() + name.slice(1),
  };
}

export interface ReadServiceDefinition extends ServiceDefinition {
  readonly CreateReadSession: MethodDefinition<CreateReadSessionRequest, ReadSession>;
  readonly ReadRows: MethodDefinition<ReadRowsRequest, Buffer>;
  readonly SplitReadStream: MethodDefinition<SplitReadStreamRequest, SplitReadStreamResponse>;
}

/**
 * Requests and unary responses travel as plain objects (messages.ts); ReadRows responses travel as
 * raw bytes in both directions (the emulator encodes them itself, the reader decodes them itself).
 */
export function readServiceDefinition(): ReadServiceDefinition {
  const t = readApiTypes();
  return {
    CreateReadSession: method<CreateReadSessionRequest, ReadSession>('CreateReadSession', false,
      encoder(t.CreateReadSessionRequest), objectDecoder(t.CreateReadSessionRequest),
      encoder(t.ReadSession), objectDecoder(t.ReadSession)),
    ReadRows: method<ReadRowsRequest, Buffer>('ReadRows', true,
      encoder(t.ReadRowsRequest), objectDecoder(t.ReadRowsRequest),
      (bytes) => bytes, (bytes) => bytes),
    SplitReadStream: method<SplitReadStreamRequest, SplitReadStreamResponse>('SplitReadStream', false,
      encoder(t.SplitReadStreamRequest), objectDecoder(t.SplitReadStreamRequest),
      encoder(t.SplitReadStreamResponse), objectDecoder(t.SplitReadStreamResponse)),
  };
}
