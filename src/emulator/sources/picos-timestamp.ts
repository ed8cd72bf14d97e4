// TIMESTAMP columns declared with picosecond precision (table.proto, TableFieldSchema.timestamp_precision
// = 12). The emulator stores their values as the text the service sends under
// TIMESTAMP_PRECISION_PICOS (arrow.proto: "a string which conforms to ISO 8601 format"), spelled as
// java-bigquerystorage's ITBigQueryStorageReadClientTest expects it: `2025-01-01T12:34:56.123456789123Z`,
// always 12 fractional digits. Sessions convert it to the precision they ask for (timestamp-precision.ts).

/** Field metadata marking a stored picosecond TIMESTAMP column; emulator-internal, never sent. */
export const PICOS_TIMESTAMP_KEY = 'bqread:timestamp_precision';
export const PICOS_TIMESTAMP_VALUE = '12';

const PICOS_PER_MILLI = 1_000_000_000n;
const PICOS_PER_SECOND = 1_000_000_000_000n;

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** The stored text of an instant given in picoseconds since the epoch. */
export function formatPicosTimestamp(picos: bigint): string {
  const seconds = floorDiv(picos, PICOS_PER_SECOND);
  const fraction = picos - seconds * PICOS_PER_SECOND;
  // Date's ISO form covers years 0001..9999 with four digits, BigQuery's whole TIMESTAMP range.
  const wholeSeconds = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${wholeSeconds}.${fraction.toString().padStart(12, '0')}Z`;
}

const STORED_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{12})Z$/;

/** Picoseconds since the epoch of a stored value (formatPicosTimestamp's output). */
export function parsePicosTimestamp(text: string): bigint {
  const m = STORED_RE.exec(text);
  if (!m) throw new TypeError(`not a stored picosecond TIMESTAMP: ${JSON.stringify(text)}`);
  const millis = Date.parse(`${m[1]}Z`);
  return BigInt(millis) * PICOS_PER_MILLI + BigInt(m[2]!);
}
