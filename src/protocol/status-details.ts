import type { Metadata } from '@grpc/grpc-js';
import { bufferView } from '../bytes.js';
import { readApiTypes } from './protos.js';

/**
 * google.rpc.Status travels in the `grpc-status-details-bin` trailer; the service puts a
 * google.rpc.RetryInfo there when it wants a RESOURCE_EXHAUSTED read retried after a delay.
 */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export function encodeRetryInfoStatus(code: number, message: string, retryDelayMs: number): Buffer {
  const { Status, RetryInfo } = readApiTypes();
  const seconds = Math.floor(retryDelayMs / 1000);
  const nanos = Math.round((retryDelayMs - seconds * 1000) * 1e6);
  const retryInfo = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds, nanos } })).finish();
  const status = Status.fromObject({
    code,
    message,
    // protobufjs's bundled google.protobuf.Any keeps its proto field names (type_url), even with keepCase off.
    details: [{ type_url: RETRY_INFO_TYPE_URL, value: retryInfo }],
  });
  return bufferView(Status.encode(status).finish());
}

/** The RetryInfo delay carried by an error's trailers, in milliseconds, if any. */
export function retryDelayFromMetadata(metadata: Metadata | undefined): number | undefined {
  const raw = metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!raw || typeof raw === 'string') return undefined;
  const { Status, RetryInfo } = readApiTypes();
  try {
    const status = Status.decode(raw) as unknown as { details?: { type_url: string; value: Uint8Array }[] };
    for (const detail of status.details ?? []) {
      if (detail.type_url !== RETRY_INFO_TYPE_URL) continue;
      const info = RetryInfo.toObject(RetryInfo.decode(detail.value), { longs: Number }) as {
        retryDelay?: { seconds?: number; nanos?: number };
      };
      const delay = info.retryDelay;
      if (!delay) return undefined;
      return (delay.seconds ?? 0) * 1000 + (delay.nanos ?? 0) / 1e6;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

