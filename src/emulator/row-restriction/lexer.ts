import { RowRestrictionError, type SourcePosition } from './errors.js';

export type TokenKind = 'identifier' | 'keyword' | 'integer' | 'float' | 'string' | 'bytes' | 'symbol' | 'parameter' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written, for error messages. */
  readonly text: string;
  /**
   * identifier: its name; keyword: upper case; integer/float: the digits; string: decoded text; symbol: itself;
   * parameter: the name of `@name`, empty for a positional `?`.
   */
  readonly value: string;
  /** The decoded content of a bytes literal. */
  readonly bytes: Uint8Array | undefined;
  /** A `backquoted` identifier: never a keyword, a type name or a typed-literal prefix. */
  readonly quoted: boolean;
  readonly position: SourcePosition;
}

/** GoogleSQL reserved keywords: they cannot name a column unless backquoted. */
const RESERVED_KEYWORDS = new Set([
  'ALL', 'AND', 'ANY', 'ARRAY', 'AS', 'ASC', 'ASSERT_ROWS_MODIFIED', 'AT', 'BETWEEN', 'BY', 'CASE', 'CAST',
  'COLLATE', 'CONTAINS', 'CREATE', 'CROSS', 'CUBE', 'CURRENT', 'DEFAULT', 'DEFINE', 'DESC', 'DISTINCT', 'ELSE',
  'END', 'ENUM', 'ESCAPE', 'EXCEPT', 'EXCLUDE', 'EXISTS', 'EXTRACT', 'FALSE', 'FETCH', 'FOLLOWING', 'FOR',
  'FROM', 'FULL', 'GROUP', 'GROUPING', 'GROUPS', 'HASH', 'HAVING', 'IF', 'IGNORE', 'IN', 'INNER', 'INTERSECT',
  'INTERVAL', 'INTO', 'IS', 'JOIN', 'LATERAL', 'LEFT', 'LIKE', 'LIMIT', 'LOOKUP', 'MERGE', 'NATURAL', 'NEW',
  'NO', 'NOT', 'NULL', 'NULLS', 'OF', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER', 'PARTITION', 'PRECEDING', 'PROTO',
  'QUALIFY', 'RANGE', 'RECURSIVE', 'RESPECT', 'RIGHT', 'ROLLUP', 'ROWS', 'SELECT', 'SET', 'SOME', 'STRUCT',
  'TABLESAMPLE', 'THEN', 'TO', 'TREAT', 'TRUE', 'UNBOUNDED', 'UNION', 'UNNEST', 'USING', 'WHEN', 'WHERE',
  'WINDOW', 'WITH', 'WITHIN',
]);

const TWO_CHAR_SYMBOLS = new Set(['!=', '<>', '<=', '>=', '||', '<<', '>>']);
const ONE_CHAR_SYMBOLS = new Set(['(', ')', ',', '.', '=', '<', '>', '-', '+', '*', '/', '[', ']', '&', '|', '^', '~', ';']);
const STRING_PREFIXES = new Set(['r', 'b', 'rb', 'br']);
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b,
  '\\': 0x5c, '?': 0x3f, '"': 0x22, "'": 0x27, '`': 0x60,
};

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
const isHexDigit = (ch: string | undefined) => ch !== undefined && /[0-9a-fA-F]/.test(ch);
const isIdentifierStart = (ch: string | undefined) => ch !== undefined && /[A-Za-z_]/.test(ch);
const isIdentifierPart = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

/** Splits restriction text into tokens, ending with one `end` token. */
export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}

class Lexer {
  private index = 0;
  private readonly tokens: Token[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  run(): Token[] {
    for (;;) {
      this.skipSpaceAndComments();
      const start = this.index;
      if (start >= this.text.length) {
        this.push('end', start, '', '');
        return this.tokens;
      }
      const ch = this.text[start];
      if (isIdentifierStart(ch)) this.readWord(start);
      else if (isDigit(ch) || (ch === '.' && isDigit(this.text[start + 1]))) this.readNumber(start);
      else if (ch === "'" || ch === '"') this.readQuotedLiteral(start, start, '');
      else if (ch === '`') this.readBackquotedIdentifier(start);
      else if (ch === '@' || ch === '?') this.readParameter(start);
      else this.readSymbol(start);
    }
  }

  private position(index: number): SourcePosition {
    let line = this.lineStarts.length - 1;
    while (this.lineStarts[line]! > index) line--;
    return { line: line + 1, column: index - this.lineStarts[line]! + 1 };
  }

  private fail(message: string, index: number): never {
    throw new RowRestrictionError(`Syntax error: ${message}`, this.position(index));
  }

  private push(kind: TokenKind, start: number, value: string, text = this.text.slice(start, this.index),
    extra: { bytes?: Uint8Array; quoted?: boolean } = {}): void {
    this.tokens.push({
      kind, text, value, bytes: extra.bytes, quoted: extra.quoted ?? false, position: this.position(start),
    });
  }

  private skipSpaceAndComments(): void {
    const text = this.text;
    for (;;) {
      const ch = text[this.index];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') {
        this.index++;
      } else if (ch === '#' || (ch === '-' && text[this.index + 1] === '-')) {
        const end = text.indexOf('\n', this.index);
        this.index = end < 0 ? text.length : end + 1;
      } else if (ch === '/' && text[this.index + 1] === '*') {
        const end = text.indexOf('*/', this.index + 2);
        if (end < 0) this.fail('Unclosed comment', this.index);
        this.index = end + 2;
      } else {
        return;
      }
    }
  }

  private readWord(start: number): void {
    let end = start + 1;
    while (isIdentifierPart(this.text[end])) end++;
    const word = this.text.slice(start, end);
    const next = this.text[end];
    if ((next === "'" || next === '"') && STRING_PREFIXES.has(word.toLowerCase())) {
      this.readQuotedLiteral(start, end, word.toLowerCase());
      return;
    }
    this.index = end;
    const upper = word.toUpperCase();
    if (RESERVED_KEYWORDS.has(upper)) this.push('keyword', start, upper);
    else this.push('identifier', start, word);
  }

  private readNumber(start: number): void {
    const text = this.text;
    let i = start;
    if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      i += 2;
      while (isHexDigit(text[i])) i++;
      if (i === start + 2) this.fail('Invalid hex integer literal', start);
      this.index = i;
      this.push('integer', start, text.slice(start, i));
      return;
    }
    let isFloat = false;
    while (isDigit(text[i])) i++;
    if (text[i] === '.') {
      isFloat = true;
      i++;
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      let j = i + 1;
      if (text[j] === '+' || text[j] === '-') j++;
      if (!isDigit(text[j])) this.fail(`Invalid floating point literal "${text.slice(start, j)}"`, start);
      while (isDigit(text[j])) j++;
      isFloat = true;
      i = j;
    }
    this.index = i;
    this.push(isFloat ? 'float' : 'integer', start, text.slice(start, i));
  }

  /** Reads '...', "...", '''...''', """...""" with an optional r/b/rb/br prefix starting at `start`. */
  private readQuotedLiteral(start: number, quoteIndex: number, prefix: string): void {
    const text = this.text;
    const quote = text[quoteIndex]!;
    const delimiter = text.startsWith(quote.repeat(3), quoteIndex) ? quote.repeat(3) : quote;
    const isBytes = prefix.includes('b');
    const isRaw = prefix.includes('r');
    const bodyStart = quoteIndex + delimiter.length;
    let i = bodyStart;
    for (;;) {
      if (i >= text.length || (delimiter.length === 1 && text[i] === '\n')) {
        this.fail(`Unclosed ${isBytes ? 'bytes' : 'string'} literal`, start);
      }
      if (text.startsWith(delimiter, i)) break;
      i += text[i] === '\\' ? 2 : 1;
    }
    const body = text.slice(bodyStart, i);
    this.index = i + delimiter.length;
    const bytes = isRaw ? new TextEncoder().encode(body) : this.unescape(body, isBytes, start);
    if (isBytes) {
      this.push('bytes', start, '', undefined, { bytes });
    } else {
      this.push('string', start, this.decodeUtf8(bytes, 'String literal', start));
    }
  }

  private readBackquotedIdentifier(start: number): void {
    const text = this.text;
    let i = start + 1;
    while (text[i] !== '`') {
      if (i >= text.length || text[i] === '\n') this.fail('Unclosed identifier literal', start);
      i += text[i] === '\\' ? 2 : 1;
    }
    this.index = i + 1;
    if (i === start + 1) this.fail('Invalid empty identifier', start);
    const name = this.decodeUtf8(this.unescape(text.slice(start + 1, i), false, start), 'Identifier', start);
    this.push('identifier', start, name, undefined, { quoted: true });
  }

  /** A query parameter: `@name` (named) or `?` (positional); `@@name` system variables are not supported. */
  private readParameter(start: number): void {
    if (this.text[start] === '?') {
      this.index = start + 1;
      this.push('parameter', start, '');
      return;
    }
    let end = start + 1;
    if (!isIdentifierStart(this.text[end])) this.fail('Query parameters must be named: @name', start);
    while (isIdentifierPart(this.text[end])) end++;
    this.index = end;
    this.push('parameter', start, this.text.slice(start + 1, end));
  }

  private readSymbol(start: number): void {
    const two = this.text.slice(start, start + 2);
    const symbol = TWO_CHAR_SYMBOLS.has(two) ? two : this.text[start]!;
    if (symbol.length === 1 && !ONE_CHAR_SYMBOLS.has(symbol)) {
      const char = String.fromCodePoint(this.text.codePointAt(start)!);
      this.fail(`Illegal input character ${JSON.stringify(char)}`, start);
    }
    this.index = start + symbol.length;
    this.push('symbol', start, symbol);
  }

  private decodeUtf8(bytes: Uint8Array, what: string, start: number): string {
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, start);
    }
  }

  /** Decodes GoogleSQL escape sequences into bytes (\x and octal escapes are raw bytes). */
  private unescape(body: string, isBytes: boolean, start: number): Uint8Array {
    const out: number[] = [];
    let i = 0;
    while (i < body.length) {
      const codePoint = body.codePointAt(i)!;
      if (codePoint !== 0x5c) {
        pushUtf8(out, codePoint);
        i += codePoint > 0xffff ? 2 : 1;
        continue;
      }
      const escape = body[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        out.push(simple);
        i += 2;
      } else if ((escape === 'x' || escape === 'X') && isHexDigit(body[i + 2]) && isHexDigit(body[i + 3])) {
        out.push(parseInt(body.slice(i + 2, i + 4), 16));
        i += 4;
      } else if (/^[0-3][0-7][0-7]$/.test(body.slice(i + 1, i + 4))) {
        out.push(parseInt(body.slice(i + 1, i + 4), 8));
        i += 4;
      } else if ((escape === 'u' || escape === 'U') && !isBytes) {
        const digits = escape === 'u' ? 4 : 8;
        const hex = body.slice(i + 2, i + 2 + digits);
        const value = hex.length === digits && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : -1;
        if (value < 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
          this.fail(`Illegal escape sequence: \\${escape}${hex}`, start);
        }
        pushUtf8(out, value);
        i += 2 + digits;
      } else {
        this.fail(`Illegal escape sequence: \\${escape}`, start);
      }
    }
    return Uint8Array.from(out);
  }
}

function pushUtf8(out: number[], codePoint: number): void {
  if (codePoint < 0x80) {
    out.push(codePoint);
  } else if (codePoint < 0x800) {
    out.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
  } else if (codePoint < 0x10000) {
    out.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
  } else {
    out.push(0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 0x3f),
      0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
  }
}
