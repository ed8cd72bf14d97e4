import type { DataType, Field, Schema } from 'apache-arrow';
import { childFields } from '../../arrow/child-fields.js';
import type { Expr, Literal, ParameterRef } from './ast.js';
import { comparisonType, type UntypedLiteral } from './coercion.js';
import { RowRestrictionError, type SourcePosition } from './errors.js';
import type { ColumnRef, Predicate, ValueExpr } from './ir.js';
import { compileLikePattern } from './like.js';
import { ROW_RESTRICTION_DIALECT } from './parser.js';
import {
  isScalar, scalarType, sqlTypeOfField, typeName, type ScalarType, type ScalarTypeName, type SqlType,
} from './types.js';
import { castSupport, castValue, type SqlValue } from './values.js';

export interface AnalyzedRestriction {
  readonly predicate: Predicate;
  /** Top-level schema column names the restriction reads, in order of first use. */
  readonly referencedColumns: readonly string[];
}

/** Resolves names against the schema and type-checks the restriction as BigQuery would. */
export function analyzeRowRestriction(expr: Expr, schema: Schema): AnalyzedRestriction {
  return analyzeCondition(expr, schema, 'Row restriction', { subject: ROW_RESTRICTION_DIALECT.subject });
}

/** A query parameter's value as the engine holds it (the value of a scalar type, null for NULL). */
export interface ParameterValue {
  readonly type: SqlType;
  readonly value: SqlValue | null;
}

export interface AnalyzeOptions {
  /** Ends "... is not supported in X" messages. */
  readonly subject: string;
  /**
   * The value of each query parameter, undefined for one the query was not given; throws
   * RowRestrictionError (no position: the use's is added) for one that cannot be used here.
   */
  readonly parameter?: (ref: ParameterRef) => ParameterValue | undefined;
}

/** A type-checked expression: a column, a constant or a condition. */
export interface AnalyzedValue {
  readonly type: SqlType;
  readonly value: ValueExpr;
  /** Top-level schema column names it reads, in order of first use. */
  readonly referencedColumns: readonly string[];
}

/** A condition (`clause` names it in the type error: "WHERE clause", "Row restriction"), type-checked. */
export function analyzeCondition(expr: Expr, schema: Schema, clause: string, options: AnalyzeOptions): AnalyzedRestriction {
  const analyzer = new Analyzer(schema, options);
  const root = analyzer.operand(expr);
  if (root.type.kind !== 'BOOL' && root.literal !== 'null') {
    throw new RowRestrictionError(`${clause} should return type BOOL, but returns ${typeName(root.type)}`, expr.position);
  }
  return { predicate: asPredicate(root), referencedColumns: [...analyzer.referencedColumns] };
}

/** Resolves and type-checks one expression (a SELECT item, an ORDER BY key). */
export function analyzeExpression(expr: Expr, schema: Schema, options: AnalyzeOptions): AnalyzedValue {
  const analyzer = new Analyzer(schema, options);
  const operand = analyzer.operand(expr);
  return { type: operand.type, value: operand.expr, referencedColumns: [...analyzer.referencedColumns] };
}

/** Expressions that are conditions (comparisons, AND, IS NULL, ...) rather than values. */
type PredicateExpr = Exclude<Expr, { kind: 'literal' | 'column' | 'cast' | 'parameter' }>;

/** A type-checked operand before it is coerced to a comparison's common type. */
interface Operand {
  readonly type: SqlType;
  readonly expr: ValueExpr;
  readonly literal: UntypedLiteral | undefined;
  /** How a constant is shown in "Could not cast literal ..." messages. */
  readonly display: string;
  readonly position: SourcePosition;
}

const CAST_TYPE_NAMES: Readonly<Record<string, ScalarTypeName>> = {
  INT64: 'INT64', INT: 'INT64', INTEGER: 'INT64', BIGINT: 'INT64', SMALLINT: 'INT64', TINYINT: 'INT64', BYTEINT: 'INT64',
  FLOAT64: 'FLOAT64', NUMERIC: 'NUMERIC', DECIMAL: 'NUMERIC', BIGNUMERIC: 'BIGNUMERIC', BIGDECIMAL: 'BIGNUMERIC',
  BOOL: 'BOOL', BOOLEAN: 'BOOL', STRING: 'STRING', BYTES: 'BYTES',
  DATE: 'DATE', DATETIME: 'DATETIME', TIMESTAMP: 'TIMESTAMP', TIME: 'TIME',
};
const NON_CASTABLE_TYPE_NAMES = new Set(['GEOGRAPHY', 'JSON', 'ARRAY', 'STRUCT', 'INTERVAL', 'RANGE']);

const constant = (type: SqlType, value: SqlValue | null): ValueExpr => ({ node: 'constant', type, value });

function asPredicate(operand: { readonly expr: ValueExpr }): Predicate {
  const expr = operand.expr;
  switch (expr.node) {
    case 'predicate': return expr.predicate;
    case 'column': return { node: 'column', column: expr.column };
    case 'constant': return { node: 'constant', value: expr.value as boolean | null };
  }
}

const negate = (predicate: Predicate, negated: boolean): Predicate =>
  negated ? { node: 'not', operand: predicate } : predicate;

/** Schema field lookup: exact name first, then case-insensitively, as BigQuery names are. */
function findField(names: readonly string[], name: string): number {
  const exact = names.indexOf(name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  return names.findIndex((candidate) => candidate.toLowerCase() === lower);
}

class Analyzer {
  readonly referencedColumns = new Set<string>();

  constructor(private readonly schema: Schema, private readonly options: AnalyzeOptions) {}

  operand(expr: Expr): Operand {
    switch (expr.kind) {
      case 'literal': return this.literal(expr.literal, expr.position);
      case 'column': return this.column(expr.path, expr.position);
      case 'cast': return this.cast(expr.operand, expr.targetType, expr.position);
      case 'parameter': return this.parameter(expr.parameter, expr.position);
      default: return this.boolOperand(this.predicate(expr), expr.position);
    }
  }

  private boolOperand(predicate: Predicate, position: SourcePosition): Operand {
    return { type: scalarType('BOOL'), expr: { node: 'predicate', predicate }, literal: undefined, display: 'BOOL', position };
  }

  private predicate(expr: PredicateExpr): Predicate {
    switch (expr.kind) {
      case 'compare': {
        const operands = [this.operand(expr.left), this.operand(expr.right)];
        const type = this.commonType(expr.op, operands, expr.op !== '=' && expr.op !== '!=', expr.position);
        const [left, right] = operands.map((operand) => this.coerce(operand, type)) as [ValueExpr, ValueExpr];
        return { node: 'compare', op: expr.op, type: type.kind, left, right };
      }
      case 'and':
      case 'or': {
        const operands = [this.operand(expr.left), this.operand(expr.right)];
        this.requireBool(expr.kind.toUpperCase(), operands, expr.position);
        return { node: expr.kind, left: asPredicate(operands[0]!), right: asPredicate(operands[1]!) };
      }
      case 'not': {
        const operand = this.operand(expr.operand);
        this.requireBool('NOT', [operand], expr.position);
        return { node: 'not', operand: asPredicate(operand) };
      }
      case 'in': {
        const operands = [this.operand(expr.operand), ...expr.list.map((item) => this.operand(item))];
        const type = this.commonType(expr.negated ? 'NOT IN' : 'IN', operands, false, expr.position);
        const [operand, ...list] = operands.map((item) => this.coerce(item, type)) as [ValueExpr, ...ValueExpr[]];
        return negate({ node: 'in', type: type.kind, operand, list }, expr.negated);
      }
      case 'between': {
        const operands = [this.operand(expr.operand), this.operand(expr.low), this.operand(expr.high)];
        const type = this.commonType(expr.negated ? 'NOT BETWEEN' : 'BETWEEN', operands, true, expr.position);
        const [operand, low, high] = operands.map((item) => this.coerce(item, type)) as [ValueExpr, ValueExpr, ValueExpr];
        return negate({
          node: 'and',
          left: { node: 'compare', op: '>=', type: type.kind, left: operand, right: low },
          right: { node: 'compare', op: '<=', type: type.kind, left: operand, right: high },
        }, expr.negated);
      }
      case 'like': return negate(this.like(expr.operand, expr.pattern, expr.negated, expr.position), expr.negated);
      case 'isNull': return negate({ node: 'isNull', operand: this.operand(expr.operand).expr }, expr.negated);
      case 'isBool': {
        const operand = this.operand(expr.operand);
        const name = `IS ${expr.negated ? 'NOT ' : ''}${expr.value ? 'TRUE' : 'FALSE'}`;
        this.requireBool(name, [operand], expr.position);
        return negate({ node: 'is', operand: asPredicate(operand), value: expr.value }, expr.negated);
      }
    }
  }

  private literal(literal: Literal, position: SourcePosition): Operand {
    const typed = (kind: ScalarTypeName, value: SqlValue | null, untyped: UntypedLiteral | undefined, display: string): Operand =>
      ({ type: scalarType(kind), expr: constant(scalarType(kind), value), literal: untyped, display, position });
    switch (literal.kind) {
      case 'integer': return typed('INT64', literal.value, 'integer', literal.text);
      case 'float': return typed('FLOAT64', literal.value, 'float', literal.text);
      case 'string': return typed('STRING', literal.value, 'string', JSON.stringify(literal.value));
      case 'bytes': return typed('BYTES', literal.value, undefined, 'BYTES value');
      case 'bool': return typed('BOOL', literal.value, undefined, String(literal.value).toUpperCase());
      case 'null': return typed('INT64', null, 'null', 'NULL');
      case 'typed': {
        // a typed literal reads its text exactly as CAST('...' AS type) would
        const value = castValue(literal.value, 'STRING', literal.type);
        if (value === undefined) {
          throw new RowRestrictionError(`Invalid ${literal.type} literal: ${JSON.stringify(literal.value)}`, position);
        }
        return typed(literal.type, value, undefined, `${literal.type} ${JSON.stringify(literal.value)}`);
      }
    }
  }

  private parameter(ref: ParameterRef, position: SourcePosition): Operand {
    const name = ref.mode === 'named' ? `@${ref.name}` : `?${ref.index + 1}`;
    let found: ParameterValue | undefined;
    try {
      found = this.options.parameter?.(ref);
    } catch (error) {
      // A lookup knows what is wrong with the value, the analyzer where it is used.
      if (error instanceof RowRestrictionError && !error.position) throw new RowRestrictionError(error.detail, position);
      throw error;
    }
    if (!found) {
      throw new RowRestrictionError(ref.mode === 'named'
        ? `Query parameter '${ref.name}' not found`
        : `Query parameter number ${ref.index + 1} is not defined`, position);
    }
    return { type: found.type, expr: constant(found.type, found.value), literal: undefined, display: name, position };
  }

  private column(path: readonly string[], position: SourcePosition): Operand {
    const fields: readonly Field<DataType>[] = this.schema.fields;
    const top = findField(fields.map((field) => field.name), path[0]!);
    if (top < 0) throw new RowRestrictionError(`Unrecognized name: ${path[0]}`, position);
    const topField = fields[top]!;
    this.referencedColumns.add(topField.name);
    const indices = [top];
    const names = [topField.name];
    let field = topField;
    let type = sqlTypeOfField(field);
    for (const name of path.slice(1)) {
      if (type.kind !== 'STRUCT') {
        throw new RowRestrictionError(`Cannot access field ${name} on a value with type ${typeName(type)}`, position);
      }
      const index = findField(type.fields.map((child) => child.name), name);
      if (index < 0) throw new RowRestrictionError(`Field name ${name} does not exist in ${typeName(type)}`, position);
      field = childFields(field.type)[index]!;
      indices.push(index);
      names.push(field.name);
      type = type.fields[index]!.type;
    }
    const column: ColumnRef = { indices, names, type, arrowType: field.type };
    return { type, expr: { node: 'column', column }, literal: undefined, display: names.join('.'), position };
  }

  private cast(inner: Expr, targetName: string, position: SourcePosition): Operand {
    const source = this.operand(inner);
    const target = CAST_TYPE_NAMES[targetName];
    if (!target) {
      const message = NON_CASTABLE_TYPE_NAMES.has(targetName)
        ? `CAST to ${targetName} is not supported in ${this.options.subject}`
        : `Type not found: ${targetName}`;
      throw new RowRestrictionError(message, position);
    }
    const targetType = scalarType(target);
    const result = (value: SqlValue | null): Operand =>
      ({ type: targetType, expr: constant(targetType, value), literal: undefined, display: `${target} value`, position });
    if (source.expr.node !== 'constant') {
      throw new RowRestrictionError(`CAST is only supported on literals in ${this.options.subject}`, position);
    }
    if (source.expr.value === null) return result(null);
    const from = source.type.kind as ScalarTypeName;
    const support = castSupport(from, target);
    if (support !== 'supported') {
      throw new RowRestrictionError(support === 'invalid'
        ? `Invalid cast from ${from} to ${target}`
        : `CAST from ${from} to ${target} is not supported in ${this.options.subject}`, position);
    }
    const value = castValue(source.expr.value, from, target);
    if (value === undefined) throw new RowRestrictionError(`Could not cast literal ${source.display} to type ${target}`, position);
    return result(value);
  }

  private like(operandExpr: Expr, patternExpr: Expr, negated: boolean, position: SourcePosition): Predicate {
    const operand = this.operand(operandExpr);
    const pattern = this.operand(patternExpr);
    const name = negated ? 'NOT LIKE' : 'LIKE';
    const textual = [operand, pattern].filter((item) => item.literal !== 'null');
    const kind = textual[0]?.type.kind ?? 'STRING';
    if ((kind !== 'STRING' && kind !== 'BYTES') || textual.some((item) => item.type.kind !== kind)) {
      this.signatureError(name, [operand, pattern], position);
    }
    if (pattern.expr.node !== 'constant') {
      throw new RowRestrictionError(`LIKE patterns must be literals in ${this.options.subject}`, pattern.position);
    }
    const patternValue = pattern.expr.value;
    if (patternValue === null || operand.literal === 'null') return { node: 'constant', value: null };
    const patternBytes = typeof patternValue === 'string' ? new TextEncoder().encode(patternValue) : patternValue as Uint8Array;
    const compiled = compileLikePattern(patternBytes, kind === 'STRING');
    if (!compiled) throw new RowRestrictionError('LIKE pattern ends with a backslash', pattern.position);
    return { node: 'like', operand: operand.expr, pattern: compiled };
  }

  /** The common scalar type of compared operands, or a BigQuery-shaped error. */
  private commonType(name: string, operands: readonly Operand[], ordering: boolean, position: SourcePosition): ScalarType {
    for (const operand of operands) {
      const type = operand.type;
      if (type.kind === 'UNSUPPORTED') {
        throw new RowRestrictionError(
          `Column ${operand.display} has Arrow type ${type.arrowType}, which has no BigQuery type and cannot be compared`, position);
      }
      if (!isScalar(type) || type.kind === 'GEOGRAPHY' || type.kind === 'JSON') {
        throw new RowRestrictionError(`${ordering ? 'Ordering' : 'Equality'} is not defined for arguments of type ${typeName(type)}`, position);
      }
    }
    const common = comparisonType(operands.map((operand) => ({ type: operand.type as ScalarType, literal: operand.literal })));
    if (!common) this.signatureError(name, operands, position);
    return common;
  }

  /** Converts a constant to the comparison type; columns and sub-predicates are converted when read. */
  private coerce(operand: Operand, type: ScalarType): ValueExpr {
    const expr = operand.expr;
    if (expr.node !== 'constant') return expr;
    if (expr.value === null) return constant(type, null);
    const value = castValue(expr.value, operand.type.kind as ScalarTypeName, type.kind);
    if (value === undefined) {
      throw new RowRestrictionError(`Could not cast literal ${operand.display} to type ${type.kind}`, operand.position);
    }
    return constant(type, value);
  }

  private requireBool(name: string, operands: readonly Operand[], position: SourcePosition): void {
    if (operands.every((operand) => operand.type.kind === 'BOOL' || operand.literal === 'null')) return;
    this.signatureError(name, operands, position);
  }

  private signatureError(name: string, operands: readonly Operand[], position: SourcePosition): never {
    throw new RowRestrictionError(signatureMessage(name, operands.map((operand) => typeName(operand.type))), position);
  }
}

const COMPARISON_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** BigQuery's wording for operands no signature of `operator` accepts. */
function signatureMessage(operator: string, types: readonly string[]): string {
  const prefix = `No matching signature for operator ${operator} for argument types`;
  const listed = `${prefix}: ${types.join(', ')}`;
  if (COMPARISON_OPERATORS.has(operator)) return `${listed}. Supported signature: ANY ${operator} ANY`;
  switch (operator) {
    case 'IN':
    case 'NOT IN':
      return `${prefix} ${types[0]} and {${[...new Set(types.slice(1))].join(', ')}}`;
    case 'BETWEEN':
    case 'NOT BETWEEN':
      return `${listed}. Supported signature: (ANY) ${operator} (ANY) AND (ANY)`;
    case 'LIKE':
    case 'NOT LIKE':
      return `${listed}. Supported signatures: STRING ${operator} STRING; BYTES ${operator} BYTES`;
    default:
      return listed;
  }
}
