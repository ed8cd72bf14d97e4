import type { ConnectionConfig } from '../client/connection.js';
import { ReadApiClient } from '../client/read-client.js';

/**
 * A read's gRPC channel on the calling thread: its CreateReadSession, its SplitReadStream calls and,
 * when the calling thread reads its streams, their ReadRows go over one connection, not one each
 * (with the service, each new connection is a TLS handshake more before the call). Opened on first
 * use; released when the session was all that was asked for, closed when the read ends.
 */
export class ReadChannel {
  private opened: ReadApiClient | undefined;
  private ended = false;

  constructor(readonly connection: ConnectionConfig) {}

  client(): ReadApiClient {
    if (this.ended) throw new Error('the read is over: its channel is closed');
    return (this.opened ??= new ReadApiClient(this.connection));
  }

  /** Closes the connection for now; the next call opens another. */
  release(): void {
    this.opened?.close();
    this.opened = undefined;
  }

  /** Closes the connection for good: nothing of the read's opens another. */
  close(): void {
    this.ended = true;
    this.release();
  }
}
