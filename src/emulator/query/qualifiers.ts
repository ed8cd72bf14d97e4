// Columns named through the table (`t.id` with `FROM ds.t` or `FROM ds.people AS t`): the
// qualifier is dropped before the engine, which knows only the table's columns, resolves names.
import type { Schema } from 'apache-arrow';
import type { Expr } from '../row-restriction/ast.js';
import type { SelectStatement } from './ast.js';

/**
 * The statement with `alias.` taken off the column paths that start with it, unless the table has a
 * column of that name (then `alias.x` is that column's field x, as written).
 */
export function withoutQualifier(statement: SelectStatement, alias: string, schema: Schema): SelectStatement {
  const key = alias.toLowerCase();
  if (schema.fields.some((field) => field.name.toLowerCase() === key)) return statement;
  const strip = (expr: Expr): Expr => mapColumns(expr, (path) => (path.length > 1 && path[0]!.toLowerCase() === key ? path.slice(1) : path));
  return {
    ...statement,
    items: statement.items.map((item) => (item.kind === 'expr' ? { ...item, expr: strip(item.expr) } : item)),
    where: statement.where && strip(statement.where),
    orderBy: statement.orderBy.map((order) => ({ ...order, expr: strip(order.expr) })),
  };
}

function mapColumns(expr: Expr, map: (path: readonly string[]) => readonly string[]): Expr {
  const m = (inner: Expr) => mapColumns(inner, map);
  switch (expr.kind) {
    case 'column': return { ...expr, path: map(expr.path) };
    case 'literal':
    case 'parameter': return expr;
    case 'cast':
    case 'not':
    case 'isNull':
    case 'isBool': return { ...expr, operand: m(expr.operand) };
    case 'compare':
    case 'and':
    case 'or': return { ...expr, left: m(expr.left), right: m(expr.right) };
    case 'in': return { ...expr, operand: m(expr.operand), list: expr.list.map(m) };
    case 'between': return { ...expr, operand: m(expr.operand), low: m(expr.low), high: m(expr.high) };
    case 'like': return { ...expr, operand: m(expr.operand), pattern: m(expr.pattern) };
  }
}
