// An independent statement of what BigQuery's JSON and CSV exports write for each type, computed
// from canonical values with Date and BigInt rather than from the sinks' own code.
import { DataType, type Field, type Schema } from 'apache-arrow';
import type { Canonical } from './canonical.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function decimalText(words: string, scale: number): string {
  const parts = words.split(':');
  let value = 0n;
  for (let k = parts.length - 1; k >= 0; k--) value = (value << 32n) | BigInt(`0x${parts[k]}`);
  value = BigInt.asIntN(parts.length * 32, value);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const unit = 10n ** BigInt(scale);
  const frac = (abs % unit).toString().padStart(scale, '0').replace(/0+$/, '');
  return `${sign}${abs / unit}${frac ? `.${frac}` : ''}`;
}

/** ISO date and time of a microsecond count, through Date (millisecond) plus the micro digits. */
function microsText(micros: bigint): { date: string; time: string } {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString();
  const sub = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const frac = sub === 0 ? '' : `.${String(sub).padStart(6, '0').replace(/0+$/, '')}`;
  return { date: iso.slice(0, 10), time: `${iso.slice(11, 19)}${frac}` };
}

function extension(field: Field): string | undefined {
  return field.metadata.get('ARROW:extension:name');
}

/** BigQuery's canonical INTERVAL text of the canonical `Mm Dd Nns` triple. */
function intervalText(value: string): string {
  const [, months, days, nanos] = /^(-?\d+)m (-?\d+)d (-?\d+)ns$/.exec(value)!;
  const m = Number(months);
  const micros = BigInt(nanos!) / 1000n;
  const abs = micros < 0n ? -micros : micros;
  const seconds = abs / 1_000_000n;
  const sub = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  const hms = `${seconds / 3600n}:${(seconds / 60n) % 60n}:${seconds % 60n}${sub ? `.${sub}` : ''}`;
  return `${m < 0 ? '-' : ''}${Math.trunc(Math.abs(m) / 12)}-${Math.abs(m) % 12} ${days} ${micros < 0n ? '-' : ''}${hms}`;
}

/** The scalar text BigQuery exports for a canonical value of `field`. */
export function exportText(field: Field, value: Canonical): string {
  const type = field.type as DataType;
  if (DataType.isInterval(type)) return intervalText(value as string);
  if (DataType.isDecimal(type)) return decimalText(value as string, type.scale);
  if (DataType.isBinary(type)) return Buffer.from(value as string, 'hex').toString('base64');
  if (DataType.isDate(type)) return new Date((value as number) * 86_400_000).toISOString().slice(0, 10);
  if (DataType.isTimestamp(type)) {
    const { date, time } = microsText(BigInt(value as string));
    return type.timezone ? `${date} ${time} UTC` : `${date}T${time}`;
  }
  if (DataType.isTime(type)) return microsText(BigInt(value as string)).time;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** What JSON.parse gives for `field`'s value in BigQuery's newline-delimited JSON export. */
export function exportJson(field: Field, value: Canonical): Json | undefined {
  if (value === null) return undefined;
  const type = field.type as DataType;
  if (DataType.isList(type)) return (value as Canonical[]).map((item) => exportJson(type.children[0]!, item)!);
  // RECORD, and RANGE, which the Read API sends as a RECORD of `start` and `end`.
  if (DataType.isStruct(type)) return exportRow(type.children, value as Record<string, Canonical>);
  // The demo's JSON text holds raw tabs inside strings; an export escapes them.
  if (extension(field) === 'google:sqlType:json') {
    // eslint-disable-next-line no-control-regex -- raw control characters are exactly what is escaped here
    return JSON.parse((value as string).replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1))) as Json;
  }
  if (DataType.isFloat(type) || DataType.isBool(type)) return value;
  return exportText(field, value);
}

/** A row as BigQuery's JSON export writes it: NULL fields left out. */
export function exportRow(fields: readonly Field[], row: Record<string, Canonical>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const field of fields) {
    const json = exportJson(field, row[field.name]!);
    if (json !== undefined) out[field.name] = json;
  }
  return out;
}

export function exportRows(schema: Schema, rows: Canonical[]): { [key: string]: Json }[] {
  return rows.map((row) => exportRow(schema.fields, row as Record<string, Canonical>));
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      field = value;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
      // An unquoted empty field is NULL; an empty string is written quoted.
      field = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (text[i] === ',') i++;
    else {
      records.push(record);
      record = [];
      i++;
    }
  }
  return records;
}
