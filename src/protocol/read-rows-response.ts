import { readApiTypes } from './protos.js';

/** The parts of a ReadRowsResponse a reader needs; byte fields are views over the received buffer. */
export interface ReadRowsChunk {
  readonly rowCount: number;
  readonly recordBatch?: Uint8Array;
  readonly schema?: Uint8Array;
  readonly throttlePercent: number;
  readonly progressAtEnd?: number;
  /** Set when the session asked for response compression (see TableReadOptions.response_compression_codec). */
  readonly uncompressedByteSize?: number;
}

interface DecodedResponse {
  rowCount?: number | { toNumber(): number };
  arrowRecordBatch?: { serializedRecordBatch?: Uint8Array };
  arrowSchema?: { serializedSchema?: Uint8Array };
  avroRows?: unknown;
  throttleState?: { throttlePercent?: number };
  stats?: { progress?: { atResponseEnd?: number } };
  uncompressedByteSize?: number | { toNumber(): number };
}

const toNumber = (v: number | { toNumber(): number } | undefined | null): number | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'number' ? v : v.toNumber();

export function decodeReadRowsResponse(bytes: Uint8Array): ReadRowsChunk {
  const { ReadRowsResponse } = readApiTypes();
  const message = ReadRowsResponse.decode(bytes) as unknown as DecodedResponse;
  if (message.avroRows) throw new TypeError('received Avro rows; bqread reads Arrow sessions only');
  return {
    rowCount: toNumber(message.rowCount) ?? 0,
    recordBatch: message.arrowRecordBatch?.serializedRecordBatch,
    schema: message.arrowSchema?.serializedSchema,
    throttlePercent: message.throttleState?.throttlePercent ?? 0,
    progressAtEnd: message.stats?.progress?.atResponseEnd,
    // A proto3 `optional` field: protobufjs leaves an absent one on the prototype's default (0).
    uncompressedByteSize: Object.hasOwn(message, 'uncompressedByteSize') ? toNumber(message.uncompressedByteSize) : undefined,
  };
}
