import type { StreamTask, StreamTaskResult } from '../../workers/stream-task.js';
import { DEFAULT_STREAMS_PER_WORKER } from './pool.js';
import type { ReadChannel } from './read-channel.js';

type Reader = typeof import('../../workers/read-stream.js');

let reader: Promise<Reader> | undefined;
const loadReader = () => (reader ??= import('../../workers/read-stream.js'));

/**
 * Reads a session's streams on the calling thread, for a session worth less than a worker thread's
 * start (parallelism.ts): the worker's own reader (workers/read-stream.ts) and port protocol
 * (credit, cancellation, tokens, batches moved by transfer), so every guarantee of a worker read
 * holds, without a thread to start or module set to load twice. It reads through the read's
 * channel, on the connection its session was created on.
 */
export class CallingThread {
  private clients: InstanceType<Reader['ReadClients']> | undefined;
  private ended = false;

  constructor(private readonly channel: ReadChannel) {}

  /**
   * Loads the reader now, for a read that runs on the calling thread whatever its session says
   * (`workers: 0`, as `bqread head` reads): while the service creates the session, not after it.
   * A failure to load surfaces where the reader is first used.
   */
  static preload(): void {
    loadReader().catch(() => undefined);
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Streams it reads at once: as many as a worker thread would. */
  get capacity(): number {
    return DEFAULT_STREAMS_PER_WORKER;
  }

  /** The task's port is its own end already: nothing moves between threads. */
  async run(task: StreamTask): Promise<StreamTaskResult> {
    if (this.ended) throw new Error('the read is over');
    const reader = await loadReader();
    return reader.readStreamWith(task, (this.clients ??= new reader.ReadClients(this.channel)));
  }

  close(): void {
    this.ended = true;
    this.clients?.close();
  }
}
