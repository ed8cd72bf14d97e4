import type { Table } from 'apache-arrow';
import type { BqField } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';

/**
 * The shapes real tables are full of and dense fixtures miss: columns whose batch has no value
 * bytes at all (every string, BYTES, GEOGRAPHY and JSON empty or NULL, every array empty), at the
 * top level, inside a RECORD and inside a REPEATED RECORD. Every row has the same shape, so any
 * batch of them, down to one row, has those empty buffers.
 */
export const SPARSE_FIELDS: BqField[] = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' },
  { name: 's_empty', type: 'STRING' },
  { name: 's_null', type: 'STRING' },
  { name: 'b_empty', type: 'BYTES' },
  { name: 'geo_null', type: 'GEOGRAPHY' },
  { name: 'json_null', type: 'JSON' },
  { name: 'ints_empty', type: 'INT64', mode: 'REPEATED' },
  { name: 'strs_empty', type: 'STRING', mode: 'REPEATED' },
  {
    name: 'rec', type: 'RECORD', fields: [
      { name: 's', type: 'STRING' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
    ],
  },
  {
    name: 'rec_rep', type: 'RECORD', mode: 'REPEATED', fields: [
      { name: 'n', type: 'INT64' },
      { name: 's', type: 'STRING' },
    ],
  },
];

export function sparseRow(id: number): Record<string, unknown> {
  return { id, s_empty: '', s_null: null, b_empty: '', geo_null: null, json_null: null, ints_empty: [], strs_empty: [], rec: { s: '', tags: [] }, rec_rep: [] };
}

/** `rows` sparse rows in batches of `batchRows`. */
export function sparseTable(rows: number, batchRows = rows): Table {
  const text = Array.from({ length: rows }, (_, id) => JSON.stringify(sparseRow(id))).join('\n');
  return tableFromNdjson(text, SPARSE_FIELDS, { batchRows });
}
