// Whether a text has the shape of WKT, as a GEOGRAPHY loaded from NDJSON must: a geometry keyword,
// optionally Z, M or ZM, then EMPTY or a parenthesised body of coordinates (2 to 4 numbers each),
// geometries again inside a GEOMETRYCOLLECTION. The shape only: ring closure, orientation and
// coordinate ranges are the service's to judge, not checked here.

const GEOMETRIES = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION']);
const DIMENSIONS = new Set(['Z', 'M', 'ZM']);
const TOKEN = /\s*(?:([A-Za-z]+)|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([(),]))/y;
/** A number's token: the shape is all that matters, not its value. */
const NUMBER = '#';

/** Upper-cased words, NUMBER for each number, and `(`, `)`, `,`; undefined at anything else. */
function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) return text.slice(at).trim() === '' ? tokens : undefined;
    tokens.push(m[1]?.toUpperCase() ?? (m[2] ? NUMBER : m[3]!));
  }
  return tokens;
}

export function isWkt(text: string): boolean {
  const tokens = tokenize(text);
  if (!tokens) return false;
  let i = 0;
  const take = (token: string): boolean => (tokens[i] === token ? (i++, true) : false);
  const list = (item: () => boolean): boolean => {
    if (!take('(')) return false;
    do if (!item()) return false;
    while (take(','));
    return take(')');
  };
  const coordinate = (): boolean => {
    let n = 0;
    while (take(NUMBER)) n++;
    return n >= 2 && n <= 4;
  };
  // A coordinate, or a parenthesised list of them at any depth (a ring, a polygon's rings, ...).
  const coordinates = (): boolean => (tokens[i] === NUMBER ? coordinate() : list(coordinates));
  const geometry = (): boolean => {
    const kind = tokens[i++];
    if (kind === undefined || !GEOMETRIES.has(kind)) return false;
    if (DIMENSIONS.has(tokens[i] ?? '')) i++;
    return take('EMPTY') || list(kind === 'GEOMETRYCOLLECTION' ? geometry : coordinates);
  };
  return geometry() && i === tokens.length;
}
