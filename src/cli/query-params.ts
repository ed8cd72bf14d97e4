// `--param name:TYPE:value`, as `bq query --parameter` writes a parameter: `name::value` is a
// STRING, an empty name (`:INT64:5`) a positional one, NULL the value NULL, and an ARRAY or STRUCT
// value JSON (`--param 'ids:ARRAY<INT64>:[1,2,3]'`).
import type { QueryParameterValue } from '../query/parameters.js';
import { UsageError } from './read-flags.js';

export interface ParsedParams {
  readonly params?: Record<string, QueryParameterValue> | QueryParameterValue[];
  readonly types?: Record<string, string> | string[];
}

interface ParamFlag {
  readonly name: string;
  readonly type: string;
  readonly value: QueryParameterValue;
}

function parseOne(flag: string): ParamFlag {
  const first = flag.indexOf(':');
  const second = first < 0 ? -1 : flag.indexOf(':', first + 1);
  if (second < 0) throw new UsageError(`bad --param "${flag}": expected name:TYPE:value (name::value for a STRING, :TYPE:value for a positional one)`);
  const name = flag.slice(0, first);
  const type = flag.slice(first + 1, second).trim() || 'STRING';
  const text = flag.slice(second + 1);
  let value: QueryParameterValue = text;
  if (text === 'NULL') value = null;
  else if (/^\s*(ARRAY|STRUCT|RECORD)\b/i.test(type)) {
    try {
      value = JSON.parse(text) as QueryParameterValue;
    } catch {
      throw new UsageError(`bad --param "${flag}": an ${type.split('<')[0]!.toUpperCase()} value is JSON, e.g. [1,2] or {"a":1}`);
    }
  }
  return { name, type, value };
}

/** The --param flags as readQuery's params and types; named and positional ones do not mix. */
export function parseParamFlags(flags: readonly string[] | undefined): ParsedParams {
  if (!flags || flags.length === 0) return {};
  const parsed = flags.map(parseOne);
  const positional = parsed.filter((p) => p.name === '').length;
  if (positional > 0 && positional < parsed.length) throw new UsageError('--param: give every parameter a name, or none (positional ? parameters)');
  if (positional > 0) return { params: parsed.map((p) => p.value), types: parsed.map((p) => p.type) };
  const names = new Set<string>();
  for (const { name } of parsed) {
    if (names.has(name)) throw new UsageError(`--param: @${name} is given twice`);
    names.add(name);
  }
  return {
    params: Object.fromEntries(parsed.map((p) => [p.name, p.value])),
    types: Object.fromEntries(parsed.map((p) => [p.name, p.type])),
  };
}

/** `--label key:value`, repeated. */
export function collectLabel(flag: string, labels: Record<string, string> = {}): Record<string, string> {
  const colon = flag.indexOf(':');
  if (colon <= 0) throw new UsageError(`bad --label "${flag}": expected key:value`);
  return { ...labels, [flag.slice(0, colon)]: flag.slice(colon + 1) };
}
