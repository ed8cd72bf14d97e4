import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DateDay, Field, IntervalMonthDayNano, makeData, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8,
  type Data,
} from 'apache-arrow';
import { bqSchemaToArrow } from '../../src/emulator/sources/bq-schema.js';
import { tableFromNdjson } from '../../src/emulator/sources/ndjson.js';
import { csvCell } from '../../src/sinks/text/row-text.js';
import { formatDate, formatInterval } from '../../src/sinks/text/value-text.js';
import { objectText, scalarText } from '../../src/sinks/values.js';

test('dates cover BigQuery\'s whole range', () => {
  assert.equal(formatDate(0), '1970-01-01');
  assert.equal(formatDate(-1), '1969-12-31');
  assert.equal(formatDate(-719162), '0001-01-01');
  assert.equal(formatDate(2932896), '9999-12-31');
  assert.equal(formatDate(11016), '2000-02-29');
});

test('INTERVAL is written in BigQuery\'s canonical Y-M D H:M:S.F form', () => {
  assert.equal(formatInterval(0, 0, 0n), '0-0 0 0:0:0');
  assert.equal(formatInterval(14, 3, 4n * 3_600_000_000_000n + 5n * 60_000_000_000n + 6_789_000_000n), '1-2 3 4:5:6.789');
  assert.equal(formatInterval(-14, -3, -(4n * 3_600_000_000_000n + 1_000n)), '-1-2 -3 -4:0:0.000001');
  assert.equal(formatInterval(120_000, 3_660_000, 3_600_000_000_000n * 87_840_000n), '10000-0 3660000 87840000:0:0');
});

test('every scalar type as BigQuery exports it, from literal rows', () => {
  const fields = [
    { name: 'i', type: 'INT64' }, { name: 'n', type: 'NUMERIC' }, { name: 'b', type: 'BYTES' },
    { name: 'ts', type: 'TIMESTAMP' }, { name: 'dt', type: 'DATETIME' }, { name: 't', type: 'TIME' },
    { name: 'f', type: 'FLOAT64' }, { name: 'j', type: 'JSON' }, { name: 's', type: 'STRING' }, { name: 'g', type: 'GEOGRAPHY' },
  ];
  const table = tableFromNdjson(JSON.stringify({
    i: '-9223372036854775808', n: '-1.5', b: Buffer.from([0, 255, 10]).toString('base64'),
    ts: '1969-12-31 23:59:59.999999 UTC', dt: '0001-01-01T00:00:00', t: '23:59:59.5',
    f: 'NaN', j: { a: '<b>&' }, s: 'x<y', g: 'POINT(1 2)',
  }), fields);
  const row = objectText(bqSchemaToArrow(fields).fields)(table.batches[0]!.data, 0);
  assert.equal(row, '{"i":"-9223372036854775808","n":"-1.5","b":"AP8K","ts":"1969-12-31 23:59:59.999999 UTC",'
    + '"dt":"0001-01-01T00:00:00","t":"23:59:59.5","f":"NaN","j":{"a":"\\u003cb\\u003e\\u0026"},"s":"x\\u003cy","g":"POINT(1 2)"}');
});

test('INTERVAL, and a struct of start and end (a RANGE or a RECORD: the Read API sends both alike) as a RECORD', () => {
  const interval = makeData({ type: new IntervalMonthDayNano(), length: 2, nullCount: 0, data: new Int32Array([14, 3, 1_000_000, 0, -1, 0, 0, 0]) });
  const spanType = new Struct([new Field('start', new DateDay(), true), new Field('end', new DateDay(), true)]);
  const span = makeData({
    type: spanType, length: 2, nullCount: 0,
    children: [
      makeData({ type: new DateDay(), length: 2, nullCount: 0, data: new Int32Array([0, 1]) }),
      makeData({ type: new DateDay(), length: 2, nullCount: 1, data: new Int32Array([31, 0]), nullBitmap: new Uint8Array([1]) }),
    ],
  });
  const schema = new Schema([new Field('iv', new IntervalMonthDayNano(), false), new Field('span', spanType, false)]);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 2, nullCount: 0, children: [interval, span] as Data[] }));
  const row = objectText(schema.fields);
  assert.equal(row(batch.data, 0), '{"iv":"1-2 3 0:0:0.001","span":{"start":"1970-01-01","end":"1970-02-01"}}');
  assert.equal(row(batch.data, 1), '{"iv":"-0-1 0 0:0:0","span":{"start":"1970-01-02"}}');
  assert.equal(scalarText(schema.fields[0]!)(interval, 0), '1-2 3 0:0:0.001');
  assert.equal(formatInterval(0, 0, 2n ** 63n - 1n), '0-0 0 2562047:47:16.854775');
  // The number form, for nanoseconds that are exact doubles, gives the BigInt form's text.
  for (const nanos of [0n, 1n, 999n, 1_000n, -1_000n, -1_999n, 6_789_000_000n, -(4n * 3_600_000_000_000n + 1_000n), 2n ** 53n - 1n, -(2n ** 53n - 1n), 3_600_000_000_000n * 2_000n + 999_000n]) {
    assert.equal(formatInterval(-14, 3, Number(nanos)), formatInterval(-14, 3, nanos), String(nanos));
  }
});

test('timestamps of other units and zones are converted to microseconds', () => {
  const data = makeData({ type: new TimestampMicrosecond('UTC'), length: 1, nullCount: 0, data: new BigInt64Array([-62135596800000000n]) });
  assert.equal(scalarText(new Field('x', new TimestampMicrosecond('UTC')))(data, 0), '0001-01-01 00:00:00 UTC');
});

test('CSV quotes what needs it and tells an empty string from NULL', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell(''), '""');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(scalarText(new Field('s', new Utf8()))(makeData({ type: new Utf8(), length: 1, nullCount: 0, valueOffsets: new Int32Array([0, 2]), data: new Uint8Array([104, 105]) }), 0), 'hi');
});
