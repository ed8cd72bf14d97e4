// Where a sink's bytes go: a file written under a temporary name and renamed into place only once
// complete (a failed read never leaves a truncated file that looks whole), a device or FIFO written
// in place, or a caller's Writable.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { BqReadError } from '../errors.js';

export class SinkOutputError extends BqReadError {
  override name = 'SinkOutputError';
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, { cause: options?.cause });
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

/**
 * Opens `path`'s temporary sibling now, so an unwritable path fails before any reading starts. A
 * path that exists and is no regular file (/dev/null, a FIFO, /dev/stdout) is written in place: a
 * sibling cannot be made in /dev, and renaming one over the device would replace it.
 */
export async function openFileOutput(path: string): Promise<Output> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) return openInPlace(path);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.partial`);
  const stream = await openWriteStream(temp, 'wx', path);
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
      await closeAfterFailure(stream);
      await rm(temp, { force: true });
    },
  };
}

/** A device or FIFO: what was written is gone or passed on, so there is nothing to put in place or remove. */
async function openInPlace(path: string): Promise<Output> {
  const stream = await openWriteStream(path, 'w', path);
  return {
    stream,
    end: true,
    async commit() {
      if (!stream.closed) await once(stream, 'close');
    },
    discard: () => closeAfterFailure(stream),
  };
}

async function openWriteStream(file: string, flags: string, path: string): Promise<WriteStream> {
  const stream = createWriteStream(file, { flags });
  try {
    await once(stream, 'open');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new SinkOutputError(`cannot write ${path}: ${why}`, path, { cause: err });
  }
  return stream;
}

async function closeAfterFailure(stream: WriteStream): Promise<void> {
  // The pipeline has destroyed the stream with the failure, which it reports again as an 'error'
  // event: wait for the descriptor to close whatever it says.
  stream.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  stream.destroy();
  if (!stream.closed) await closed;
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
