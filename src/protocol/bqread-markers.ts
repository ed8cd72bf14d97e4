// Field metadata of bqread's own, which its emulator adds to a session's Arrow schema where the
// Storage Read API's Arrow form is ambiguous and no public source shows a marker of the service's
// (src/emulator/README.md, "Markers of bqread's own"). The reader takes a column for one of these
// types only when it carries the marker, never from its shape alone. Keys are named after
// TableFieldSchema's fields.

/** The BigQuery type of a column whose Arrow form another type shares. */
export const TYPE_KEY = 'bqread:type';

/**
 * On a RANGE column: RANGE<T> is a struct of nullable `start` and `end` of T's Arrow type, exactly
 * what a RECORD of two such fields is.
 */
export const RANGE_TYPE = 'RANGE';
