import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCuttingProxy } from './cutting-proxy.js';

test('the cutting proxy closes even while a client holds a connection whose upstream has ended', async () => {
  // An upstream that ends every connection at once, as a server going away does.
  const upstream = net.createServer((socket) => socket.end());
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const proxy = await startCuttingProxy(`127.0.0.1:${(upstream.address() as net.AddressInfo).port}`, { seed: 1, minBytes: 1, maxBytes: 2, maxCuts: 0 });
  const [host, port] = proxy.address.split(':');
  // The client sees the end but never ends its own side (a reader whose thread was killed mid-call can leave one so).
  const client = net.connect({ port: Number(port), host, allowHalfOpen: true });
  client.on('error', () => undefined);
  await once(client, 'end');
  try {
    const closed = await Promise.race([proxy.close().then(() => true), sleep(5_000, false)]);
    assert.equal(closed, true, 'proxy.close() resolved');
  } finally {
    client.destroy();
    upstream.close();
  }
});
