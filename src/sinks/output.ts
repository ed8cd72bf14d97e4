// Where a sink's bytes go: a file written under a temporary name and renamed into place only once
// complete (a failed read never leaves a truncated file that looks whole), or a caller's Writable.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

export class SinkOutputError extends Error {
  override name = 'SinkOutputError';
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

export interface Output {
  readonly stream: Writable;
  /** Whether the pipeline ends `stream` when the data ends. */
  readonly end: boolean;
  /** After the data is written and `stream` finished: put the file in place. */
  commit(): Promise<void>;
  /** After a failure: remove the partial file. */
  discard(): Promise<void>;
}

/** Opens `path`'s temporary sibling now, so an unwritable path fails before any reading starts. */
export async function openFileOutput(path: string): Promise<Output> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.partial`);
  const stream = createWriteStream(temp, { flags: 'wx' });
  try {
    await once(stream, 'open');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new SinkOutputError(`cannot write ${path}: ${why}`, path, { cause: err });
  }
  return {
    stream,
    end: true,
    async commit() {
      if (!stream.closed) await once(stream, 'close');
      await rename(temp, path).catch((err: NodeJS.ErrnoException) => {
        throw new SinkOutputError(`cannot write ${path}: ${err.code ?? err.message}`, path, { cause: err });
      });
    },
    async discard() {
      // The pipeline has destroyed the stream with the failure, which it reports again as an
      // 'error' event: wait for the descriptor to close whatever it says, then remove the file.
      stream.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      stream.destroy();
      if (!stream.closed) await closed;
      await rm(temp, { force: true });
    },
  };
}

/** A caller's stream (stdout, a socket, an upload): ended afterwards unless `end` is false. */
export function writableOutput(stream: Writable, end = true): Output {
  return {
    stream,
    end,
    async commit() {
      // Without ending it, wait until what was written has been handed to the stream's target.
      if (!end && stream.writableNeedDrain) await once(stream, 'drain');
    },
    async discard() {},
  };
}
