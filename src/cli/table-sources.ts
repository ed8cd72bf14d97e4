import { extname } from 'node:path';
import type { Table } from 'apache-arrow';
import { loadArrowIpcTable } from '../emulator/sources/arrow-ipc.js';
import { loadNdjsonTable } from '../emulator/sources/ndjson.js';

const NDJSON_EXTENSIONS = new Set(['.ndjson', '.jsonl', '.json']);

/**
 * Loads a `--table NAME=SOURCE` source: an Arrow IPC file (file or stream format), or
 * `ROWS.ndjson:SCHEMA.json` (newline-delimited JSON with a `bq load`-style schema file).
 */
export function loadTableSource(source: string): Table {
  const colon = source.lastIndexOf(':');
  const rowsPath = colon > 0 ? source.slice(0, colon) : source;
  if (NDJSON_EXTENSIONS.has(extname(rowsPath).toLowerCase())) {
    if (colon <= 0) throw new Error(`"${source}": newline-delimited JSON needs its schema: ROWS.ndjson:SCHEMA.json`);
    return loadNdjsonTable(rowsPath, source.slice(colon + 1));
  }
  return loadArrowIpcTable(source);
}

/** Splits `project.dataset.table=SOURCE`. */
export function parseTableFlag(flag: string): { table: string; source: string } {
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1) throw new Error(`bad --table "${flag}": expected PROJECT.DATASET.TABLE=FILE`);
  return { table: flag.slice(0, eq), source: flag.slice(eq + 1) };
}
