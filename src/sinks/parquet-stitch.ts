// One Parquet file from several written in parallel with one schema (a Parquet file's row groups
// are independent of each other: only the footer says where they are). The parts' row groups are
// copied one after another, their page indexes after them all, and one footer lists every row
// group with its offsets moved to where its bytes now are.
import { open, type FileHandle } from 'node:fs/promises';
import {
  i32, i32Field, i64, i64Field, i16, listField, listOfStructs, readThriftStruct, structField, structsOf, writeThriftStruct,
  type ThriftStruct,
} from './thrift-compact.js';

const MAGIC = Buffer.from('PAR1');
const TAIL_BYTES = 8;
const COPY_CHUNK_BYTES = 1 << 20;

// Field ids in parquet.thrift.
const FILE_SCHEMA = 2;
const FILE_NUM_ROWS = 3;
const FILE_ROW_GROUPS = 4;
const FILE_ENCRYPTION = 8;
const ROW_GROUP_COLUMNS = 1;
const ROW_GROUP_FILE_OFFSET = 5;
const ROW_GROUP_ORDINAL = 7;
const CHUNK_FILE_OFFSET = 2;
const CHUNK_META = 3;
const CHUNK_OFFSET_INDEX_OFFSET = 4;
const CHUNK_OFFSET_INDEX_LENGTH = 5;
const CHUNK_COLUMN_INDEX_OFFSET = 6;
const CHUNK_COLUMN_INDEX_LENGTH = 7;
/** ColumnMetaData: data_page_offset, index_page_offset, dictionary_page_offset, bloom_filter_offset. */
const META_BODY_OFFSETS = [9, 10, 11, 14];
const OFFSET_INDEX_PAGES = 1;
const PAGE_OFFSET = 1;

/** A column chunk's two page indexes: where each is, and how its bytes change with its row group's. */
const PAGE_INDEXES = [
  { offset: CHUNK_COLUMN_INDEX_OFFSET, length: CHUNK_COLUMN_INDEX_LENGTH, moved: (bytes: Uint8Array) => bytes },
  { offset: CHUNK_OFFSET_INDEX_OFFSET, length: CHUNK_OFFSET_INDEX_LENGTH, moved: movedOffsetIndex },
] as const;

export class ParquetStitchError extends Error {
  override name = 'ParquetStitchError';
}

/** A part file as its footer describes it. */
interface Part {
  readonly handle: FileHandle;
  readonly path: string;
  readonly metadata: ThriftStruct;
  readonly rowGroups: ThriftStruct[];
  /** Where its row groups end: its page indexes, or else its footer, begin there. */
  readonly bodyEnd: number;
}

const chunksOf = (rowGroup: ThriftStruct) => structsOf(listField(rowGroup, ROW_GROUP_COLUMNS));

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(bytes, 0, length, position);
  if (bytesRead !== length) throw new ParquetStitchError('a part file ended early');
  return bytes;
}

async function openPart(path: string): Promise<Part> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const tail = size >= 12 ? await readAt(handle, size - TAIL_BYTES, TAIL_BYTES) : Buffer.alloc(0);
    if (!tail.subarray(4).equals(MAGIC) || !(await readAt(handle, 0, 4)).equals(MAGIC)) throw new ParquetStitchError(`${path} is not a Parquet file`);
    const footerStart = size - TAIL_BYTES - tail.readUInt32LE(0);
    if (footerStart < MAGIC.length) throw new ParquetStitchError(`${path} is not a Parquet file (its footer length is past its start)`);
    const metadata = readThriftStruct(await readAt(handle, footerStart, size - TAIL_BYTES - footerStart)).struct;
    if (metadata.has(FILE_ENCRYPTION)) throw new ParquetStitchError(`${path} is encrypted`);
    const rowGroups = structsOf(listField(metadata, FILE_ROW_GROUPS));
    let bodyEnd = footerStart;
    for (const chunk of rowGroups.flatMap(chunksOf)) {
      for (const index of PAGE_INDEXES) bodyEnd = Math.min(bodyEnd, Number(i64Field(chunk, index.offset) ?? bodyEnd));
    }
    // Everything a row group points at must lie in the bytes that are moved with it.
    for (const chunk of rowGroups.flatMap(chunksOf)) {
      const meta = structField(chunk, CHUNK_META);
      for (const id of META_BODY_OFFSETS) {
        const offset = meta && i64Field(meta, id);
        if (offset !== undefined && (offset < 4n || offset >= BigInt(bodyEnd))) throw new ParquetStitchError(`${path}: a column chunk points outside its row groups`);
      }
    }
    return { handle, path, metadata, rowGroups, bodyEnd };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Moves what a row group points at in its file's body by `delta` bytes. */
function moveBody(rowGroup: ThriftStruct, delta: bigint, ordinal: number): void {
  const offset = i64Field(rowGroup, ROW_GROUP_FILE_OFFSET);
  if (offset !== undefined) rowGroup.set(ROW_GROUP_FILE_OFFSET, i64(offset + delta));
  if (rowGroup.has(ROW_GROUP_ORDINAL)) rowGroup.set(ROW_GROUP_ORDINAL, i16(ordinal));
  for (const chunk of chunksOf(rowGroup)) {
    const chunkOffset = i64Field(chunk, CHUNK_FILE_OFFSET);
    if (chunkOffset !== undefined && chunkOffset > 0n) chunk.set(CHUNK_FILE_OFFSET, i64(chunkOffset + delta));
    const meta = structField(chunk, CHUNK_META);
    for (const id of META_BODY_OFFSETS) {
      const value = meta && i64Field(meta, id);
      if (value !== undefined) meta!.set(id, i64(value + delta));
    }
  }
}

/** An offset index with its pages moved by `delta` bytes. */
function movedOffsetIndex(bytes: Uint8Array, delta: bigint): Uint8Array {
  const index = readThriftStruct(bytes).struct;
  for (const page of structsOf(listField(index, OFFSET_INDEX_PAGES))) {
    const offset = i64Field(page, PAGE_OFFSET);
    if (offset === undefined) throw new ParquetStitchError('a page location has no offset');
    page.set(PAGE_OFFSET, i64(offset + delta));
  }
  return writeThriftStruct(index);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/**
 * The bytes of one Parquet file holding every row group of `paths` (files of one schema), in that
 * order, with their page indexes; the parts' key-value metadata and writer are the first's.
 */
export async function* stitchedParquet(paths: readonly string[]): AsyncGenerator<Uint8Array> {
  const parts: Part[] = [];
  try {
    for (const path of paths) parts.push(await openPart(path));
    if (parts.length === 0) throw new ParquetStitchError('no files to stitch');
    const schemaOf = (part: Part) => writeThriftStruct(new Map([[FILE_SCHEMA, part.metadata.get(FILE_SCHEMA)!]]));
    const schema = schemaOf(parts[0]!);
    for (const part of parts) if (!sameBytes(schemaOf(part), schema)) throw new ParquetStitchError(`${part.path} has another schema`);

    yield MAGIC;
    let position = MAGIC.length;
    const deltas: bigint[] = [];
    let ordinal = 0;
    for (const part of parts) {
      const delta = BigInt(position - MAGIC.length);
      deltas.push(delta);
      for (let from = MAGIC.length; from < part.bodyEnd; from += COPY_CHUNK_BYTES) {
        const bytes = await readAt(part.handle, from, Math.min(COPY_CHUNK_BYTES, part.bodyEnd - from));
        position += bytes.length;
        yield bytes;
      }
      for (const rowGroup of part.rowGroups) moveBody(rowGroup, delta, ordinal++);
    }

    // The page indexes, each placed anew: the column indexes as they are, the offset indexes with
    // their pages moved as their row groups were.
    for (const [k, part] of parts.entries()) {
      for (const index of PAGE_INDEXES) {
        for (const chunk of part.rowGroups.flatMap(chunksOf)) {
          const at = i64Field(chunk, index.offset);
          const length = i32Field(chunk, index.length);
          if (at === undefined || length === undefined) continue;
          const bytes = index.moved(await readAt(part.handle, Number(at), length), deltas[k]!);
          chunk.set(index.offset, i64(BigInt(position)));
          chunk.set(index.length, i32(bytes.length));
          position += bytes.length;
          yield bytes;
        }
      }
    }

    const metadata: ThriftStruct = new Map(parts[0]!.metadata);
    metadata.set(FILE_NUM_ROWS, i64(parts.reduce((rows, part) => rows + (i64Field(part.metadata, FILE_NUM_ROWS) ?? 0n), 0n)));
    metadata.set(FILE_ROW_GROUPS, listOfStructs(parts.flatMap((part) => part.rowGroups)));
    const footer = writeThriftStruct(metadata);
    const tail = Buffer.alloc(TAIL_BYTES);
    tail.writeUInt32LE(footer.length, 0);
    MAGIC.copy(tail, 4);
    yield footer;
    yield tail;
  } finally {
    await Promise.all(parts.map((part) => part.handle.close()));
  }
}
