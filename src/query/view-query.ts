// A view read as the Spark connector reads one with viewsEnabled: the Storage Read API refuses
// views, so the view is materialized by a query of its selected columns and filter, and that
// query's result is read instead.
import { parseTableReference, type TableReference } from '../table-ref.js';

/** `SELECT columns FROM \`p.d.view\` WHERE filter`, the columns and filter a table read would have sent to the Read API. */
export function viewQuery(view: TableReference, selectedFields: readonly string[] = [], rowRestriction = ''): string {
  const { projectId, datasetId, tableId } = parseTableReference(view);
  const columns = selectedFields.length > 0 ? selectedFields.map((f) => f.split('.').map((part) => `\`${part}\``).join('.')).join(', ') : '*';
  return `SELECT ${columns} FROM \`${projectId}.${datasetId}.${tableId}\`${rowRestriction.trim() ? ` WHERE ${rowRestriction}` : ''}`;
}
