import { parseTablePath, tablePathProblem, type TablePath } from './protocol/names.js';
import { TableReferenceError } from './read/errors.js';

export { TableReferenceError };

/** A table as users write it: `project.dataset.table`, `project:dataset.table`, a resource path, or parts. */
export type TableReference = string | { projectId: string; datasetId: string; tableId: string };

// Project ids may contain dots only inside a domain prefix ("example.com:proj"), so the legacy
// colon form is split on the last colon and the dotted form on its first two dots after it.
export function parseTableReference(ref: TableReference): TablePath {
  if (typeof ref !== 'string') return check({ projectId: ref.projectId, datasetId: ref.datasetId, tableId: ref.tableId }, JSON.stringify(ref));
  const text = ref.trim().replace(/^`|`$/g, '');
  if (text.startsWith('projects/')) {
    const path = parseTablePath(text);
    if (!path) throw new TableReferenceError(`bad table name "${ref}": expected projects/P/datasets/D/tables/T`);
    return check(path, ref);
  }
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    const rest = text.slice(colon + 1).split('.');
    if (rest.length !== 2) throw new TableReferenceError(`bad table name "${ref}": expected project:dataset.table`);
    return check({ projectId: text.slice(0, colon), datasetId: rest[0]!, tableId: rest[1]! }, ref);
  }
  const parts = text.split('.');
  if (parts.length !== 3) {
    throw new TableReferenceError(`bad table name "${ref}": expected project.dataset.table, project:dataset.table or projects/P/datasets/D/tables/T`);
  }
  return check({ projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! }, ref);
}

function check(path: TablePath, original: string): TablePath {
  const problem = tablePathProblem(path);
  if (problem) throw new TableReferenceError(`bad table name "${original}": ${problem}`);
  return path;
}
