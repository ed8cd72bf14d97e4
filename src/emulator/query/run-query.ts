// Runs one query of the emulator's SQL subset against its tables and views: the rows of the
// result as an Arrow table of the Storage Read API's types, and the bytes the query read.
import * as arrow from 'apache-arrow';
import { schemaFields } from '../../arrow/child-fields.js';
import { takeRows } from '../../arrow/take.js';
import type { TablePath } from '../../protocol/names.js';
import { analyzeCondition, analyzeExpression, type AnalyzeOptions } from '../row-restriction/analyze.js';
import type { Expr } from '../row-restriction/ast.js';
import { RowRestrictionError, type SourcePosition } from '../row-restriction/errors.js';
import { compilePredicate, filterRows } from '../row-restriction/evaluate.js';
import { isScalar, sqlTypeOfField, typeName } from '../row-restriction/types.js';
import type { Count, SelectItem, SelectStatement } from './ast.js';
import { concatBatches } from './concat.js';
import { constantColumn } from './constants.js';
import { QueryError } from './errors.js';
import { sortedRows, type SortKey } from './order.js';
import { columnOutput, conditionOutput, constantOutput, type OutputColumn } from './output-columns.js';
import type { QueryParameters } from './parameters.js';
import { parseQuery, QUERY_DIALECT } from './parser.js';
import { withoutQualifier } from './qualifiers.js';

/** What a query's FROM names: a table's rows, or a logical view's SQL. */
export type QuerySource = { readonly kind: 'table'; readonly table: arrow.Table } | { readonly kind: 'view'; readonly sql: string };

export interface QueryContext {
  /** The project of a `dataset.table` name: the job's. */
  readonly defaultProject: string;
  /** The dataset of a bare `table` name (the request's defaultDataset), if any. */
  readonly defaultDataset?: { readonly projectId: string; readonly datasetId: string };
  /** Named in "was not found in location ..." messages. */
  readonly location: string;
  readonly parameters: QueryParameters;
  lookup(path: TablePath): QuerySource | undefined;
}

export interface QueryResult {
  readonly table: arrow.Table;
  /** The Arrow bytes of the columns the query read, over the rows it read (a view's included). */
  readonly bytesProcessed: number;
}

/** Views within views, at most this deep (BigQuery's limit on nested views is 16). */
const MAX_VIEW_DEPTH = 16;

export function runQuery(sql: string, context: QueryContext, depth = 0): QueryResult {
  const statement = parseQuery(sql);
  try {
    return new QueryRun(statement, context, depth).run();
  } catch (error) {
    if (error instanceof RowRestrictionError) throw new QueryError(error.detail, 'invalidQuery', error.position);
    throw error;
  }
}

interface Source {
  readonly schema: arrow.Schema;
  readonly batches: readonly arrow.RecordBatch[];
  /** Called once every clause is analyzed: a table's bytes depend on the columns the query read. */
  readonly bytesProcessed: () => number;
}

class QueryRun {
  private readonly options: AnalyzeOptions;
  /** Top-level columns of the source that some clause reads (all that `*` expands to), for totalBytesProcessed. */
  private readonly used = new Set<string>();

  constructor(private statement: SelectStatement, private readonly context: QueryContext, private readonly depth: number) {
    this.options = { subject: QUERY_DIALECT.subject, parameter: (ref) => context.parameters.value(ref) };
  }

  run(): QueryResult {
    // The source first: it takes the table's qualifier off the statement's column names.
    const source = this.source();
    const { statement } = this;
    const outputs = this.outputs(source.schema);
    const names = new Set<string>();
    for (const output of outputs) {
      const key = output.field.name.toLowerCase();
      if (names.has(key)) throw new QueryError(`Duplicate column names in the result are not supported. Found duplicate(s): ${output.field.name}`, 'invalidQuery');
      names.add(key);
    }
    const keys = statement.orderBy.map((key) => ({ ...key, column: this.orderColumn(key.expr, outputs, source.schema) }));
    const hidden = keys.filter((key) => !outputs.includes(key.column)).map((key) => key.column);
    const columns = [...outputs, ...hidden];
    const filter = statement.where && compilePredicate(this.reads(analyzeCondition(statement.where, source.schema, 'WHERE clause', this.options)).predicate);
    const schema = new arrow.Schema(columns.map((c) => c.field));
    const batches: arrow.RecordBatch[] = [];
    for (const batch of source.batches) {
      const rows = filter ? filterRows(filter, batch) : undefined;
      if (rows?.length === 0) continue;
      const length = rows?.length ?? batch.numRows;
      const children = columns.map((c) => c.values(batch, rows));
      batches.push(new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children })));
    }
    let result = batches;
    if (keys.length > 0 && batches.length > 0) {
      const all = concatBatches(schema, batches);
      const sortKeys: SortKey[] = keys.map((key) => ({
        data: all.data.children[columns.indexOf(key.column)]!,
        descending: key.descending,
        nullsFirst: key.nullsFirst ?? !key.descending,
      }));
      result = [takeRows(all, sortedRows(all.numRows, sortKeys))];
    }
    result = limitRows(result, this.count(statement.offset, 'OFFSET') ?? 0n, this.count(statement.limit, 'LIMIT'));
    const outputSchema = new arrow.Schema(outputs.map((c) => c.field));
    const visible = result.map((batch) => new arrow.RecordBatch(outputSchema, arrow.makeData({
      type: new arrow.Struct(outputSchema.fields), length: batch.numRows, nullCount: 0, children: batch.data.children.slice(0, outputs.length),
    })));
    return { table: new arrow.Table(outputSchema, visible), bytesProcessed: source.bytesProcessed() };
  }

  private source(): Source {
    const from = this.statement.from;
    if (!from) {
      // SELECT without FROM: one row of no columns.
      const schema = new arrow.Schema([]);
      const row = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct([]), length: 1, nullCount: 0, children: [] }));
      return { schema, batches: [row], bytesProcessed: () => 0 };
    }
    const path = this.tablePath(from.path, from.position);
    const found = this.context.lookup(path);
    const shown = `${path.projectId}:${path.datasetId}.${path.tableId}`;
    if (!found) throw new QueryError(`Not found: Table ${shown} was not found in location ${this.context.location.toUpperCase()}`, 'notFound', from.position);
    if (found.kind === 'view') {
      if (this.depth >= MAX_VIEW_DEPTH) throw new QueryError(`View ${shown} nests views more than ${MAX_VIEW_DEPTH} deep`, 'invalidQuery', from.position);
      const inner = runQuery(found.sql, { ...this.context, defaultProject: path.projectId, defaultDataset: undefined }, this.depth + 1);
      this.statement = withoutQualifier(this.statement, from.alias, inner.table.schema);
      return { schema: inner.table.schema, batches: inner.table.batches, bytesProcessed: () => inner.bytesProcessed };
    }
    const table = found.table;
    this.statement = withoutQualifier(this.statement, from.alias, table.schema);
    const bytesProcessed = () => {
      let bytes = 0;
      for (const batch of table.batches) {
        for (const [i, field] of table.schema.fields.entries()) if (this.used.has(field.name)) bytes += dataBytes(batch.data.children[i]!);
      }
      return bytes;
    };
    return { schema: table.schema, batches: table.batches, bytesProcessed };
  }

  /** `analyzed`, its columns noted as read. */
  private reads<T extends { readonly referencedColumns: readonly string[] }>(analyzed: T): T {
    for (const name of analyzed.referencedColumns) this.used.add(name);
    return analyzed;
  }

  /** A LIMIT or OFFSET count, reading a parameter's value (a non-negative INT64). */
  private count(count: Count | undefined, clause: string): bigint | undefined {
    if (count?.kind !== 'parameter') return count?.value;
    let found: ReturnType<QueryParameters['value']>;
    try {
      found = this.context.parameters.value(count.parameter);
    } catch (error) {
      if (error instanceof RowRestrictionError) throw new QueryError(error.detail, 'invalidQuery', count.position);
      throw error;
    }
    const name = count.parameter.mode === 'named' ? `'${count.parameter.name}'` : `number ${count.parameter.index + 1}`;
    if (!found) throw new QueryError(`Query parameter ${name} not found`, 'invalidQuery', count.position);
    if (found.type.kind !== 'INT64') throw new QueryError(`${clause} expects an integer literal or parameter`, 'invalidQuery', count.position);
    if (found.value === null || (found.value as bigint) < 0n) {
      throw new QueryError(`${clause} expects a non-negative integer, got ${found.value === null ? 'NULL' : String(found.value)}`, 'invalidQuery', count.position);
    }
    return found.value as bigint;
  }

  private tablePath(parts: readonly string[], position: SourcePosition): TablePath {
    if (parts.length === 3) return { projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! };
    if (parts.length === 2) return { projectId: this.context.defaultProject, datasetId: parts[0]!, tableId: parts[1]! };
    const dataset = this.context.defaultDataset;
    if (parts.length === 1 && dataset) return { projectId: dataset.projectId, datasetId: dataset.datasetId, tableId: parts[0]! };
    if (parts.length === 1) {
      throw new QueryError(`Table "${parts[0]}" must be qualified with a dataset (e.g. dataset.table).`, 'invalidQuery', position);
    }
    throw new QueryError(`Invalid table name: ${parts.join('.')}`, 'invalidQuery', position);
  }

  private outputs(schema: arrow.Schema): OutputColumn[] {
    let anonymous = 0;
    return this.statement.items.flatMap((item) => {
      if (item.kind === 'star') return this.star(item, schema);
      const implicit = item.expr.kind === 'column' ? item.expr.path[item.expr.path.length - 1]! : undefined;
      const name = item.alias ?? implicit ?? `f${anonymous++}_`;
      return [this.expressionOutput(name, item.expr, schema)];
    });
  }

  private star(item: Extract<SelectItem, { kind: 'star' }>, schema: arrow.Schema): OutputColumn[] {
    const from = this.statement.from;
    if (!from) throw new QueryError('SELECT * must have a FROM clause', 'invalidQuery', item.position);
    if (item.qualifier && item.qualifier.name.toLowerCase() !== from.alias.toLowerCase()) {
      throw new QueryError(`Unrecognized name: ${item.qualifier.name}`, 'invalidQuery', item.qualifier.position);
    }
    const except = new Map(item.except.map((e) => [e.name.toLowerCase(), e]));
    for (const [key, named] of except) {
      if (!schema.fields.some((field) => field.name.toLowerCase() === key)) {
        throw new QueryError(`Column ${named.name} in SELECT * EXCEPT list does not exist`, 'invalidQuery', named.position);
      }
    }
    const outputs = schemaFields(schema).flatMap((field, index) => {
      if (except.has(field.name.toLowerCase())) return [];
      this.used.add(field.name);
      return [columnOutput(field.name, { indices: [index], names: [field.name], type: sqlTypeOfField(field), arrowType: field.type }, schema)];
    });
    if (outputs.length === 0) throw new QueryError('SELECT * expands to zero columns after applying EXCEPT', 'invalidQuery', item.position);
    return outputs;
  }

  private expressionOutput(name: string, expr: Expr, schema: arrow.Schema): OutputColumn {
    if (expr.kind === 'parameter') {
      // Any type (ARRAY, STRUCT, RANGE, INTERVAL too) is selectable as it came.
      const column = this.context.parameters.column(expr.parameter);
      if (column) return constantOutput(column.field.clone({ name }), column.data);
    }
    const analyzed = this.reads(analyzeExpression(expr, schema, this.options));
    const value = analyzed.value;
    switch (value.node) {
      case 'column': return columnOutput(name, value.column, schema);
      case 'predicate': return conditionOutput(name, value.predicate);
      case 'constant': {
        if (!isScalar(analyzed.type)) throw new QueryError(`A constant of type ${typeName(analyzed.type)} is not supported by the bqread emulator's SQL subset`, 'invalidQuery', expr.position);
        const constant = constantColumn(name, analyzed.type.kind, value.value);
        return constantOutput(constant.field, constant.data);
      }
    }
  }

  /** An ORDER BY key: a SELECT alias, a SELECT position (ORDER BY 2), or an expression of the table's columns. */
  private orderColumn(expr: Expr, outputs: readonly OutputColumn[], schema: arrow.Schema): OutputColumn {
    if (expr.kind === 'literal' && expr.literal.kind === 'integer') {
      const n = Number(expr.literal.value);
      if (n < 1 || n > outputs.length) throw new QueryError(`ORDER BY is out of SELECT column number range: ${n}`, 'invalidQuery', expr.position);
      return this.orderable(outputs[n - 1]!, expr.position);
    }
    if (expr.kind === 'column' && expr.path.length === 1) {
      const alias = outputs.find((o) => o.field.name.toLowerCase() === expr.path[0]!.toLowerCase());
      if (alias) return this.orderable(alias, expr.position);
    }
    return this.orderable(this.expressionOutput('_order', expr, schema), expr.position);
  }

  private orderable(column: OutputColumn, position: SourcePosition): OutputColumn {
    const type = sqlTypeOfField(column.field);
    if (!isScalar(type) || type.kind === 'GEOGRAPHY' || type.kind === 'JSON') {
      const shown = type.kind === 'UNSUPPORTED' ? type.arrowType : typeName(type);
      throw new QueryError(`ORDER BY does not support expressions of type ${shown}`, 'invalidQuery', position);
    }
    return column;
  }
}

/** Rows OFFSET .. OFFSET + LIMIT of the batches, in order. */
function limitRows(batches: readonly arrow.RecordBatch[], offset: bigint, limit: bigint | undefined): arrow.RecordBatch[] {
  if (offset === 0n && limit === undefined) return [...batches];
  let skip = Number(offset);
  let left = limit === undefined ? Infinity : Number(limit);
  const kept: arrow.RecordBatch[] = [];
  for (const batch of batches) {
    if (left <= 0) break;
    if (skip >= batch.numRows) {
      skip -= batch.numRows;
      continue;
    }
    const end = Math.min(batch.numRows, skip + left);
    kept.push(skip === 0 && end === batch.numRows ? batch : batch.slice(skip, end));
    left -= end - skip;
    skip = 0;
  }
  return kept;
}

/** Bytes of a column's buffers over its rows (a slice counts only its share of a shared buffer). */
function dataBytes(data: arrow.Data): number {
  if (data.length === 0) return 0;
  let bytes = data.nullCount > 0 ? Math.ceil(data.length / 8) : 0;
  const type = data.type;
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    bytes += offsets[data.length]! - offsets[0]! + 4 * data.length;
  } else if (arrow.DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const child = data.children[0]!;
    bytes += 4 * data.length + dataBytes(child.slice(offsets[0]!, offsets[data.length]! - offsets[0]!));
  } else if (arrow.DataType.isStruct(type)) {
    for (const child of data.children) bytes += dataBytes(child);
  } else if (arrow.DataType.isBool(type)) {
    bytes += Math.ceil(data.length / 8);
  } else {
    bytes += (data.values as Uint8Array).BYTES_PER_ELEMENT * data.stride * data.length;
  }
  return bytes;
}
