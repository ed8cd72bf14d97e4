import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../../src/emulator/server.js';
import { tableFromNdjson } from '../../../src/emulator/sources/ndjson.js';
import { assertGrpcError, emulatorClient, sessionRequest } from '../../helpers/read-api.js';
import type { ReadApiClient } from '../../../src/client/read-client.js';
import { cells, rest, runQuery } from './rest-calls.js';

const PROJECT = 'test-project';
const VIEW_SQL = 'SELECT id, name FROM ds.people WHERE id > 1';
let emulator: Emulator;
let client: ReadApiClient;

before(async () => {
  const people = tableFromNdjson('{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n{"id":3,"name":null}', [{ name: 'id', type: 'INT64' }, { name: 'name', type: 'STRING' }]);
  emulator = await startEmulator({ tables: [{ table: `${PROJECT}.ds.people`, data: people }] });
  emulator.addView(`${PROJECT}.ds.people_view`, VIEW_SQL);
  client = emulatorClient(emulator);
});

after(async () => {
  client.close();
  await emulator.close();
});

test('tables.get calls a view a VIEW, with its query and the schema of its result', async () => {
  const { status, body } = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/people_view`);
  assert.equal(status, 200);
  assert.equal(body.type, 'VIEW');
  assert.deepEqual(body.view, { query: VIEW_SQL, useLegacySql: false });
  assert.deepEqual((body.schema as { fields: { name: string }[] }).fields.map((f) => f.name), ['id', 'name']);
});

test('a query reads through a view', async () => {
  const { status, body } = await runQuery(emulator, PROJECT, 'SELECT name FROM ds.people_view ORDER BY id DESC');
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(cells(body.rows), [[null], ['b']]);
});

test('the Read API refuses a view as the service does: INVALID_ARGUMENT, non-table entities', async () => {
  await assertGrpcError(
    client.createReadSession(sessionRequest(`projects/${PROJECT}/datasets/ds/tables/people_view`)),
    Status.INVALID_ARGUMENT,
    /non-table entities cannot be read with the storage API/,
  );
});

test('tabledata.list pages a table\'s rows and refuses a view as the service does', async () => {
  const first = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/people/data?maxResults=2`);
  assert.equal(first.status, 200);
  assert.equal(first.body.kind, 'bigquery#tableDataList');
  assert.equal(first.body.totalRows, '3');
  assert.deepEqual(cells(first.body.rows), [['1', 'a'], ['2', 'b']]);
  const second = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/people/data?pageToken=${String(first.body.pageToken)}`);
  assert.deepEqual(cells(second.body.rows), [['3', null]]);
  assert.equal(second.body.pageToken, undefined);
  const view = await rest(emulator, 'GET', `projects/${PROJECT}/datasets/ds/tables/people_view/data`);
  assert.equal(view.status, 400);
  // The body users report from the service (n8n-io/n8n#2622).
  assert.deepEqual([view.body.error!.message, view.body.error!.errors[0]!.reason], ['Cannot list a table of type VIEW.', 'invalid']);
});
