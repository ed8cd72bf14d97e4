// Pages of a result's rows, as getQueryResults, jobs.query and tabledata.list hand them out: at
// most maxResults rows and a page's bytes, with an opaque token for the next page.
import type * as arrow from 'apache-arrow';
import { jsonRows, type JsonRow } from './json-rows.js';
import { invalid } from './rest-error.js';

/** What one getQueryResults (or jobs.query) page holds. */
export interface PageRequest {
  /** The job's location, when the caller names it. */
  readonly location?: string;
  readonly startIndex?: number;
  readonly pageToken?: string;
  readonly maxResults?: number;
  readonly timeoutMs?: number;
  readonly int64Timestamp: boolean;
}

// jobs.getQueryResults "can return 20 MB of data" a page
// (https://cloud.google.com/bigquery/docs/paging-results); measured here as JSON text.
const PAGE_BYTES = 20 * 1000 * 1000;

/** totalRows, the page's rows (left out when none) and the token of the next page (none after the last). */
export function rowsPage(table: arrow.Table, request: PageRequest): { totalRows: string; pageToken?: string; rows?: JsonRow[] } {
  const start = request.pageToken !== undefined ? pageStart(request.pageToken) : request.startIndex ?? 0;
  const rows = pageRows(table, start, request.maxResults ?? Infinity, { int64Timestamp: request.int64Timestamp });
  const next = start + rows.length;
  return {
    totalRows: String(table.numRows),
    ...(next < table.numRows && { pageToken: Buffer.from(String(next)).toString('base64url') }),
    ...(rows.length > 0 && { rows }),
  };
}

/** Rows from `start`: at most `maxResults`, and at most a page's bytes (at least one row). */
function pageRows(table: arrow.Table, start: number, maxResults: number, format: { int64Timestamp: boolean }): JsonRow[] {
  const left = Math.max(0, Math.min(table.numRows - start, maxResults));
  if (left === 0) return [];
  // The page's row count from the JSON size of a sample of its first rows.
  const sample = jsonRows(table, start, Math.min(left, 100), format);
  const bytesPerRow = Math.max(1, JSON.stringify(sample).length / sample.length);
  const count = Math.max(1, Math.min(left, Math.floor(PAGE_BYTES / bytesPerRow)));
  return count <= sample.length ? sample.slice(0, count) : [...sample, ...jsonRows(table, start + sample.length, count - sample.length, format)];
}

function pageStart(token: string): number {
  const start = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(start) || start < 0) throw invalid(`Invalid page token: ${token}`);
  return start;
}
