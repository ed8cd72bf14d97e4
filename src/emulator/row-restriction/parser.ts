import { TYPED_LITERAL_TYPES, type CompareOp, type Expr, type Literal, type TypedLiteralType } from './ast.js';
import { RowRestrictionError, type SourcePosition } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};
const TYPED_LITERAL_ALIASES: Readonly<Record<string, TypedLiteralType>> = {
  ...Object.fromEntries(TYPED_LITERAL_TYPES.map((type) => [type, type])),
  DECIMAL: 'NUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
};
/** Operators GoogleSQL has but the engine does not evaluate (arithmetic, bitwise, subscripts). */
const UNSUPPORTED_OPERATORS = new Set(['+', '-', '*', '/', '||', '&', '|', '^', '<<', '>>', '[']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a row restriction (a GoogleSQL boolean expression, like a WHERE clause) into an AST.
 * Precedence, loosest first: OR, AND, NOT, then the non-associative comparisons
 * (=, !=, <>, <, <=, >, >=, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE, IS [NOT] NULL/TRUE/FALSE).
 */
export function parseRowRestriction(text: string): Expr {
  const tokens = tokenize(text);
  if (tokens[0]!.kind === 'end') throw new RowRestrictionError('Row restriction is empty');
  const parser = new ExpressionParser(tokens, ROW_RESTRICTION_DIALECT);
  const expr = parser.parseExpression();
  parser.expectEnd();
  return expr;
}

/** What a text may hold beyond the shared expression grammar, and how its limits are named in errors. */
export interface ExpressionDialect {
  /** Ends "... is not supported in X" messages: "row restrictions". */
  readonly subject: string;
  /** Whether `@name` and `?` query parameters are allowed. */
  readonly parameters: boolean;
}

export const ROW_RESTRICTION_DIALECT: ExpressionDialect = { subject: 'row restrictions', parameters: false };

export function describe(token: Token): string {
  switch (token.kind) {
    case 'end': return 'end of input';
    case 'keyword': return `keyword ${token.value}`;
    case 'identifier': return `identifier ${token.quoted ? token.text : JSON.stringify(token.value)}`;
    case 'integer': return `integer literal "${token.text}"`;
    case 'float': return `floating point literal "${token.text}"`;
    case 'string': return `string literal ${token.text}`;
    case 'bytes': return `bytes literal ${token.text}`;
    case 'symbol': return `"${token.value}"`;
    case 'parameter': return token.value ? `query parameter @${token.value}` : 'query parameter ?';
  }
}

/**
 * The expression grammar over a token list; a statement's parser (the emulator's queries) drives
 * it through the token helpers and hands it each expression to parse.
 */
export class ExpressionParser {
  private index = 0;
  private positionalParameters = 0;

  constructor(private readonly tokens: readonly Token[], private readonly dialect: ExpressionDialect) {}

  parseExpression(): Expr {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) {
      left = { kind: 'or', left, right: this.parseAnd(), position: left.position };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') this.fail(`Expected end of input but got ${describe(token)}`, token);
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) {
      left = { kind: 'and', left, right: this.parseNot(), position: left.position };
    }
    return left;
  }

  private parseNot(): Expr {
    const token = this.peek();
    if (!this.acceptKeyword('NOT')) return this.parsePredicate();
    return { kind: 'not', operand: this.parseNot(), position: token.position };
  }

  private parsePredicate(): Expr {
    const operand = this.parseOperand();
    const predicate = this.parsePredicateTail(operand);
    if (predicate !== operand && this.startsComparison()) {
      const token = this.peek();
      this.fail(`Unexpected ${describe(token)}: comparison operators are not associative, add parentheses`, token);
    }
    return predicate;
  }

  private startsComparison(): boolean {
    const token = this.peek();
    if (token.kind === 'symbol') return token.value in COMPARE_OPS;
    if (token.kind !== 'keyword') return false;
    if (token.value === 'NOT') return this.isNegatablePredicate(this.peek(1));
    return token.value === 'IS' || this.isNegatablePredicate(token);
  }

  private isNegatablePredicate(token: Token): boolean {
    return token.kind === 'keyword' && (token.value === 'IN' || token.value === 'BETWEEN' || token.value === 'LIKE');
  }

  private parsePredicateTail(left: Expr): Expr {
    const position = left.position;
    const token = this.peek();
    if (token.kind === 'symbol' && token.value in COMPARE_OPS) {
      this.next();
      return { kind: 'compare', op: COMPARE_OPS[token.value]!, left, right: this.parseOperand(), position };
    }
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      const what = this.next();
      if (this.isKeyword(what, 'NULL')) return { kind: 'isNull', operand: left, negated, position };
      if (this.isKeyword(what, 'TRUE') || this.isKeyword(what, 'FALSE')) {
        return { kind: 'isBool', operand: left, value: what.value === 'TRUE', negated, position };
      }
      this.fail(`Expected keyword NULL, TRUE or FALSE but got ${describe(what)}`, what);
    }
    const negated = this.isKeyword(token, 'NOT') && this.isNegatablePredicate(this.peek(1));
    if (negated) this.next();
    if (this.acceptKeyword('IN')) {
      this.expectSymbol('(');
      const list = [this.parseOperand()];
      while (this.acceptSymbol(',')) list.push(this.parseOperand());
      this.expectSymbol(')');
      return { kind: 'in', operand: left, list, negated, position };
    }
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.parseOperand();
      this.expectKeyword('AND');
      return { kind: 'between', operand: left, low, high: this.parseOperand(), negated, position };
    }
    if (this.acceptKeyword('LIKE')) {
      return { kind: 'like', operand: left, pattern: this.parseOperand(), negated, position };
    }
    return left;
  }

  /** A literal, column path, CAST or parenthesized expression. */
  private parseOperand(): Expr {
    const operand = this.parsePrimary();
    const token = this.peek();
    if (token.kind === 'symbol' && UNSUPPORTED_OPERATORS.has(token.value)) {
      this.fail(`Operator "${token.value}" is not supported in ${this.dialect.subject}`, token);
    }
    return operand;
  }

  private parsePrimary(): Expr {
    const token = this.next();
    const position = token.position;
    switch (token.kind) {
      case 'integer':
      case 'float':
        return { kind: 'literal', literal: this.numberLiteral(token, false), position };
      case 'string':
        return { kind: 'literal', literal: { kind: 'string', value: token.value }, position };
      case 'bytes':
        return { kind: 'literal', literal: { kind: 'bytes', value: token.bytes! }, position };
      case 'symbol':
        if (token.value === '(') {
          const inner = this.parseExpression();
          this.expectSymbol(')');
          return inner;
        }
        if ((token.value === '-' || token.value === '+') && (this.peek().kind === 'integer' || this.peek().kind === 'float')) {
          return { kind: 'literal', literal: this.numberLiteral(this.next(), token.value === '-'), position };
        }
        break;
      case 'keyword':
        if (token.value === 'TRUE' || token.value === 'FALSE') {
          return { kind: 'literal', literal: { kind: 'bool', value: token.value === 'TRUE' }, position };
        }
        if (token.value === 'NULL') return { kind: 'literal', literal: { kind: 'null' }, position };
        if (token.value === 'CAST') return this.parseCast(position);
        break;
      case 'identifier':
        return this.parseIdentifierOperand(token);
      case 'parameter':
        if (!this.dialect.parameters) break;
        return {
          kind: 'parameter',
          parameter: token.value ? { mode: 'named', name: token.value } : { mode: 'positional', index: this.positionalParameters++ },
          position,
        };
      case 'end':
        break;
    }
    return this.fail(`Unexpected ${describe(token)}`, token);
  }

  private parseIdentifierOperand(first: Token): Expr {
    const position = first.position;
    const next = this.peek();
    if (!first.quoted) {
      const typed = TYPED_LITERAL_ALIASES[first.value.toUpperCase()];
      if (typed && next.kind === 'string') {
        this.next();
        return { kind: 'literal', literal: { kind: 'typed', type: typed, value: next.value }, position };
      }
      if (this.isSymbol(next, '(')) {
        throw new RowRestrictionError(`Function calls are not supported in ${this.dialect.subject}: ${first.value}()`, position);
      }
    }
    const path = [first.value];
    while (this.isSymbol(this.peek(), '.') && ['identifier', 'keyword'].includes(this.peek(1).kind)) {
      this.next();
      const field = this.next();
      path.push(field.kind === 'keyword' ? field.text : field.value);
    }
    return { kind: 'column', path, position };
  }

  private parseCast(position: SourcePosition): Expr {
    this.expectSymbol('(');
    const operand = this.parseExpression();
    this.expectKeyword('AS');
    const typeToken = this.next();
    if (typeToken.kind !== 'identifier' && typeToken.kind !== 'keyword') {
      this.fail(`Expected a type name but got ${describe(typeToken)}`, typeToken);
    }
    this.expectSymbol(')');
    return { kind: 'cast', operand, targetType: typeToken.text.toUpperCase(), position };
  }

  private numberLiteral(token: Token, negative: boolean): Literal {
    const text = (negative ? '-' : '') + token.text;
    if (token.kind === 'float') {
      const value = Number(text);
      if (!Number.isFinite(value)) this.fail(`Invalid floating point literal: ${text}`, token);
      return { kind: 'float', value, text };
    }
    const magnitude = BigInt(token.text);
    const value = negative ? -magnitude : magnitude;
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new RowRestrictionError(`Invalid integer literal: ${text}`, token.position);
    }
    return { kind: 'integer', value, text };
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'keyword' && token.value === keyword;
  }

  isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.value === symbol;
  }

  acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(this.peek(), keyword)) return false;
    this.next();
    return true;
  }

  acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(this.peek(), symbol)) return false;
    this.next();
    return true;
  }

  expectKeyword(keyword: string): void {
    const token = this.peek();
    if (!this.acceptKeyword(keyword)) this.fail(`Expected keyword ${keyword} but got ${describe(token)}`, token);
  }

  expectSymbol(symbol: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(symbol)) this.fail(`Expected "${symbol}" but got ${describe(token)}`, token);
  }

  fail(message: string, token: Token): never {
    throw new RowRestrictionError(`Syntax error: ${message}`, token.position);
  }
}
