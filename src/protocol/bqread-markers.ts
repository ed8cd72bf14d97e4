// Field metadata of bqread's own, which its emulator adds to a session's Arrow schema where the
// Storage Read API's Arrow form is ambiguous and no public source shows a marker of the service's
// (src/emulator/README.md, "Markers of bqread's own"). The reader never guesses these types from
// a shape that another type shares. Keys are named after TableFieldSchema's fields.

/** The BigQuery type of a column whose Arrow form another type shares. */
export const TYPE_KEY = 'bqread:type';

/**
 * On a RANGE column: RANGE<T> is a struct of nullable `start` and `end` of T's Arrow type, exactly
 * what a RECORD of two such fields is.
 */
export const RANGE_TYPE = 'RANGE';

/**
 * On a TIMESTAMP column declared with picosecond precision, in every form a session gives it: under
 * picos_timestamp_precision MICROS (the default) it is a microsecond TIMESTAMP like any other, and
 * under PICOS text like a STRING.
 */
export const TIMESTAMP_PRECISION_KEY = 'bqread:timestamp_precision';
export const PICOS_TIMESTAMP_PRECISION = '12';
