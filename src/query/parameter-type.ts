// A query parameter's type, written as GoogleSQL writes types (`INT64`, `ARRAY<STRING>`,
// `STRUCT<id INT64, tags ARRAY<STRING>>`, `RANGE<DATE>`), and its QueryParameterType JSON
// (https://cloud.google.com/bigquery/docs/reference/rest/v2/QueryParameter).
import type { QueryParameterType } from '../protocol/query-parameter.js';
import { ReadOptionsError } from '../read/errors.js';

/** A QueryParameterType as bqread writes one: every STRUCT field named. */
export interface ParameterType extends QueryParameterType {
  readonly arrayType?: ParameterType;
  readonly structTypes?: readonly { readonly name: string; readonly type: ParameterType }[];
  readonly rangeElementType?: ParameterType;
}

const SCALAR_TYPES = [
  'INT64', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOL', 'STRING', 'BYTES',
  'DATE', 'DATETIME', 'TIME', 'TIMESTAMP', 'JSON', 'GEOGRAPHY', 'INTERVAL',
] as const;

const ALIASES: Readonly<Record<string, string>> = {
  INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', DECIMAL: 'NUMERIC', BIGDECIMAL: 'BIGNUMERIC', RECORD: 'STRUCT',
};
const RANGE_ELEMENTS: ReadonlySet<string> = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);

/** The parameter type written as text; throws ReadOptionsError naming what is wrong. */
export function parseParameterType(text: string): ParameterType {
  const tokens = text.match(/[A-Za-z_][A-Za-z0-9_]*|`[^`]+`|[<>,]|\S/g) ?? [];
  let at = 0;
  const fail = (problem: string): never => {
    throw new ReadOptionsError(`bad parameter type "${text}": ${problem}`);
  };
  const expect = (token: string) => {
    if (tokens[at] !== token) fail(`expected "${token}"${tokens[at] === undefined ? ' at the end' : ` before "${tokens[at]}"`}`);
    at++;
  };
  const typeAt = (): ParameterType => {
    const word = tokens[at++]?.toUpperCase();
    if (word === undefined) return fail('a type is missing');
    const name = ALIASES[word] ?? word;
    if (name === 'ARRAY') {
      expect('<');
      const arrayType = typeAt();
      if (arrayType.type === 'ARRAY') fail('BigQuery has no arrays of arrays');
      expect('>');
      return { type: 'ARRAY', arrayType };
    }
    if (name === 'STRUCT') {
      expect('<');
      const structTypes: { name: string; type: ParameterType }[] = [];
      do {
        const field = tokens[at++];
        if (field === undefined || !/^[A-Za-z_`]/.test(field)) fail('a STRUCT field needs a name and a type');
        structTypes.push({ name: field!.replace(/^`|`$/g, ''), type: typeAt() });
      } while (tokens[at] === ',' && ++at);
      expect('>');
      return { type: 'STRUCT', structTypes };
    }
    if (name === 'RANGE') {
      expect('<');
      const element = typeAt();
      if (!RANGE_ELEMENTS.has(element.type)) fail('RANGE holds DATE, DATETIME or TIMESTAMP');
      expect('>');
      return { type: 'RANGE', rangeElementType: element };
    }
    if (!(SCALAR_TYPES as readonly string[]).includes(name)) fail(`unknown type ${word}`);
    return { type: name };
  };
  const type = typeAt();
  if (at < tokens.length) fail(`unexpected "${tokens[at]}"`);
  return type;
}

/** The type as GoogleSQL writes it (for messages). */
export function formatParameterType(type: ParameterType): string {
  if (type.arrayType) return `ARRAY<${formatParameterType(type.arrayType)}>`;
  if (type.rangeElementType) return `RANGE<${formatParameterType(type.rangeElementType)}>`;
  if (type.structTypes) return `STRUCT<${type.structTypes.map((f) => `${f.name} ${formatParameterType(f.type)}`).join(', ')}>`;
  return type.type;
}
