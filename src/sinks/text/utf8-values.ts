// UTF-8 values (STRING, JSON, GEOGRAPHY) written as the bytes they already are in the Arrow
// buffers, escaped byte by byte where a format asks for it. A malformed value is never copied: it
// is read as TextDecoder reads it (malformed bytes as U+FFFD) and escaped as text, so the bytes
// written are those of the string formatters, whatever the column holds.
import { isUtf8 } from 'node:buffer';
import { bufferView } from '../../bytes.js';
import type { ColumnData } from './column-data.js';
import type { TextBytes } from './text-bytes.js';
import type { ValueWriter } from './value-text.js';

/** A UTF-8 value's byte range in its column. */
interface Utf8Span {
  bytes: Uint8Array;
  start: number;
  end: number;
  /** Whether the range is well-formed UTF-8: then its bytes are its text's. */
  wellFormed: boolean;
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * Reads the span of a UTF-8 value. A column's bytes are checked once per buffer (isUtf8 is native
 * and fast); a value of a well-formed buffer is well-formed itself when neither of its ends falls
 * inside a character.
 */
function utf8Spans(): (data: ColumnData, index: number) => Utf8Span {
  let seenValues: unknown;
  let seenOffsets: unknown;
  let wellFormed = false;
  const span: Utf8Span = { bytes: new Uint8Array(0), start: 0, end: 0, wellFormed: false };
  return (data, index) => {
    const bytes = data.values as Uint8Array;
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    if (bytes !== seenValues || offsets !== seenOffsets) {
      seenValues = bytes;
      seenOffsets = offsets;
      const last = offsets.length - 1;
      wellFormed = last < 0 || isUtf8(bytes.subarray(Number(offsets[0]), Number(offsets[last])));
    }
    span.bytes = bytes;
    span.start = Number(offsets[index]);
    span.end = Number(offsets[index + 1]);
    span.wellFormed = wellFormed && !isContinuation(bytes[span.start]) && !isContinuation(bytes[span.end]);
    return span;
  };
}

/** A span's text, as TextDecoder reads it (malformed bytes as U+FFFD). */
const spanText = ({ bytes, start, end }: Utf8Span) => bufferView(bytes).toString('utf8', start, end);

/** A UTF-8 value's text: its bytes, or the replacement characters TextDecoder would read. */
export function utf8Writer(): ValueWriter {
  const spanOf = utf8Spans();
  return (out, data, i) => {
    const span = spanOf(data, i);
    if (span.wellFormed) out.copy(span.bytes, span.start, span.end);
    else out.utf8(spanText(span));
  };
}

/** How a format escapes UTF-8 values. */
export interface Utf8Escaping {
  /** The bytes (1 in the table) that a value holding one is written through `escapeBytes`. */
  readonly unsafe: Uint8Array;
  /** Whether a value that needs no escape is written between double quotes all the same. */
  readonly quoted: boolean;
  /** An empty value's text, where the format tells it apart from a missing one. */
  readonly empty?: string;
  /** Writes a well-formed value that holds an unsafe byte. */
  escapeBytes(out: TextBytes, bytes: Uint8Array, start: number, end: number): void;
  /** A malformed value's text (read with U+FFFD), escaped. */
  escapeText(text: string): string;
}

const QUOTE = 0x22;

/** A UTF-8 value escaped as `escaping` says: copied as it is where no byte asks for more. */
export function escapedUtf8Writer(escaping: Utf8Escaping): ValueWriter {
  const spanOf = utf8Spans();
  const { unsafe, quoted, empty } = escaping;
  return (out, data, i) => {
    const span = spanOf(data, i);
    const { bytes, start, end } = span;
    if (start === end && empty !== undefined) return out.ascii(empty);
    if (!span.wellFormed) return out.utf8(escaping.escapeText(spanText(span)));
    const target = out.room(end - start + 2);
    let at = out.length;
    if (quoted) target[at++] = QUOTE;
    let k = start;
    while (k < end && unsafe[bytes[k]!] === 0) target[at++] = bytes[k++]!;
    if (k < end) return escaping.escapeBytes(out, bytes, start, end);
    if (quoted) target[at++] = QUOTE;
    out.length = at;
  };
}

/**
 * The escaping that writes each ASCII character as `escapeChar` does (and every other byte as it
 * is), between quotes when `quoted`; `escapeText` escapes a malformed value's text.
 */
export function byteEscapes(escapeChar: (char: string) => string, escapeText: (text: string) => string, quoted: boolean): Utf8Escaping {
  const replacements = Array.from({ length: 0x80 }, (_, code) => {
    const char = String.fromCharCode(code);
    const escaped = escapeChar(char);
    return escaped === char ? undefined : new Uint8Array(Buffer.from(escaped, 'latin1'));
  });
  const unsafe = new Uint8Array(0x100);
  replacements.forEach((replacement, code) => (unsafe[code] = replacement ? 1 : 0));
  const longest = Math.max(1, ...replacements.map((r) => r?.length ?? 0));
  return {
    unsafe,
    quoted,
    escapeText,
    escapeBytes(out, bytes, start, end) {
      const target = out.room(longest * (end - start) + 2);
      let at = out.length;
      if (quoted) target[at++] = QUOTE;
      for (let k = start; k < end; k++) {
        const byte = bytes[k]!;
        const replacement = byte < 0x80 ? replacements[byte] : undefined;
        if (replacement === undefined) target[at++] = byte;
        else for (let r = 0; r < replacement.length; r++) target[at++] = replacement[r]!;
      }
      if (quoted) target[at++] = QUOTE;
      out.length = at;
    },
  };
}
