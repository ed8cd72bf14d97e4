/**
 * How many streams a session gets. The service assigns a table's data to streams in storage
 * units ("the server-side unit for assigning data is collections of rows", storage.proto), so a
 * session can have at most one stream per unit, whatever it asks for; the emulator keeps a table's
 * rows in blocks of at least `storageBlockBytes` (evidence and the default's choice: the emulator's
 * README, "How many streams a session gets").
 */

/** storage.proto, max_stream_count: "There is a default system max limit of 1,000". */
const MAX_STREAMS = 1000;
/** How much data the emulator puts in one stream when the caller lets it decide (max_stream_count 0). */
export const SERVER_CHOSEN_BYTES_PER_STREAM = 32 * 1024 * 1024;

export interface StreamCountRequest {
  /** The table's rows and bytes at the snapshot, every column: units hold whole rows, before any filter. */
  readonly tableRows: number;
  readonly tableBytes: number;
  readonly maxStreamCount: number;
  readonly preferredMinStreamCount: number;
  /** The smallest storage block; 0 sets no minimum (a block may be a single row). */
  readonly storageBlockBytes: number;
}

/** How many blocks of at least `storageBlockBytes` (and at least a row) the table's rows fill. */
export function storageBlockCount(tableRows: number, tableBytes: number, storageBlockBytes: number): number {
  if (tableRows === 0) return 0;
  if (storageBlockBytes === 0) return tableRows;
  return Math.min(tableRows, Math.max(1, Math.floor(tableBytes / storageBlockBytes)));
}

/**
 * What the session asks for (max_stream_count, or when it is 0 the server's choice, raised to
 * preferred_min_stream_count), within the service's cap and the table's blocks.
 */
export function sessionStreamCount(request: StreamCountRequest): number {
  const { tableRows, tableBytes, maxStreamCount, preferredMinStreamCount, storageBlockBytes } = request;
  const asked = maxStreamCount > 0
    ? maxStreamCount
    : Math.max(preferredMinStreamCount, Math.ceil(tableBytes / SERVER_CHOSEN_BYTES_PER_STREAM), 1);
  return Math.min(asked, MAX_STREAMS, storageBlockCount(tableRows, tableBytes, storageBlockBytes));
}
