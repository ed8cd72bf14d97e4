import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Table } from 'apache-arrow';
import { compileRowRestriction } from '../../../src/emulator/row-restriction/index.js';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { generateDemoTable } from '../../../src/emulator/sources/demo.js';
import { QueryError } from '../../../src/emulator/query/errors.js';
import type { QueryParameter } from '../../../src/protocol/query-parameter.js';
import { QueryParameters } from '../../../src/emulator/query/parameters.js';
import { runQuery, type QuerySource } from '../../../src/emulator/query/run-query.js';
import { takeRows } from '../../../src/arrow/take.js';
import { canonicalRows, type Canonical } from '../../helpers/canonical.js';
import { typesTable } from '../../helpers/types-table.js';

const people = tableFromNdjson([
  '{"id":1,"name":"ann","score":2.5,"tags":["a"],"address":{"city":"Oslo","zip":"0150"}}',
  '{"id":2,"name":"bob","score":null,"tags":[],"address":null}',
  '{"id":3,"name":"","score":"NaN","tags":["b","c"],"address":{"city":null,"zip":"1"}}',
  '{"id":4,"name":null,"score":-1,"tags":[],"address":{"city":"Bergen","zip":null}}',
  '{"id":5,"name":"bob","score":2.5,"tags":[],"address":{"city":"Oslo","zip":"0151"}}',
].join('\n'), [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' },
  { name: 'name', type: 'STRING' },
  { name: 'score', type: 'FLOAT64' },
  { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  { name: 'address', type: 'RECORD', fields: [{ name: 'city', type: 'STRING' }, { name: 'zip', type: 'STRING' }] },
], { batchRows: 2 });
const empty = tableFromNdjson('', [{ name: 'id', type: 'INT64' }, { name: 'name', type: 'STRING' }]);
const demo = generateDemoTable({ rows: 300, seed: 3, batchRows: 70 });
const types = typesTable(40, 9);

const nested = tableFromNdjson('{"id":1,"rec":{"tags":["a","b"]}}\n{"id":2,"rec":null}\n{"id":3,"rec":{"tags":[]}}', [
  { name: 'id', type: 'INT64' },
  { name: 'rec', type: 'RECORD', fields: [{ name: 'tags', type: 'STRING', mode: 'REPEATED' }] },
]);

const TABLES: Record<string, Table> = { 'p.ds.people': people, 'p.ds.empty': empty, 'p.ds.demo': demo, 'p.ds.types': types, 'p.ds.nested': nested };

function context(parameters: readonly QueryParameter[] = [], mode?: string) {
  return {
    defaultProject: 'p',
    location: 'US',
    parameters: new QueryParameters(parameters, mode),
    lookup: (path: { projectId: string; datasetId: string; tableId: string }): QuerySource | undefined => {
      if (path.tableId === 'people_view') return { kind: 'view', sql: 'SELECT id, name FROM ds.people WHERE id > 1' };
      const table = TABLES[`${path.projectId}.${path.datasetId}.${path.tableId}`];
      return table && { kind: 'table', table };
    },
  };
}

const rows = (sql: string, parameters: readonly QueryParameter[] = []) => canonicalRows(runQuery(sql, context(parameters)).table);

function refused(sql: string, reason: string, pattern: RegExp): void {
  assert.throws(() => runQuery(sql, context()), (error: unknown) => {
    assert.ok(error instanceof QueryError, String(error));
    assert.equal(error.reason, reason);
    assert.match(error.message, pattern);
    return true;
  });
}

test('SELECT * keeps every column with its Arrow field (type, nullability, metadata) and every row', () => {
  for (const [name, table] of Object.entries({ people, demo, types })) {
    const result = runQuery(`SELECT * FROM ds.${name}`, context()).table;
    assert.deepEqual(result.schema.fields.map(String), table.schema.fields.map(String), name);
    assert.deepEqual(result.schema.fields.map((f) => [...f.metadata]), table.schema.fields.map((f) => [...f.metadata]), name);
    assert.deepEqual(canonicalRows(result), canonicalRows(table), name);
  }
});

test('WHERE gives the rows the Read API gives for the same row restriction, on every type', () => {
  const restrictions = [
    'id > 150 AND f_bool', "f_string LIKE '%a%' OR f_date < DATE '1970-01-01'", 'f_numeric IS NULL', "f_timestamp >= TIMESTAMP '2000-01-01 00:00:00+00'",
    'f_float64 BETWEEN -1000 AND 1000', "f_bytes = b'' OR f_time > '12:00:00'", "rec.b IN ('alpha', 'theta')",
  ];
  for (const where of restrictions) {
    const compiled = compileRowRestriction(where, demo.schema);
    const expected = canonicalRows(demo.batches.map((batch) => takeRows(batch, compiled.filter(batch))));
    assert.deepEqual(rows(`SELECT * FROM \`p.ds.demo\` WHERE ${where}`), expected, where);
  }
});

test('SELECT items: columns, STRUCT fields, aliases, literals, conditions, * EXCEPT', () => {
  assert.deepEqual(rows('SELECT id AS n, address.city, 7 AS seven, id > 2 big, name IS NULL FROM ds.people WHERE id <= 4'), [
    { n: '1', city: 'Oslo', seven: '7', big: false, f0_: false },
    { n: '2', city: null, seven: '7', big: false, f0_: false },
    { n: '3', city: null, seven: '7', big: true, f0_: false },
    { n: '4', city: 'Bergen', seven: '7', big: true, f0_: true },
  ]);
  assert.deepEqual(rows('SELECT * EXCEPT (score, TAGS, address) FROM ds.people LIMIT 2'), [{ id: '1', name: 'ann' }, { id: '2', name: 'bob' }]);
});

test('SELECT without FROM is one row of constants', () => {
  const result = runQuery("SELECT 1 AS one, 'x' AS s, 2.5, NULL AS n, DATE '2020-02-29' AS d, TRUE AND NULL AS t", context()).table;
  assert.deepEqual(result.schema.fields.map((f) => `${f.name}:${String(f.type)}`),
    ['one:Int64', 's:Utf8', 'f0_:Float64', 'n:Int64', 'd:Date32<DAY>', 't:Bool']);
  assert.deepEqual(canonicalRows(result), [{ one: '1', s: 'x', f0_: 2.5, n: null, d: 18321, t: null }]);
});

test('ORDER BY: several keys, ASC and DESC, NULLs first ascending and last descending, NaN below every number', () => {
  const ids = (sql: string) => rows(sql).map((row) => (row as Record<string, Canonical>).id);
  assert.deepEqual(ids('SELECT id FROM ds.people ORDER BY score'), ['2', '3', '4', '1', '5']);
  assert.deepEqual(ids('SELECT id FROM ds.people ORDER BY score DESC, id DESC'), ['5', '1', '4', '3', '2']);
  assert.deepEqual(ids('SELECT id FROM ds.people ORDER BY score NULLS LAST, id'), ['3', '4', '1', '5', '2']);
  assert.deepEqual(ids('SELECT id, name FROM ds.people ORDER BY name DESC NULLS FIRST, 1'), ['4', '2', '5', '1', '3']);
  assert.deepEqual(ids('SELECT id AS id, address.city AS c FROM ds.people ORDER BY c, id DESC'), ['3', '2', '4', '5', '1']);
});

test('LIMIT and OFFSET, with and without ORDER BY, across batches', () => {
  const ids = (sql: string) => rows(sql).map((row) => (row as Record<string, Canonical>).id);
  assert.deepEqual(ids('SELECT id FROM ds.people LIMIT 3 OFFSET 1'), ['2', '3', '4']);
  assert.deepEqual(ids('SELECT id FROM ds.people ORDER BY id DESC LIMIT 2 OFFSET 2'), ['3', '2']);
  assert.deepEqual(ids('SELECT id FROM ds.people LIMIT 0'), []);
  assert.deepEqual(ids('SELECT id FROM ds.people LIMIT 10 OFFSET 5'), []);
});

test('sparse shapes: zero rows keep the schema; empty strings, empty arrays and all-NULL columns come through', () => {
  const none = runQuery('SELECT * FROM ds.empty', context()).table;
  assert.equal(none.numRows, 0);
  assert.deepEqual(none.schema.fields.map((f) => f.name), ['id', 'name']);
  assert.equal(runQuery('SELECT id FROM ds.people WHERE id > 99 ORDER BY id', context()).table.numRows, 0);
  assert.deepEqual(rows("SELECT name, tags FROM ds.people WHERE name = ''"), [{ name: '', tags: ['b', 'c'] }]);
  assert.deepEqual(rows('SELECT tags, address.zip FROM ds.people WHERE id = 2'), [{ tags: [], zip: null }]);
  assert.deepEqual(rows('SELECT NULL AS n FROM ds.people WHERE id < 3'), [{ n: null }, { n: null }]);
  assert.deepEqual(rows('SELECT id FROM ds.people WHERE id = 1'), [{ id: '1' }]);
});

test('a view is read through its query', () => {
  assert.deepEqual(rows('SELECT name FROM ds.people_view WHERE id < 4 ORDER BY name'), [{ name: '' }, { name: 'bob' }]);
});

test('bytes processed count the columns the query reads, over the whole table', () => {
  const all = runQuery('SELECT * FROM ds.people', context()).bytesProcessed;
  const one = runQuery('SELECT id FROM ds.people WHERE id = 1', context()).bytesProcessed;
  assert.equal(one, 5 * 8);
  assert.ok(all > one);
  assert.equal(runQuery('SELECT 1', context()).bytesProcessed, 0);
  // A column read by ORDER BY alone counts; a SELECT alias or position adds nothing.
  const name = runQuery('SELECT name FROM ds.people', context()).bytesProcessed;
  assert.equal(runQuery('SELECT id FROM ds.people ORDER BY name', context()).bytesProcessed, one + name);
  assert.equal(runQuery('SELECT id AS k FROM ds.people ORDER BY k, 1', context()).bytesProcessed, one);
  assert.equal(runQuery('SELECT * EXCEPT (name) FROM ds.people', context()).bytesProcessed, all - name);
});

test('errors as BigQuery words them, with the position at [line:column]', () => {
  refused('SELECT nope FROM ds.people', 'invalidQuery', /^Unrecognized name: nope at \[1:8\]$/);
  refused('SELECT id\nFROM ds.people\nWHERE name = 1', 'invalidQuery', /^No matching signature for operator = for argument types: STRING, INT64\. Supported signature: ANY = ANY at \[3:7\]$/);
  refused('SELECT id FROM ds.people WHERE id', 'invalidQuery', /^WHERE clause should return type BOOL, but returns INT64 at \[1:32\]$/);
  refused('SELECT id FROM ds.missing', 'notFound', /^Not found: Table p:ds\.missing was not found in location US at \[1:16\]$/);
  refused('SELECT id FROM people', 'invalidQuery', /^Table "people" must be qualified with a dataset \(e\.g\. dataset\.table\)\. at \[1:16\]$/);
  refused('SELECT id, id FROM ds.people', 'invalidQuery', /Duplicate column names in the result are not supported\. Found duplicate\(s\): id/);
  refused('SELECT * EXCEPT (nope) FROM ds.people', 'invalidQuery', /^Column nope in SELECT \* EXCEPT list does not exist at \[1:18\]$/);
  refused('SELECT id FROM ds.people ORDER BY tags', 'invalidQuery', /^ORDER BY does not support expressions of type ARRAY<STRING> at \[1:35\]$/);
  refused('SELECT id FROM ds.people WHERE', 'invalidQuery', /^Syntax error: Unexpected end of input at \[1:31\]$/);
  refused('SELECT id FROM ds.people WHERE id = @missing', 'invalidQuery', /^Query parameter 'missing' not found at \[1:37\]$/);
});

test('what the subset leaves out is refused as unsupported, at its position', () => {
  const cases: [string, RegExp][] = [
    ['SELECT COUNT(*) FROM ds.people', /^Function calls are not supported in the bqread emulator's SQL subset: COUNT\(\) at \[1:8\]$/],
    ['SELECT id + 1 FROM ds.people', /^Syntax error: Operator "\+" is not supported in the bqread emulator's SQL subset at \[1:11\]$/],
    ['SELECT id FROM ds.people GROUP BY id', /^GROUP BY is not supported by the bqread emulator's SQL subset at \[1:26\]$/],
    ['SELECT a.id FROM ds.people a JOIN ds.people b ON a.id = b.id', /^JOIN is not supported by the bqread emulator's SQL subset at \[1:30\]$/],
    ['SELECT id FROM ds.people, ds.demo', /^A comma join is not supported by the bqread emulator's SQL subset at \[1:25\]$/],
    ['SELECT id FROM ds.people JOIN ds.demo USING (id)', /^JOIN is not supported by the bqread emulator's SQL subset at \[1:26\]$/],
    ['SELECT id FROM ds.people UNION ALL SELECT id FROM ds.people', /^UNION is not supported by the bqread emulator's SQL subset at \[1:26\]$/],
    ['WITH x AS (SELECT 1) SELECT * FROM x', /^WITH is not supported by the bqread emulator's SQL subset at \[1:1\]$/],
    ['SELECT DISTINCT id FROM ds.people', /^SELECT DISTINCT is not supported by the bqread emulator's SQL subset at \[1:8\]$/],
    ['SELECT AS STRUCT 1 AS a', /^SELECT AS STRUCT or AS VALUE is not supported by the bqread emulator's SQL subset at \[1:8\]$/],
    ['SELECT * FROM (SELECT 1)', /^A subquery in FROM is not supported by the bqread emulator's SQL subset at \[1:15\]$/],
    ['INSERT INTO ds.people (id) VALUES (1)', /^The statement INSERT is not supported by the bqread emulator's SQL subset at \[1:1\]$/],
  ];
  for (const [sql, pattern] of cases) refused(sql, 'invalidQuery', pattern);
});

test('the text around a query: backquoted name parts, implicit aliases, comments, a trailing semicolon', () => {
  assert.deepEqual(
    rows('-- the first two\nSELECT id n, `name` AS `the name` /* both */ FROM `p`.ds.`people` WHERE id < 3;'),
    [{ n: '1', 'the name': 'ann' }, { n: '2', 'the name': 'bob' }],
  );
});

test('positional and named parameters as values and in WHERE; a named one matches case-insensitively', () => {
  const named: QueryParameter[] = [{ name: 'Lo', parameterType: { type: 'INT64' }, parameterValue: { value: '4' } }];
  assert.deepEqual(rows('SELECT id, @lo AS lo FROM ds.people WHERE id >= @LO', named), [{ id: '4', lo: '4' }, { id: '5', lo: '4' }]);
  const positional: QueryParameter[] = [
    { parameterType: { type: 'STRING' }, parameterValue: { value: 'bob' } },
    { parameterType: { type: 'INT64' }, parameterValue: { value: '2' } },
  ];
  assert.deepEqual(canonicalRows(runQuery('SELECT id FROM ds.people WHERE name = ? AND id > ?', context(positional, 'POSITIONAL')).table), [{ id: '5' }]);
});

test('columns qualified with the table\'s alias or name, and alias.*', () => {
  assert.deepEqual(rows('SELECT p.id, p.address.city FROM ds.people AS p WHERE p.id < 3 ORDER BY p.id DESC'), [{ id: '2', city: null }, { id: '1', city: 'Oslo' }]);
  assert.deepEqual(rows('SELECT people.name FROM `p.ds.people` WHERE people.id = 1'), [{ name: 'ann' }]);
  assert.deepEqual(rows('SELECT x.* EXCEPT (tags, address, score) FROM ds.people x LIMIT 1'), [{ id: '1', name: 'ann' }]);
  // A column named like the alias is the column: here address.city is the STRUCT's field.
  assert.deepEqual(rows('SELECT address.city FROM ds.people address WHERE id = 4'), [{ city: 'Bergen' }]);
  refused('SELECT q.* FROM ds.people p', 'invalidQuery', /^Unrecognized name: q at \[1:8\]$/);
});

test('a REPEATED field of a NULL STRUCT is an empty array, as BigQuery has no NULL arrays', () => {
  const result = runQuery('SELECT id, rec.tags FROM ds.nested', context()).table;
  assert.equal(result.schema.fields[1]!.nullable, false);
  assert.deepEqual(canonicalRows(result), [{ id: '1', tags: ['a', 'b'] }, { id: '2', tags: [] }, { id: '3', tags: [] }]);
});

test('LIMIT and OFFSET take INT64 parameters, named or positional (counted in place)', () => {
  const int64 = (value: string | null, name?: string): QueryParameter => ({ ...(name && { name }), parameterType: { type: 'INT64' }, parameterValue: { value } });
  const ids = (result: Table) => canonicalRows(result).map((row) => (row as Record<string, Canonical>).id);
  assert.deepEqual(ids(runQuery('SELECT id FROM ds.people ORDER BY id LIMIT @n OFFSET @skip', context([int64('2', 'n'), int64('1', 'skip')])).table), ['2', '3']);
  assert.deepEqual(ids(runQuery('SELECT id FROM ds.people WHERE id > ? LIMIT ?', context([int64('1'), int64('1')], 'POSITIONAL')).table), ['2']);
  const failing = (sql: string, parameters: QueryParameter[], pattern: RegExp) =>
    assert.throws(() => runQuery(sql, context(parameters)), (error: unknown) => error instanceof QueryError && pattern.test(error.message));
  failing('SELECT id FROM ds.people LIMIT @n', [int64('-1', 'n')], /^LIMIT expects a non-negative integer, got -1 at \[1:32\]$/);
  failing('SELECT id FROM ds.people LIMIT @n', [int64(null, 'n')], /^LIMIT expects a non-negative integer, got NULL at \[1:32\]$/);
  failing('SELECT id FROM ds.people LIMIT @n', [{ name: 'n', parameterType: { type: 'STRING' }, parameterValue: { value: '1' } }], /^LIMIT expects an integer literal or parameter at \[1:32\]$/);
  failing('SELECT id FROM ds.people LIMIT 1 OFFSET @gone', [], /^Query parameter 'gone' not found at \[1:41\]$/);
});

test('the shared engine takes query parameters in queries only: a row_restriction refuses them', () => {
  assert.throws(() => compileRowRestriction('id = @n', people.schema), { message: /^Syntax error: Unexpected query parameter @n \[at 1:6\]$/ });
  assert.throws(() => compileRowRestriction('id = ?', people.schema), { message: /^Syntax error: Unexpected query parameter \? \[at 1:6\]$/ });
});
