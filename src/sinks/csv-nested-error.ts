// Its own module, so the command's exit codes can name it without loading the CSV writer (and arrow).
import { BqReadError } from '../errors.js';

/** BigQuery refuses to export nested and repeated data as CSV, and so does this sink. */
export class CsvNestedDataError extends BqReadError {
  override name = 'CsvNestedDataError';
}
