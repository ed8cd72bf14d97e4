/**
 * Plain-object forms of the Read API messages both sides handle, in protobufjs's toObject shape
 * (camelCase; enums as their names; int64 as decimal strings when decoded, numbers accepted when
 * encoded). Only the fields bqread and its emulator read or write are listed.
 *
 * Requests are what a caller builds, so their fields are optional; a side that receives one
 * validates what is there. Responses are typed as decoded (toObject with `defaults`): scalars and
 * repeated fields always present, an absent message field null.
 */

/** int64: a decimal string when decoded, a number or string when encoded. */
export type Int64 = string | number;

export interface Timestamp {
  readonly seconds: Int64;
  readonly nanos: number;
}

export interface ArrowSerializationOptions {
  readonly bufferCompression?: string;
  readonly picosTimestampPrecision?: string;
}

export interface TableReadOptions {
  readonly selectedFields?: readonly string[];
  readonly rowRestriction?: string;
  readonly arrowSerializationOptions?: ArrowSerializationOptions | null;
  readonly samplePercentage?: number | null;
  readonly responseCompressionCodec?: string;
}

export interface TableModifiers {
  readonly snapshotTime?: Timestamp | null;
}

/** The ReadSession a CreateReadSession request asks for. */
export interface RequestedSession {
  readonly table?: string;
  readonly dataFormat?: string;
  readonly readOptions?: TableReadOptions | null;
  readonly tableModifiers?: TableModifiers | null;
  readonly traceId?: string;
}

export interface CreateReadSessionRequest {
  readonly parent?: string;
  readonly readSession?: RequestedSession | null;
  readonly maxStreamCount?: number;
  readonly preferredMinStreamCount?: number;
}

export interface ReadRowsRequest {
  readonly readStream?: string;
  readonly offset?: Int64;
}

export interface SplitReadStreamRequest {
  readonly name?: string;
  readonly fraction?: number;
}

export interface ReadStream {
  readonly name: string;
}

export interface ReadSession {
  readonly name: string;
  readonly expireTime: Timestamp | null;
  readonly dataFormat: string;
  readonly arrowSchema: { readonly serializedSchema: Uint8Array } | null;
  readonly table: string;
  readonly tableModifiers: TableModifiers | null;
  readonly readOptions: TableReadOptions | null;
  readonly streams: readonly ReadStream[];
  readonly estimatedTotalBytesScanned: Int64;
  readonly estimatedRowCount: Int64;
  /** Set only for BigLake tables, so the emulator leaves it out; decoded, it is then "0". */
  readonly estimatedTotalPhysicalFileSize?: Int64;
  readonly traceId: string;
}

/** Both streams null when the stream cannot be split at that fraction. */
export interface SplitReadStreamResponse {
  readonly primaryStream: ReadStream | null;
  readonly remainderStream: ReadStream | null;
}
