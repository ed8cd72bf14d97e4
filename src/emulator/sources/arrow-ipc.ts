// A table from an Arrow IPC file (`ARROW1` magic) or stream, served with its schema as is.
import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { BqReadError } from '../../errors.js';

export class ArrowIpcError extends BqReadError {
  override name = 'ArrowIpcError';
}

const FILE_MAGIC = Buffer.from('ARROW1');
const CONTINUATION = 0xffffffff;

export function loadArrowIpcTable(path: string): arrow.Table {
  const bytes = readFileSync(path);
  if (!looksLikeArrowIpc(bytes)) {
    throw new ArrowIpcError(`${path}: not an Arrow IPC file or stream (no ARROW1 magic nor stream message header)`);
  }
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (err) {
    throw new ArrowIpcError(`${path}: cannot read Arrow IPC data: ${(err as Error).message}`);
  }
  if (table.schema.fields.length === 0) throw new ArrowIpcError(`${path}: Arrow IPC data has no columns`);
  return table;
}

function looksLikeArrowIpc(bytes: Buffer): boolean {
  if (bytes.length < 8) return false;
  if (bytes.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) return true;
  // Streams start with a message: 0xFFFFFFFF then its metadata length (before Arrow 0.15,
  // the length alone); either way the length must fit in what follows.
  const first = bytes.readUInt32LE(0);
  const metadataLength = first === CONTINUATION ? bytes.readInt32LE(4) : first;
  const headerSize = first === CONTINUATION ? 8 : 4;
  return metadataLength > 0 && metadataLength <= bytes.length - headerSize;
}
