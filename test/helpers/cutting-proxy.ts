import net from 'node:net';

export interface CuttingProxy {
  readonly address: string;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Resets every connection open now, as a load balancer or a GOAWAY-less restart would. */
  cutAll(): void;
  close(): Promise<void>;
}

/** A small deterministic PRNG (mulberry32), so a failing cut pattern can be rerun with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A TCP proxy on loopback in front of `target` that resets each connection after a random number
 * of bytes from the server (between `minBytes` and `maxBytes`), at most `maxCuts` times in all;
 * after that it forwards untouched, so every read can finish.
 */
export async function startCuttingProxy(
  target: string,
  options: { seed: number; minBytes: number; maxBytes: number; maxCuts: number },
): Promise<CuttingProxy> {
  const next = random(options.seed);
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  let cuts = 0;
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(port, host);
    // Each socket is tracked until it closes itself: a client whose upstream has gone may stay
    // open (its reader may never end its side), and close() must still end it, or the server's
    // close would wait for it for ever.
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    const budget = options.minBytes + Math.floor(next() * (options.maxBytes - options.minBytes));
    let forwarded = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      forwarded += chunk.byteLength;
      if (cuts < options.maxCuts && forwarded > budget) {
        cuts++;
        // Mid-frame on purpose: the reader sees a connection reset partway through a response.
        client.write(chunk.subarray(0, chunk.byteLength >> 1));
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    get cuts() {
      return cuts;
    },
    get connections() {
      return connections;
    },
    cutAll() {
      for (const socket of sockets) socket.resetAndDestroy();
      cuts++;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
