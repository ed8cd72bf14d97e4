// What a set of part files holds, written last (under a temporary name, then renamed), so that a
// directory with a manifest is a complete export and one without is not.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartFormat } from './part-messages.js';

export const MANIFEST_FILE = 'manifest.json';

export interface PartFile {
  /** The file's name within the directory. */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** SHA-256 of the file, hex, taken as it was written. */
  readonly sha256: string;
}

export interface PartsManifest {
  readonly format: PartFormat;
  readonly rows: number;
  readonly bytes: number;
  readonly files: readonly PartFile[];
}

/** The names of one export's files in its directory. */
export interface PartNaming {
  /** The name of the export's `index`-th part (from 0, in the order the parts are started). */
  readonly part: (index: number) => string;
  /** The manifest's name. */
  readonly manifest: string;
  /** Whether a file in the directory is one of this export's (a part or the manifest, of any try). */
  readonly owns: (name: string) => boolean;
}

/** `part-00000.parquet`, ...: the names Spark and BigQuery's extract give their parts. */
export function partFileName(index: number, extension: string): string {
  return `part-${String(index).padStart(5, '0')}.${extension}`;
}

/** The extension of a part file's name. */
export const PART_EXTENSIONS: Readonly<Record<PartFormat, string>> = { parquet: 'parquet', arrow: 'arrow' };

/** `part-<first>.parquet` (or `.arrow`), `part-<first + 1>.parquet`, ... and `manifest.json`. */
export function numberedParts(format: PartFormat, first = 0): PartNaming {
  return {
    part: (index) => partFileName(first + index, PART_EXTENSIONS[format]),
    manifest: MANIFEST_FILE,
    owns: (name) => name.startsWith('part-') || name === MANIFEST_FILE,
  };
}

/** The manifest from the parts written. */
export function partsManifest(format: PartFormat, files: readonly PartFile[]): PartsManifest {
  return {
    format,
    rows: files.reduce((n, f) => n + f.rows, 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    files,
  };
}

/** Writes `content` as `dir/name`, under a temporary name renamed into place (a reader never sees half of one). */
export async function writeManifest(dir: string, name: string, content: object): Promise<string> {
  const path = join(dir, name);
  const temp = join(dir, `.${name}.${process.pid}.partial`);
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`);
  await rename(temp, path);
  return path;
}
