import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/, the built tree the graphs are walked in (dist/test/helpers -> dist/). */
export const DIST = fileURLToPath(new URL('../../', import.meta.url));

// Static imports and re-exports, what loads with a module; a dynamic import() is a module loaded
// on some paths only, or later.
const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * bqread's own modules that loading `roots` (paths under dist/) loads, by path under dist/, and the
 * packages they name: as they load, or on any path when `dynamic`.
 */
export function importGraph(roots: string[], { dynamic }: { dynamic: boolean }): { modules: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const imports = [...source.matchAll(STATIC_IMPORT), ...(dynamic ? source.matchAll(DYNAMIC_IMPORT) : [])];
    for (const [, specifier] of imports) {
      if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!));
      else if (!specifier!.startsWith('node:')) packages.add(specifier!);
    }
  };
  roots.map((root) => path.join(DIST, root)).forEach(visit);
  return { modules: [...seen].map((file) => path.relative(DIST, file)), packages };
}
