import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Table } from 'apache-arrow';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { planRead } from '../../src/plan/plan-read.js';
import { PlanError } from '../../src/plan/plan-error.js';
import { parsePlan, type ReadPlan } from '../../src/plan/read-plan-format.js';
import { readPlan, readPlanTable } from '../../src/plan/read-plan.js';
import { SessionExpiredError } from '../../src/read/errors.js';
import { canonicalRows, rowsById } from '../helpers/canonical.js';
import { DEMO, demoEmulator } from '../helpers/demo-emulator.js';

describe('planRead and readPlan against the emulator', () => {
  let emulator: Emulator;
  let source: Table;

  before(async () => {
    ({ emulator, source } = await demoEmulator(3000));
  });
  after(async () => {
    await emulator.close();
  });

  test('a plan survives JSON, holds no credentials, and its shards together read the table exactly once', async () => {
    const plan = await planRead(DEMO, { endpoint: emulator.address, token: 'secret-token-123', maxStreams: 7, shards: 3 });
    const text = JSON.stringify(plan);
    assert.doesNotMatch(text, /secret-token-123/);
    const travelled = parsePlan(text);
    assert.deepEqual(travelled, JSON.parse(text));
    assert.equal(travelled.streams.length, 7);
    assert.equal(travelled.shards, 3);
    assert.equal(travelled.estimatedRows, 3000);
    assert.ok(Date.parse(travelled.expireTime!) > Date.now());
    const sessionsBefore = emulator.stats.sessionsCreated;
    const rows = [];
    for (let index = 0; index < 3; index++) {
      const { table, session, stats } = await readPlanTable(travelled, { shard: { index, count: 3 } }, { endpoint: emulator.address, workers: 1 });
      assert.equal(session.name, plan.session);
      assert.equal(session.streams.length, index === 0 ? 3 : 2);
      assert.equal(stats.rows, table.numRows);
      rows.push(...canonicalRows(table));
    }
    // Reading shards makes no session of its own.
    assert.equal(emulator.stats.sessionsCreated, sessionsBefore);
    assert.deepEqual(rowsById(rows), rowsById(canonicalRows(source)));
  });

  test('readPlan is a BatchStream of the named streams; a shard past the stream count reads nothing but has the schema', async () => {
    const plan = await planRead(DEMO, { endpoint: emulator.address, maxStreams: 2, selectedFields: ['id', 'f_string'] });
    const stream = readPlan(plan, { streams: [plan.streams[1]!] }, { endpoint: emulator.address, workers: 1 });
    assert.deepEqual((await stream.session).schema.fields.map((f) => f.name), ['id', 'f_string']);
    let rows = 0;
    for await (const batch of stream) rows += batch.numRows;
    assert.ok(rows > 0 && rows < 3000);
    assert.equal(stream.stats.rows, rows);
    const empty = await readPlanTable(plan, { shard: { index: 4, count: 5 } }, { endpoint: emulator.address });
    assert.equal(empty.table.numRows, 0);
    assert.deepEqual(empty.table.schema.fields.map((f) => f.name), ['id', 'f_string']);
    assert.throws(() => readPlan(plan, { streams: ['projects/x/locations/us/sessions/y/streams/z'] }), /is not one of the plan's/);
    assert.throws(() => readPlan(plan, { shard: { index: 2, count: 2 } }), PlanError);
  });

  test('a plan past its expire time is refused before anything is read, naming the session and the time', async () => {
    const plan = await planRead(DEMO, { endpoint: emulator.address, maxStreams: 2 });
    const expired: ReadPlan = { ...plan, expireTime: '2026-01-01T00:00:00.000Z' };
    const calls = emulator.stats.readRowsCalls;
    await assert.rejects(readPlanTable(expired, { shard: { index: 0, count: 1 } }, { endpoint: emulator.address }), (err: unknown) => {
      assert.ok(err instanceof SessionExpiredError);
      assert.equal(err.session, plan.session);
      assert.equal(err.expireTime?.toISOString(), '2026-01-01T00:00:00.000Z');
      assert.match(err.message, new RegExp(`${plan.session}.*expired at 2026-01-01T00:00:00.000Z.*make a new plan`));
      return true;
    });
    assert.equal(emulator.stats.readRowsCalls, calls);
  });

  test('a session the service calls expired (this machine\'s clock behind) or does not know is the same SessionExpiredError', async () => {
    const shortLived = await startEmulator({ sessionLifetimeMs: 300, storageBlockBytes: 0, tables: [{ table: DEMO, data: source }] });
    try {
      const plan = await planRead(DEMO, { endpoint: shortLived.address, maxStreams: 2 });
      await new Promise((resolve) => setTimeout(resolve, 600));
      const skewed: ReadPlan = { ...plan, expireTime: new Date(Date.now() + 3600_000).toISOString() };
      await assert.rejects(readPlanTable(skewed, { shard: { index: 0, count: 1 } }, { endpoint: shortLived.address, workers: 1 }), (err: unknown) => {
        assert.ok(err instanceof SessionExpiredError, String(err));
        assert.equal(err.session, plan.session);
        assert.equal(err.status, 'FAILED_PRECONDITION');
        assert.match(err.message, /expired/);
        return true;
      });
      // The plan of one emulator read against another: its session is unknown there.
      const elsewhere = await planRead(DEMO, { endpoint: emulator.address, maxStreams: 1 });
      const foreign: ReadPlan = { ...elsewhere, session: `${elsewhere.session}x`, streams: elsewhere.streams.map((s) => s.replace('/streams/', 'x/streams/')) };
      await assert.rejects(readPlanTable(foreign, { shard: { index: 0, count: 1 } }, { endpoint: shortLived.address, workers: 1 }), (err: unknown) => {
        assert.ok(err instanceof SessionExpiredError, String(err));
        assert.equal(err.session, foreign.session);
        assert.match(err.message, /is unknown to the service/);
        return true;
      });
    } finally {
      await shortLived.close();
    }
  });
});

describe('bad plans', () => {
  const good = {
    format: 'bqread-read-plan', version: 1, table: 'projects/p/datasets/d/tables/t', session: 'projects/p/locations/us/sessions/s',
    streams: ['projects/p/locations/us/sessions/s/streams/a'], arrowSchema: 'AAAA', estimatedRows: 1, estimatedBytes: 1,
    createdAt: '2026-12-01T00:00:00Z', options: { selectedFields: [], rowRestriction: '', compression: 'none', maxStreams: 0, billingProject: 'p' },
  };
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format":', /plan.json is not a read plan: not JSON/],
    ['not an object', '[1]', /not a JSON object/],
    ['another format', JSON.stringify({ ...good, format: 'something' }), /"format" is "something"/],
    ['another version', JSON.stringify({ ...good, version: 2 }), /format version 2; this bqread reads version 1/],
    ['no streams list', JSON.stringify({ ...good, streams: 'a' }), /"streams" must be a list of distinct stream names/],
    ['a stream twice', JSON.stringify({ ...good, streams: ['a', 'a'] }), /"streams" must be a list of distinct/],
    ['a bad expire time', JSON.stringify({ ...good, expireTime: 'soon' }), /"expireTime" must be an ISO 8601 time/],
    ['a bad shard count', JSON.stringify({ ...good, shards: 0 }), /"shards" must be a positive integer/],
    ['a bad compression', JSON.stringify({ ...good, options: { ...good.options, compression: 'brotli' } }), /"compression" must be lz4, zstd or none/],
  ];
  for (const [name, text, message] of cases) {
    test(`a plan file with ${name} is rejected with a message`, () => {
      assert.throws(() => parsePlan(text, 'plan.json'), (err: unknown) => err instanceof PlanError && message.test(err.message));
    });
  }
  test('the good plan passes, and one whose schema is no Arrow schema fails when read', () => {
    const plan = parsePlan(JSON.stringify(good));
    assert.throws(() => readPlan(plan, { shard: { index: 0, count: 1 } }), /arrowSchema is not an Arrow schema message/);
  });
});
