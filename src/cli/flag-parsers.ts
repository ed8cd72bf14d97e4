import { InvalidArgumentError } from 'commander';

/** A commander parser for an integer flag of at least `min`. */
export function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** A commander parser for a number in (min, max]. */
export function numberIn(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !(n > min && n <= max)) throw new InvalidArgumentError(`${name} must be a number in (${min}, ${max}]`);
    return n;
  };
}

/** A commander parser for one of `choices`. */
export function oneOf<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** A commander parser for a repeatable flag: each use adds its value; a flag with no default starts from none. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `--columns a,b , c` as ['a', 'b', 'c']. An empty name is refused rather than dropped: `--columns ""`
 * would otherwise become no selection, which the service reads as every column.
 */
export function columnList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.every((name) => name === '')) throw new InvalidArgumentError('--columns names no column: give at least one, or leave --columns out to read them all');
  if (names.includes('')) throw new InvalidArgumentError(`--columns has an empty column name in "${value}"`);
  return names;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** A commander parser for a size: bytes, or a number with KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (of 1024). */
export function byteSize(name: string) {
  return (value: string): number => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
    const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
    const bytes = match && unit !== undefined ? Math.round(Number(match[1]) * unit) : NaN;
    if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError(`${name} must be a size such as 256MB, 1GiB or 1000000 (bytes)`);
    return bytes;
  };
}
