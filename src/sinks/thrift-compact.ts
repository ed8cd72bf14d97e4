// Thrift's compact protocol, which Parquet's footer and page indexes are written in, read into a
// form that keeps every field's wire type, so that a structure read, changed in a few fields and
// written again is byte for byte what it was everywhere else. Parquet's own structures are not
// needed to move row groups between files: only their field ids and types.

const STOP = 0;
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** A struct's fields by id, in the order they were read (or set). */
export type ThriftStruct = Map<number, ThriftValue>;

export type ThriftValue =
  | { readonly type: typeof TRUE; readonly value: boolean }
  | { readonly type: typeof BYTE | typeof I16 | typeof I32 | typeof DOUBLE; readonly value: number }
  | { readonly type: typeof I64; readonly value: bigint }
  | { readonly type: typeof BINARY; readonly value: Uint8Array }
  | { readonly type: typeof LIST | typeof SET; readonly element: number; readonly value: ThriftValue[] }
  | { readonly type: typeof MAP; readonly key: number; readonly element: number; readonly value: [ThriftValue, ThriftValue][] }
  | { readonly type: typeof STRUCT; readonly value: ThriftStruct };

export class ThriftFormatError extends Error {
  override name = 'ThriftFormatError';
}

class Reader {
  offset: number;
  constructor(private readonly bytes: Uint8Array, offset: number) {
    this.offset = offset;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new ThriftFormatError('thrift data ends inside a value');
    return this.bytes[this.offset++]!;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift > 63n) throw new ThriftFormatError('thrift varint longer than 64 bits');
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
  }

  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  take(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.bytes.length) throw new ThriftFormatError('thrift binary runs past the data');
    return this.bytes.subarray(this.offset, (this.offset += length));
  }
}

function readValue(reader: Reader, type: number): ThriftValue {
  switch (type) {
    case TRUE:
    case FALSE:
      // A bool in a list or map is a byte of its own; in a struct its type says it (readStructFrom).
      return { type: TRUE, value: reader.byte() === TRUE };
    case BYTE:
      return { type, value: (reader.byte() << 24) >> 24 };
    case I16:
    case I32:
      return { type, value: Number(reader.zigzag()) };
    case I64:
      return { type, value: BigInt.asIntN(64, reader.zigzag()) };
    case DOUBLE:
      return { type, value: new DataView(reader.take(8).slice().buffer).getFloat64(0, true) };
    case BINARY:
      return { type, value: reader.take(Number(reader.varint())) };
    case LIST:
    case SET: {
      const header = reader.byte();
      const size = header >> 4 === 15 ? Number(reader.varint()) : header >> 4;
      const element = header & 0x0f;
      return { type, element, value: Array.from({ length: size }, () => readValue(reader, element)) };
    }
    case MAP: {
      const size = Number(reader.varint());
      const kinds = size > 0 ? reader.byte() : 0;
      const key = kinds >> 4;
      const element = kinds & 0x0f;
      return { type, key, element, value: Array.from({ length: size }, (): [ThriftValue, ThriftValue] => [readValue(reader, key), readValue(reader, element)]) };
    }
    case STRUCT:
      return { type, value: readStructFrom(reader) };
    default:
      throw new ThriftFormatError(`unknown thrift compact type ${type}`);
  }
}

function readStructFrom(reader: Reader): ThriftStruct {
  const fields: ThriftStruct = new Map();
  let id = 0;
  for (;;) {
    const header = reader.byte();
    const type = header & 0x0f;
    if (type === STOP) return fields;
    const delta = header >> 4;
    id = delta === 0 ? Number(reader.zigzag()) : id + delta;
    fields.set(id, type === TRUE || type === FALSE ? { type: TRUE, value: type === TRUE } : readValue(reader, type));
  }
}

/** The struct at `offset` of `bytes`, and where it ends. */
export function readThriftStruct(bytes: Uint8Array, offset = 0): { struct: ThriftStruct; end: number } {
  const reader = new Reader(bytes, offset);
  const struct = readStructFrom(reader);
  return { struct, end: reader.offset };
}

class Writer {
  private buffer = new Uint8Array(1024);
  length = 0;

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.length++] = b & 0xff;
  }

  varint(n: bigint): void {
    let rest = BigInt.asUintN(64, n);
    while (rest >= 0x80n) {
      this.byte(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.byte(Number(rest));
  }

  zigzag(n: bigint): void {
    this.varint((n << 1n) ^ (n >> 63n));
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  done(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function writeValue(writer: Writer, value: ThriftValue): void {
  switch (value.type) {
    case TRUE:
      return writer.byte(value.value ? TRUE : FALSE);
    case BYTE:
      return writer.byte(value.value);
    case I16:
    case I32:
      return writer.zigzag(BigInt(value.value));
    case I64:
      return writer.zigzag(value.value);
    case DOUBLE: {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, value.value, true);
      return writer.bytes(bytes);
    }
    case BINARY:
      writer.varint(BigInt(value.value.length));
      return writer.bytes(value.value);
    case LIST:
    case SET:
      if (value.value.length < 15) writer.byte((value.value.length << 4) | value.element);
      else {
        writer.byte(0xf0 | value.element);
        writer.varint(BigInt(value.value.length));
      }
      for (const item of value.value) writeValue(writer, item);
      return;
    case MAP:
      writer.varint(BigInt(value.value.length));
      if (value.value.length > 0) writer.byte((value.key << 4) | value.element);
      for (const [k, v] of value.value) {
        writeValue(writer, k);
        writeValue(writer, v);
      }
      return;
    case STRUCT:
      return writeStructTo(writer, value.value);
  }
}

function writeStructTo(writer: Writer, struct: ThriftStruct): void {
  let last = 0;
  for (const [id, value] of struct) {
    const type = value.type === TRUE ? (value.value ? TRUE : FALSE) : value.type;
    const delta = id - last;
    if (delta > 0 && delta <= 15) writer.byte((delta << 4) | type);
    else {
      writer.byte(type);
      writer.zigzag(BigInt(id));
    }
    if (value.type !== TRUE) writeValue(writer, value);
    last = id;
  }
  writer.byte(STOP);
}

export function writeThriftStruct(struct: ThriftStruct): Uint8Array {
  const writer = new Writer();
  writeStructTo(writer, struct);
  return writer.done();
}

// Typed access to the fields a caller knows the meaning of; a field of another type is a format error.

/** Field `id`'s value, if it has one, of the wire type `type`; another type is a format error. */
function fieldOf<V>(struct: ThriftStruct, id: number, type: ThriftValue['type'], what: string): V | undefined {
  const field = struct.get(id);
  if (field === undefined) return undefined;
  if (field.type !== type) throw new ThriftFormatError(`field ${id} is not ${what}`);
  return field.value as V;
}

export const structField = (struct: ThriftStruct, id: number): ThriftStruct | undefined => fieldOf<ThriftStruct>(struct, id, STRUCT, 'a struct');
export const listField = (struct: ThriftStruct, id: number): ThriftValue[] => fieldOf<ThriftValue[]>(struct, id, LIST, 'a list') ?? [];
export const i64Field = (struct: ThriftStruct, id: number): bigint | undefined => fieldOf<bigint>(struct, id, I64, 'an i64');
export const i32Field = (struct: ThriftStruct, id: number): number | undefined => fieldOf<number>(struct, id, I32, 'an i32');

export const i64 = (value: bigint): ThriftValue => ({ type: I64, value });
export const i32 = (value: number): ThriftValue => ({ type: I32, value });
export const i16 = (value: number): ThriftValue => ({ type: I16, value });
export const structValue = (value: ThriftStruct): ThriftValue => ({ type: STRUCT, value });
export const listOfStructs = (value: ThriftStruct[]): ThriftValue => ({ type: LIST, element: STRUCT, value: value.map(structValue) });

/** The structs of a list of structs. */
export function structsOf(items: ThriftValue[]): ThriftStruct[] {
  return items.map((item) => {
    if (item.type !== STRUCT) throw new ThriftFormatError('a list item is not a struct');
    return item.value;
  });
}
