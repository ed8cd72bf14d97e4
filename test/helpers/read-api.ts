import assert from 'node:assert/strict';
import {
  Client,
  credentials,
  Metadata,
  type ClientReadableStream,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import { decodeRecordBatch } from '../../src/arrow/batch-message.js';
import { decompressResponseRows } from '../../src/arrow/response-codec.js';
import { ReadApiClient } from '../../src/client/read-client.js';
import type { Emulator } from '../../src/emulator/server.js';
import { decodeReadRowsResponse, type ReadRowsChunk } from '../../src/protocol/read-rows-response.js';
import type {
  CreateReadSessionRequest, ReadSession, RequestedSession, SplitReadStreamRequest, SplitReadStreamResponse, TableReadOptions,
} from '../../src/protocol/messages.js';
import { readServiceDefinition } from '../../src/protocol/service.js';
import { canonicalRows, type Canonical } from './canonical.js';

export const PROJECT = 'test-project';
export const PARENT = `projects/${PROJECT}`;

/** `projects/test-project/datasets/ds/tables/NAME`, the path form requests carry. */
export const tablePath = (name: string): string => `${PARENT}/datasets/ds/tables/${name}`;

/** A plaintext, credential-less client for an emulator. */
export function emulatorClient(emulator: Emulator): ReadApiClient {
  return new ReadApiClient({ endpoint: emulator.address, tls: false, auth: { kind: 'none' } });
}

/** A CreateReadSession request for an Arrow session over `table`. */
export function sessionRequest(
  table: string,
  readOptions: TableReadOptions = {},
  extra: { readSession?: RequestedSession; maxStreamCount?: number; preferredMinStreamCount?: number } = {},
): CreateReadSessionRequest {
  return {
    parent: PARENT,
    readSession: { table, dataFormat: 'ARROW', readOptions, ...extra.readSession },
    maxStreamCount: extra.maxStreamCount ?? 0,
    preferredMinStreamCount: extra.preferredMinStreamCount ?? 0,
  };
}

/** Everything one ReadRows call produced: its responses, and the error that ended it, if any. */
export interface StreamRead {
  readonly raw: Buffer[];
  readonly chunks: ReadRowsChunk[];
  readonly error?: ServiceError;
}

/** Drains a ReadRows call to its end or its error (never rejects). */
export function drain(call: ClientReadableStream<Buffer>): Promise<StreamRead> {
  const raw: Buffer[] = [];
  return new Promise((resolve) => {
    call.on('data', (bytes: Buffer) => raw.push(bytes));
    call.on('error', (error: ServiceError) => resolve({ raw, chunks: raw.map(decodeReadRowsResponse), error }));
    call.on('end', () => resolve({ raw, chunks: raw.map(decodeReadRowsResponse) }));
  });
}

export function readStream(client: ReadApiClient, stream: string, offset = 0): Promise<StreamRead> {
  return drain(client.readRows(stream, offset));
}

/** Decodes the responses' record batches against the session schema, undoing response compression. */
export function decodeChunks(schema: Uint8Array, chunks: readonly ReadRowsChunk[]): RecordBatch[] {
  return chunks.map((chunk) =>
    decodeRecordBatch(schema, decompressResponseRows(chunk.recordBatch!, chunk.uncompressedByteSize), chunk.rowCount),
  );
}

/** Reads every stream of a session in order, failing on any stream error. */
export async function readSession(client: ReadApiClient, session: ReadSession): Promise<RecordBatch[]> {
  const schema = session.arrowSchema!.serializedSchema;
  const batches: RecordBatch[] = [];
  for (const stream of session.streams) {
    const read = await readStream(client, stream.name);
    if (read.error) throw read.error;
    batches.push(...decodeChunks(schema, read.chunks));
  }
  return batches;
}

/** Creates a session and reads all of it as canonical rows. */
export async function readRows(client: ReadApiClient, request: CreateReadSessionRequest): Promise<Canonical[]> {
  return canonicalRows(await readSession(client, await client.createReadSession(request)));
}

/** The `id` column of canonical rows, as numbers. */
export const idsOf = (rows: readonly Canonical[]): number[] => rows.map((row) => Number((row as Record<string, Canonical>).id));

/**
 * A bare grpc-js client for the Read API: calls carry exactly the metadata the test gives, so
 * routing headers and tokens can be left out or got wrong on purpose.
 */
export class RawReadClient {
  private readonly client: Client;
  private readonly definition = readServiceDefinition();

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  createReadSession(request: CreateReadSessionRequest, metadata: Metadata): Promise<ReadSession> {
    return this.unary(this.definition.CreateReadSession, request, metadata);
  }

  splitReadStream(request: SplitReadStreamRequest, metadata: Metadata): Promise<SplitReadStreamResponse> {
    return this.unary(this.definition.SplitReadStream, request, metadata);
  }

  private unary<Req, Res>(def: MethodDefinition<Req, Res>, request: Req, metadata: Metadata): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, metadata, {}, (err, response) =>
        err ? reject(err) : resolve(response!),
      );
    });
  }

  readRows(readStream: string, offset: number, metadata: Metadata): Promise<StreamRead> {
    return drain(this.readRowsCall(readStream, offset, metadata));
  }

  /** The ReadRows call itself, for a test that reads it at its own pace. */
  readRowsCall(readStream: string, offset: number, metadata: Metadata): ClientReadableStream<Buffer> {
    const def = this.definition.ReadRows;
    return this.client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, { readStream, offset }, metadata, {});
  }

  close(): void {
    this.client.close();
  }
}

/** Metadata holding exactly `entries`. */
export function metadataOf(entries: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

/** Asserts that `promise` fails with gRPC status `code` and details matching `pattern`. */
export async function assertGrpcError(promise: Promise<unknown>, code: number, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: ServiceError) => {
    assert.equal(err.code, code, `expected status ${code}, got ${err.code}: ${err.details}`);
    assert.match(err.details, pattern);
    return true;
  });
}

/** The fields of a session's Arrow schema message. */
export function schemaOf(serializedSchema: Uint8Array): Schema {
  const reader = RecordBatchReader.from(serializedSchema);
  reader.open();
  return reader.schema;
}
