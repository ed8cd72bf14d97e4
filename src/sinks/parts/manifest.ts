// What a set of part files holds, written last (under a temporary name, then renamed), so that a
// directory with a manifest is a complete export and one without is not.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';

export interface PartFile {
  /** The file's name within the directory. */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

export interface PartsManifest {
  readonly format: 'parquet';
  readonly rows: number;
  readonly bytes: number;
  readonly files: readonly PartFile[];
}

/** `part-00000.parquet`, ...: the names Spark and BigQuery's extract give their parts. */
export function partFileName(index: number, extension: string): string {
  return `part-${String(index).padStart(5, '0')}.${extension}`;
}

export async function writeManifest(dir: string, manifest: PartsManifest): Promise<string> {
  const path = join(dir, MANIFEST_FILE);
  const temp = join(dir, `.${MANIFEST_FILE}.${process.pid}.partial`);
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  await rename(temp, path);
  return path;
}
