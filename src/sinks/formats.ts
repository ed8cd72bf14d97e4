import { extname } from 'node:path';

/** `arrow`: Arrow IPC file; `arrows`: Arrow IPC stream; the rest as named. */
export type SinkFormat = 'arrow' | 'arrows' | 'parquet' | 'ndjson' | 'csv';

export const SINK_FORMATS: readonly SinkFormat[] = ['arrow', 'arrows', 'parquet', 'ndjson', 'csv'];

const BY_EXTENSION: Readonly<Record<string, SinkFormat>> = {
  '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow',
  '.arrows': 'arrows',
  '.parquet': 'parquet', '.pq': 'parquet',
  '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson',
  '.csv': 'csv',
};

/** The format a file name asks for, if its extension names one. */
export function formatForPath(path: string): SinkFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

export function isSinkFormat(value: string): value is SinkFormat {
  return (SINK_FORMATS as readonly string[]).includes(value);
}
