import {
  CallCredentials,
  Client,
  credentials as grpcCredentials,
  Metadata,
  status as Status,
  type CallOptions,
  type ChannelCredentials,
  type ClientReadableStream,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import type { CreateReadSessionRequest, ReadSession, SplitReadStreamResponse } from '../protocol/messages.js';
import { formatRoutingHeader, ROUTING_HEADER } from '../protocol/routing.js';
import { readServiceDefinition } from '../protocol/service.js';
import { API_CLIENT_HEADER } from './api-client-header.js';
import { IpAddressTlsCredentials, ipAddressOf } from './ip-address-tls.js';
import type { ConnectionConfig } from './connection.js';
import { googleRequestHeaders, type GoogleCredentials } from './google-auth.js';

/** The HTTP/2 window a reader channel opens: what a paused stream may have in flight. */
export const FLOW_CONTROL_WINDOW_BYTES = 4 * 1024 * 1024;

/** Channel settings for long, large server streams. */
const CHANNEL_OPTIONS = {
  // BigQuery rows can be up to 100 MB and responses larger than gRPC's 4 MiB default.
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.primary_user_agent': `bqread/${API_CLIENT_HEADER.version}`,
  // HTTP/2's default 64 KiB window stalls a 1 MiB response on every window update; a few MiB lets
  // the server keep sending while the worker decodes (and bounds what a paused stream holds).
  // grpc-js gives the connection the same window as each stream, and one connection carries all of
  // a worker's streams, so a smaller window caps the whole worker at window / round trip (1 MiB
  // over 10 ms: 100 MiB/s); with 256 KiB windows, on Node 24, some streams' first responses also
  // waited behind another stream's whole read (test/read/faults.test.ts, connection losses).
  'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
} as const;

/**
 * google-auth-library (from 10) returns fetch `Headers` from getRequestHeaders, which grpc-js's
 * createFromGoogleCredential cannot read, so the metadata is copied here.
 */
export function googleCallCredentials(google: GoogleCredentials, quotaProject: string | undefined): CallCredentials {
  const headersFor = googleRequestHeaders(google, quotaProject);
  return CallCredentials.createFromMetadataGenerator((options, callback) => {
    headersFor(options.service_url)
      .then((headers) => {
        const metadata = new Metadata();
        headers.forEach((value, key) => metadata.add(key, value));
        callback(null, metadata);
      })
      .catch((err: Error) => callback(tokenFailure(err)));
  });
}

/**
 * A token that could not be had fails the call as UNAUTHENTICATED, as gRPC's Go transport does.
 * grpc-js would otherwise take the error's `code` as the call's status, and gaxios sets it to the
 * token endpoint's HTTP status (400 invalid_grant), which is no gRPC status at all. The message is
 * the library's (`invalid_grant: Invalid JWT Signature.`); the error itself, whose request holds
 * the signed assertion, goes no further.
 */
function tokenFailure(err: Error): Error & { code: number } {
  return Object.assign(new Error(`could not get an OAuth access token: ${err.message}`), { code: Status.UNAUTHENTICATED });
}

function channelCredentials(config: ConnectionConfig): ChannelCredentials {
  if (!config.tls) return grpcCredentials.createInsecure();
  const ip = ipAddressOf(config.endpoint);
  const ssl = ip ? new IpAddressTlsCredentials(ip, config.rootCertsPem) : grpcCredentials.createSsl(config.rootCertsPem ? Buffer.from(config.rootCertsPem) : null);
  if (config.auth.kind !== 'google') return ssl;
  return grpcCredentials.combineChannelCredentials(ssl, googleCallCredentials(config.auth, config.quotaProject));
}

/** Per-call options: `token`, a bearer token for this call (brokered auth); `signal` cancels a unary call (CANCELLED). */
export type UnaryOptions = CallOptions & { readonly signal?: AbortSignal; readonly token?: string };

/** Thin typed client for BigQueryRead over one channel. One per thread; never shared across threads. */
export class ReadApiClient {
  private readonly client: Client;
  private readonly definition = readServiceDefinition();

  constructor(private readonly config: ConnectionConfig) {
    if (config.auth.kind === 'google' && !config.tls) {
      throw new TypeError('Google credentials need a TLS channel: set tls, or drop the credentials for an emulator');
    }
    this.client = new Client(config.endpoint, channelCredentials(config), CHANNEL_OPTIONS);
  }

  /** `token`: this call's bearer token, for brokered auth. */
  private metadata(routing: Record<string, string>, token?: string): Metadata {
    const metadata = new Metadata();
    metadata.set(ROUTING_HEADER, formatRoutingHeader(routing));
    metadata.set('x-goog-api-client', API_CLIENT_HEADER.value);
    const bearer = token ?? (this.config.auth.kind === 'token' ? this.config.auth.token : undefined);
    if (bearer) metadata.set('authorization', `Bearer ${bearer}`);
    if (this.config.quotaProject && this.config.auth.kind !== 'google') {
      metadata.set('x-goog-user-project', this.config.quotaProject);
    }
    return metadata;
  }

  private unary<Req, Res>(def: MethodDefinition<Req, Res>, request: Req, routing: Record<string, string>, options: UnaryOptions): Promise<Res> {
    const { signal, token, ...callOptions } = options;
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata(routing, token),
        callOptions,
        (err: ServiceError | null, response?: Res) => {
          signal?.removeEventListener('abort', cancel);
          if (err) reject(err);
          else resolve(response!);
        },
      );
      const cancel = () => call.cancel();
      if (signal?.aborted) cancel();
      else signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  createReadSession(request: CreateReadSessionRequest, options: UnaryOptions = {}): Promise<ReadSession> {
    return this.unary(this.definition.CreateReadSession, request, { 'read_session.table': request.readSession?.table ?? '' }, options);
  }

  splitReadStream(name: string, fraction: number, options: UnaryOptions = {}): Promise<SplitReadStreamResponse> {
    return this.unary(this.definition.SplitReadStream, { name, fraction }, { name }, options);
  }

  /** ReadRows; each response arrives as its raw protobuf bytes (see decodeReadRowsResponse). */
  readRows(readStream: string, offset: number, options: CallOptions & { readonly token?: string } = {}): ClientReadableStream<Buffer> {
    const def = this.definition.ReadRows;
    const { token, ...callOptions } = options;
    const call = this.client.makeServerStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      { readStream, offset },
      this.metadata({ read_stream: readStream }, token),
      callOptions,
    );
    // grpc-js's response stream keeps Node's object-mode default of 16 read-ahead messages, which
    // a paused reader would hold outside its byte budget; grpc-js offers no option for it, so the
    // stream's own high-water mark is lowered to one message.
    const state = (call as unknown as { _readableState?: { highWaterMark: number } })._readableState;
    if (state) state.highWaterMark = 1;
    // A reader waiting for credit is not iterating, so nothing listens when the call is cancelled
    // or fails then; the error stays on the stream for the next read to throw, and must not be an
    // uncaught 'error' event that ends the worker thread.
    call.on('error', () => undefined);
    return call;
  }

  close(): void {
    this.client.close();
  }
}
