// BigQuery RANGE values in their text form, `[start, end)` with UNBOUNDED (or NULL) for an open
// side, as `bq load` reads them from JSON, the REST API writes them in rows and query parameters
// take them. Both sides read it (the emulator's NDJSON tables; the reader's query rows and
// parameters), so it is at the bottom floor.

const RANGE_TEXT = /^\[\s*([^,]*?)\s*,\s*([^,]*?)\s*\)$/;
const OPEN_BOUND = /^(UNBOUNDED|NULL)$/i;

/** A RANGE's bounds as text, null for an unbounded side; undefined when the text is not a RANGE. */
export function parseRangeText(text: string): [string | null, string | null] | undefined {
  const m = RANGE_TEXT.exec(text.trim());
  if (!m) return undefined;
  const bound = (side: string) => (OPEN_BOUND.test(side) ? null : side);
  return [bound(m[1]!), bound(m[2]!)];
}
