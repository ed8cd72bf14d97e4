import { invalidArgument } from './api-error.js';
import { addStream } from './session-builder.js';
import type { StreamState } from './session-state.js';

/**
 * SplitReadStream as storage.proto documents it: "The original ReadStream can still be read from
 * in the same manner as before", and original[0-j] = primary[0-j], original[j-n] = remainder[0-m].
 * So the original keeps every row, and primary and remainder are new streams, back to back.
 *
 * The split point is evaluated on pre-filtered rows (units hold equal pre-filter rows) and "will
 * always map to a data storage boundary": it falls on the block grid from the stream's start,
 * nearest the fraction, with at least one block on each side. It does not depend on how far any
 * reader has got: a reader already past the split point learns it from the primary, which refuses
 * its offset (FAILED_PRECONDITION, as Beam's BigQueryStorageStreamSource expects).
 * Returns undefined when the stream is too small to split.
 */
export function splitStream(stream: StreamState, fraction: number): { primary: StreamState; remainder: StreamState } | undefined {
  if (!(fraction > 0 && fraction < 1)) {
    throw invalidArgument(`fraction must be in the open interval (0, 1) (got ${fraction})`);
  }
  const { unitsPerBlock } = stream.session;
  const blocks = Math.floor((stream.end - stream.start) / unitsPerBlock);
  if (blocks < 2) return undefined;
  const headBlocks = Math.min(blocks - 1, Math.max(1, Math.round(fraction * blocks)));
  const at = stream.start + Math.round(headBlocks * unitsPerBlock);
  return { primary: addStream(stream.session, stream.start, at), remainder: addStream(stream.session, at, stream.end) };
}
