import type net from 'node:net';

/**
 * Binds `server` (the gRPC listener, the REST server) to `host:port` and says where it listens:
 * the port (a free one when 0 was asked for), the address, and the host as it is written before
 * a port (an IPv6 address in brackets). A bind that fails (the port taken) rejects.
 */
export async function listenOn(server: net.Server, port: number, host: string): Promise<{ address: string; host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return { address: bound.address, host: bound.family === 'IPv6' ? `[${bound.address}]` : bound.address, port: bound.port };
}
