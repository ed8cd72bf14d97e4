/**
 * UTF-8 text written as bytes where it is made. The formatters used to build each line as a string
 * and encode it afterwards: the encoding took a sixth of a worker thread's time on NDJSON, and the
 * strings most of its garbage; text that is already UTF-8 in the Arrow buffers (STRING, JSON,
 * GEOGRAPHY) is now copied as bytes, never decoded and encoded again.
 */
export class TextBytes {
  /** What is written, in bytes 0 to `length`. */
  bytes: Buffer;
  length = 0;

  constructor(capacity = 1 << 16) {
    // allocUnsafeSlow: memory of its own (never a slice of Node's shared pool), so it can be transferred.
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  /** The buffer with room for `count` more bytes at `length`. */
  room(count: number): Buffer {
    if (this.bytes.byteLength - this.length < count) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.byteLength, this.length + count));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    return this.bytes;
  }

  byte(code: number): void {
    this.room(1)[this.length++] = code;
  }

  /** Text that is ASCII by construction (digits, signs, base64, names of values): a byte per code unit. */
  ascii(text: string): void {
    const bytes = this.room(text.length);
    let at = this.length;
    for (let k = 0; k < text.length; k++) bytes[at++] = text.charCodeAt(k);
    this.length = at;
  }

  /** Any text, as UTF-8 (lone surrogates as U+FFFD, as TextEncoder writes them). */
  utf8(text: string): void {
    this.room(3 * text.length);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /** Bytes `start` to `end` of `source`. */
  copy(source: Uint8Array, start: number, end: number): void {
    const bytes = this.room(end - start);
    if (end - start > 32) {
      bytes.set(source.subarray(start, end), this.length);
      this.length += end - start;
      return;
    }
    // A short run is copied faster byte by byte than through a view made for set().
    let at = this.length;
    for (let k = start; k < end; k++) bytes[at++] = source[k]!;
    this.length = at;
  }

  /** A non-negative integer below 2^53 in decimal digits, zero-padded to `width`. */
  digits(value: number, width = 1): void {
    if (value >= 0x80000000) {
      // Nine digits at a time, so each part is divided as a 32-bit integer. The quotient is below
      // 2^24, where a double's error is under the 10^-9 the true quotient stays from an integer.
      const high = Math.floor(value / 1e9);
      this.digits(high, width - 9);
      this.digits(value - high * 1e9, 9);
      return;
    }
    let count = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) count++;
    if (count < width) count = width;
    const bytes = this.room(count);
    let rest = value;
    for (let at = this.length + count - 1; at >= this.length; at--) {
      const next = (rest / 10) | 0;
      bytes[at] = 48 + rest - 10 * next;
      rest = next;
    }
    this.length += count;
  }

  /** Two digits of a number from 0 to 99. */
  pair(value: number): void {
    const bytes = this.room(2);
    const tens = (value / 10) | 0;
    bytes[this.length] = 48 + tens;
    bytes[this.length + 1] = 48 + value - 10 * tens;
    this.length += 2;
  }

  /** What is written, as a string; the buffer is then empty again. */
  text(): string {
    const text = this.bytes.toString('utf8', 0, this.length);
    this.length = 0;
    return text;
  }

  /** What is written, in memory of its own (fit for a transfer list); write to this no more. */
  written(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.length);
  }
}
