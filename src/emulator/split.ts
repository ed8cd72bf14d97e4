import { invalidArgument } from './api-error.js';
import { addStream } from './session-builder.js';
import type { StreamState } from './session-state.js';

/**
 * SplitReadStream: the split point falls on a unit boundary (the service splits on storage
 * boundaries), after everything already sent. The original is truncated at that point, so a
 * reader still on it stops there; primary covers the same head under a new name and remainder
 * the tail: original[0, j) = primary and original[j, n) = remainder, back to back.
 * Returns undefined when the stream can no longer be split.
 */
export function splitStream(stream: StreamState, fraction: number): { primary: StreamState; remainder: StreamState } | undefined {
  if (!(fraction > 0 && fraction < 1)) {
    throw invalidArgument(`fraction must be in the open interval (0, 1) (got ${fraction})`);
  }
  const firstSplittable = Math.max(stream.start + 1, stream.servedEnd);
  const wanted = stream.start + Math.round(fraction * (stream.end - stream.start));
  const at = Math.min(stream.end - 1, Math.max(firstSplittable, wanted));
  if (at < firstSplittable || at >= stream.end) return undefined;
  const session = stream.session;
  const primary = addStream(session, stream.start, at);
  const remainder = addStream(session, at, stream.end);
  primary.servedEnd = stream.servedEnd;
  stream.end = at;
  return { primary, remainder };
}
