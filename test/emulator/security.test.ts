import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { ReadApiClient } from '../../src/client/read-client.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { formatRoutingHeader, ROUTING_HEADER } from '../../src/protocol/routing.js';
import { canonicalRows } from '../helpers/canonical.js';
import { selfSignedCert } from '../helpers/tls.js';
import {
  assertGrpcError, decodeChunks, metadataOf, RawReadClient, readRows, sessionRequest, tablePath,
} from '../helpers/read-api.js';

const TABLE = tablePath('demo');
const source = generateDemoTable({ rows: 600, seed: 3, batchRows: 300 });
const sourceRows = canonicalRows(source);
const tables = [{ table: TABLE, data: source }];

const routing = (params: Record<string, string>) => ({ [ROUTING_HEADER]: formatRoutingHeader(params) });
const tableRouting = routing({ 'read_session.table': TABLE });

let strict: Emulator;
let raw: RawReadClient;

before(async () => {
  // No minimum storage block: a test reads one stream's rows with another stream's routing header.
  strict = await startEmulator({ tables, storageBlockBytes: 0 });
  raw = new RawReadClient(strict.address);
});

after(async () => {
  raw.close();
  await strict.close();
});

test('a call with the right routing header goes through', async () => {
  const session = await raw.createReadSession(sessionRequest(TABLE), metadataOf(tableRouting));
  const name: string = session.streams[0]!.name;
  const read = await raw.readRows(name, 0, metadataOf(routing({ read_stream: name })));
  assert.equal(read.error, undefined);
  assert.deepEqual(canonicalRows(decodeChunks(session.arrowSchema!.serializedSchema, read.chunks)), sourceRows);
  const split = await raw.splitReadStream({ name, fraction: 0.5 }, metadataOf(routing({ name })));
  assert.deepEqual(Object.keys(split).sort(), ['primaryStream', 'remainderStream']);
});

test('a call without x-goog-request-params is INVALID_ARGUMENT naming the header', async () => {
  await assertGrpcError(
    raw.createReadSession(sessionRequest(TABLE), metadataOf({})),
    Status.INVALID_ARGUMENT,
    /Missing x-goog-request-params routing header: expected "read_session\.table=projects%2Ftest-project%2F/,
  );
  const session = await raw.createReadSession(sessionRequest(TABLE), metadataOf(tableRouting));
  const name: string = session.streams[0]!.name;
  const read = await raw.readRows(name, 0, metadataOf({}));
  assert.equal(read.error?.code, Status.INVALID_ARGUMENT);
  assert.match(read.error.details, /Missing x-goog-request-params routing header: expected "read_stream=/);
  assert.equal(read.chunks.length, 0);
  await assertGrpcError(raw.splitReadStream({ name, fraction: 0.5 }, metadataOf({})), Status.INVALID_ARGUMENT, /Missing x-goog-request-params/);
});

test('a routing header that does not match the request is INVALID_ARGUMENT', async () => {
  await assertGrpcError(
    raw.createReadSession(sessionRequest(TABLE), metadataOf(routing({ 'read_session.table': tablePath('other') }))),
    Status.INVALID_ARGUMENT,
    /routing header "read_session\.table=.*other" does not match the request/,
  );
  await assertGrpcError(
    raw.createReadSession(sessionRequest(TABLE), metadataOf(routing({ read_stream: TABLE }))),
    Status.INVALID_ARGUMENT,
    /does not match the request/,
  );
  const session = await raw.createReadSession(sessionRequest(TABLE, {}, { maxStreamCount: 2 }), metadataOf(tableRouting));
  const [first, second] = session.streams as { name: string }[];
  const read = await raw.readRows(first!.name, 0, metadataOf(routing({ read_stream: second!.name })));
  assert.equal(read.error?.code, Status.INVALID_ARGUMENT);
  assert.match(read.error.details, /does not match the request/);
});

test('requireRoutingHeader: false accepts calls without the header', async () => {
  const lenient = await startEmulator({ tables, requireRoutingHeader: false });
  const lenientRaw = new RawReadClient(lenient.address);
  try {
    const session = await lenientRaw.createReadSession(sessionRequest(TABLE), metadataOf({}));
    const read = await lenientRaw.readRows(session.streams[0]!.name, 0, metadataOf({}));
    assert.equal(read.error, undefined);
    assert.deepEqual(canonicalRows(decodeChunks(session.arrowSchema!.serializedSchema, read.chunks)), sourceRows);
  } finally {
    lenientRaw.close();
    await lenient.close();
  }
});

test('requireToken: true rejects calls without a bearer token and accepts any token', async () => {
  const guarded = await startEmulator({ tables, requireToken: true });
  const guardedRaw = new RawReadClient(guarded.address);
  const withToken = new ReadApiClient({ endpoint: guarded.address, tls: false, auth: { kind: 'token', token: 'anything' } });
  try {
    await assertGrpcError(
      guardedRaw.createReadSession(sessionRequest(TABLE), metadataOf(tableRouting)),
      Status.UNAUTHENTICATED,
      /missing required authentication credential/,
    );
    await assertGrpcError(
      guardedRaw.createReadSession(sessionRequest(TABLE), metadataOf({ ...tableRouting, authorization: 'Basic dXNlcjpwdw==' })),
      Status.UNAUTHENTICATED,
      /missing required authentication credential/,
    );
    const session = await withToken.createReadSession(sessionRequest(TABLE));
    const name: string = session.streams[0]!.name;
    const unauthenticated = await guardedRaw.readRows(name, 0, metadataOf(routing({ read_stream: name })));
    assert.equal(unauthenticated.error?.code, Status.UNAUTHENTICATED);
    assert.equal(unauthenticated.chunks.length, 0);
    await assertGrpcError(guardedRaw.splitReadStream({ name, fraction: 0.5 }, metadataOf(routing({ name }))), Status.UNAUTHENTICATED, /credential/);
    assert.deepEqual(await readRows(withToken, sessionRequest(TABLE)), sourceRows);
  } finally {
    withToken.close();
    guardedRaw.close();
    await guarded.close();
  }
});

test('requireToken: "secret" rejects any other token', async () => {
  const guarded = await startEmulator({ tables, requireToken: 'secret' });
  const wrong = new ReadApiClient({ endpoint: guarded.address, tls: false, auth: { kind: 'token', token: 'guess' } });
  const right = new ReadApiClient({ endpoint: guarded.address, tls: false, auth: { kind: 'token', token: 'secret' } });
  try {
    await assertGrpcError(wrong.createReadSession(sessionRequest(TABLE)), Status.UNAUTHENTICATED, /invalid authentication credentials/);
    const session = await right.createReadSession(sessionRequest(TABLE));
    await assertGrpcError(
      new Promise((resolve, reject) => wrong.readRows(session.streams[0]!.name, 0).on('error', reject).on('end', resolve).resume()),
      Status.UNAUTHENTICATED,
      /invalid authentication credentials/,
    );
    assert.deepEqual(await readRows(right, sessionRequest(TABLE)), sourceRows);
  } finally {
    wrong.close();
    right.close();
    await guarded.close();
  }
});

test('TLS: a client trusting the certificate reads with its token; a plaintext client fails fast', async () => {
  const { key, cert } = selfSignedCert();
  const secure = await startEmulator({ tables, requireToken: 't', tls: { key, cert } });
  const endpoint = `127.0.0.1:${secure.port}`;
  const tlsClient = new ReadApiClient({ endpoint, tls: true, rootCertsPem: cert, auth: { kind: 'token', token: 't' } });
  const plaintext = new ReadApiClient({ endpoint, tls: false, auth: { kind: 'token', token: 't' } });
  try {
    assert.deepEqual(await readRows(tlsClient, sessionRequest(TABLE, {}, { maxStreamCount: 2 })), sourceRows);
    const start = performance.now();
    await assert.rejects(
      plaintext.createReadSession(sessionRequest(TABLE), { deadline: Date.now() + 5000 }),
      (err: ServiceError) => err.code === Status.UNAVAILABLE,
    );
    assert.ok(performance.now() - start < 4000, 'fails without waiting for the deadline');
  } finally {
    tlsClient.close();
    plaintext.close();
    await secure.close();
  }
});
