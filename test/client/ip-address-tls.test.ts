import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { test } from 'node:test';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { ipAddressOf } from '../../src/client/ip-address-tls.js';
import { ReadApiClient } from '../../src/client/read-client.js';
import { startEmulator } from '../../src/emulator/server.js';
import { generateDemoTable } from '../../src/emulator/sources/demo.js';
import { selfSignedCert } from '../helpers/tls.js';
import { sessionRequest, tablePath } from '../helpers/read-api.js';

const TABLE = tablePath('demo');

test('an endpoint names its host by an IP address or by a name', () => {
  assert.equal(ipAddressOf('127.0.0.1:9060'), '127.0.0.1');
  assert.equal(ipAddressOf('[::1]:9060'), '::1');
  assert.equal(ipAddressOf('localhost:9060'), undefined);
  assert.equal(ipAddressOf('bigquerystorage.googleapis.com:443'), undefined);
});

test('TLS to an IP address sends no server name (RFC 6066; Node 26 refuses one, 22 and 24 warn)', async () => {
  const { key, cert } = selfSignedCert();
  const serverNames: (string | false)[] = [];
  const server = createServer({ key, cert, ALPNProtocols: ['h2'] }, (socket: TLSSocket) => {
    serverNames.push(socket.servername as string | false);
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new ReadApiClient({ endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`, tls: true, rootCertsPem: cert, auth: { kind: 'none' } });
  try {
    await assert.rejects(client.createReadSession(sessionRequest(TABLE), { deadline: Date.now() + 5000 }));
    assert.deepEqual(serverNames.slice(0, 1), [false], 'the handshake completed, with no server name');
  } finally {
    client.close();
    server.close();
  }
});

test('TLS to an IP address checks the certificate against that address; a certificate for a name alone serves only that name', async () => {
  const { key, cert } = selfSignedCert('DNS:localhost');
  const emulator = await startEmulator({ tables: [{ table: TABLE, data: generateDemoTable({ rows: 100 }) }], tls: { key, cert } });
  const byIp = new ReadApiClient({ endpoint: `127.0.0.1:${emulator.port}`, tls: true, rootCertsPem: cert, auth: { kind: 'none' } });
  const byName = new ReadApiClient({ endpoint: `localhost:${emulator.port}`, tls: true, rootCertsPem: cert, auth: { kind: 'none' } });
  try {
    await assert.rejects(byIp.createReadSession(sessionRequest(TABLE), { deadline: Date.now() + 5000 }), (err: ServiceError) => {
      assert.equal(err.code, Status.UNAVAILABLE);
      assert.match(err.details, /IP: 127\.0\.0\.1 is not in the cert's list/);
      return true;
    });
    const session = await byName.createReadSession(sessionRequest(TABLE));
    assert.ok(session.streams.length > 0);
  } finally {
    byIp.close();
    byName.close();
    await emulator.close();
  }
});
