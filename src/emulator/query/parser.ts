import { tokenize, type Token } from '../row-restriction/lexer.js';
import { describe, ExpressionParser, type ExpressionDialect } from '../row-restriction/parser.js';
import { RowRestrictionError } from '../row-restriction/errors.js';
import type { Count, Named, OrderKey, SelectItem, SelectStatement } from './ast.js';
import { QueryError, unsupported } from './errors.js';

export const QUERY_DIALECT: ExpressionDialect = { subject: "the bqread emulator's SQL subset", parameters: true };

/** Clauses and statements GoogleSQL has that the subset leaves out, by the keyword that starts them. */
const UNSUPPORTED_CLAUSES: Readonly<Record<string, string>> = {
  GROUP: 'GROUP BY', HAVING: 'HAVING', QUALIFY: 'QUALIFY', WINDOW: 'WINDOW', JOIN: 'JOIN', CROSS: 'JOIN',
  INNER: 'JOIN', LEFT: 'JOIN', RIGHT: 'JOIN', FULL: 'JOIN', UNION: 'UNION', INTERSECT: 'INTERSECT',
  EXCEPT: 'EXCEPT (set operation)', TABLESAMPLE: 'TABLESAMPLE', FOR: 'FOR SYSTEM_TIME AS OF',
};

/**
 * Parses the emulator's SQL subset: SELECT of `*`, `* EXCEPT (...)`, expressions with aliases;
 * FROM one table; WHERE; ORDER BY keys with ASC/DESC and NULLS FIRST/LAST; LIMIT and OFFSET.
 * Throws QueryError (invalidQuery) with BigQuery's "at [line:column]" for anything else.
 */
export function parseQuery(text: string): SelectStatement {
  try {
    return new StatementParser(tokenize(text)).statement();
  } catch (error) {
    if (error instanceof RowRestrictionError) throw new QueryError(error.detail, 'invalidQuery', error.position);
    throw error;
  }
}

class StatementParser {
  private readonly expressions: ExpressionParser;

  constructor(tokens: readonly Token[]) {
    this.expressions = new ExpressionParser(tokens, QUERY_DIALECT);
  }

  statement(): SelectStatement {
    const p = this.expressions;
    const first = p.peek();
    if (first.kind === 'end') throw new QueryError('Syntax error: Unexpected end of script', 'invalidQuery', first.position);
    if (p.isKeyword(first, 'WITH')) throw unsupported('WITH', first.position);
    if (!p.acceptKeyword('SELECT')) {
      if (first.kind === 'identifier' || first.kind === 'keyword') throw unsupported(`The statement ${first.text.toUpperCase()}`, first.position);
      p.fail(`Unexpected ${describe(first)}`, first);
    }
    const modifier = p.peek();
    if (p.isKeyword(modifier, 'DISTINCT')) throw unsupported('SELECT DISTINCT', modifier.position);
    if (p.isKeyword(modifier, 'AS')) throw unsupported('SELECT AS STRUCT or AS VALUE', modifier.position);
    p.acceptKeyword('ALL');
    const items = [this.selectItem()];
    while (p.acceptSymbol(',')) items.push(this.selectItem());
    const from = p.acceptKeyword('FROM') ? this.tableName() : undefined;
    const where = p.acceptKeyword('WHERE') ? p.parseExpression() : undefined;
    this.refuseClause();
    const orderBy: OrderKey[] = [];
    if (p.acceptKeyword('ORDER')) {
      p.expectKeyword('BY');
      do orderBy.push(this.orderKey()); while (p.acceptSymbol(','));
    }
    let limit: Count | undefined;
    let offset: Count | undefined;
    if (p.acceptKeyword('LIMIT')) {
      limit = this.count();
      if (this.acceptWord('OFFSET')) offset = this.count();
    }
    this.refuseClause();
    p.acceptSymbol(';');
    p.expectEnd();
    return { items, from, where, orderBy, limit, offset };
  }

  private selectItem(): SelectItem {
    const p = this.expressions;
    const token = p.peek();
    const qualified = token.kind === 'identifier' && p.isSymbol(p.peek(1), '.') && p.isSymbol(p.peek(2), '*');
    if (p.isSymbol(token, '*') || qualified) {
      const qualifier = qualified ? this.name() : undefined;
      if (qualified) p.next();
      p.next();
      const except: Named[] = [];
      if (p.acceptKeyword('EXCEPT')) {
        p.expectSymbol('(');
        do except.push(this.name()); while (p.acceptSymbol(','));
        p.expectSymbol(')');
      } else if (p.peek().kind === 'identifier' && /^REPLACE$/i.test(p.peek().text) && p.isSymbol(p.peek(1), '(')) {
        throw unsupported('SELECT * REPLACE', p.peek().position);
      }
      return { kind: 'star', qualifier, except, position: token.position };
    }
    const expr = p.parseExpression();
    let alias: string | undefined;
    if (p.acceptKeyword('AS')) alias = this.name().name;
    else if (p.peek().kind === 'identifier' && !this.isWord(p.peek(), 'OFFSET')) alias = this.name().name;
    return { kind: 'expr', expr, alias, position: token.position };
  }

  private tableName(): SelectStatement['from'] {
    const p = this.expressions;
    const start = p.peek();
    if (p.isSymbol(start, '(')) throw unsupported('A subquery in FROM', start.position);
    if (p.isKeyword(start, 'UNNEST')) throw unsupported('UNNEST', start.position);
    const parts = [this.name().name];
    while (p.isSymbol(p.peek(), '.')) {
      p.next();
      parts.push(this.name().name);
    }
    const path = parts.flatMap((part) => part.split('.'));
    if (p.isSymbol(p.peek(), '(')) throw unsupported('A table-valued function', p.peek().position);
    const aliased = p.acceptKeyword('AS') || (p.peek().kind === 'identifier' && !this.isWord(p.peek(), 'OFFSET'));
    const alias = aliased ? this.name().name : path[path.length - 1]!;
    const next = p.peek();
    if (p.isSymbol(next, ',')) throw unsupported('A comma join', next.position);
    return { path, alias, position: start.position };
  }

  private orderKey(): OrderKey {
    const p = this.expressions;
    const expr = p.parseExpression();
    const descending = p.acceptKeyword('DESC') ? true : (p.acceptKeyword('ASC'), false);
    let nullsFirst: boolean | undefined;
    if (p.acceptKeyword('NULLS')) {
      const which = p.next();
      if (this.isWord(which, 'FIRST')) nullsFirst = true;
      else if (this.isWord(which, 'LAST')) nullsFirst = false;
      else p.fail(`Expected FIRST or LAST but got ${describe(which)}`, which);
    }
    return { expr, descending, nullsFirst };
  }

  /** LIMIT's and OFFSET's count: an INT64 literal (not negative), or a query parameter. */
  private count(): Count {
    const p = this.expressions;
    const token = p.peek();
    if (token.kind === 'parameter') {
      // Parsed as an expression, so a positional ? takes its place in the count of them.
      const expr = p.parseExpression();
      if (expr.kind !== 'parameter') throw unsupported('An expression in LIMIT or OFFSET', token.position);
      return { kind: 'parameter', parameter: expr.parameter, position: token.position };
    }
    p.next();
    if (token.kind !== 'integer') p.fail(`Unexpected ${describe(token)}`, token);
    const value = BigInt(token.text);
    if (value >= 2n ** 63n) throw new QueryError(`Invalid integer literal: ${token.text}`, 'invalidQuery', token.position);
    return { kind: 'literal', value };
  }

  private refuseClause(): void {
    const token = this.expressions.peek();
    const clause = token.kind === 'keyword' ? UNSUPPORTED_CLAUSES[token.value] : undefined;
    if (clause) throw unsupported(clause, token.position);
  }

  private name(): Named {
    const p = this.expressions;
    const token = p.next();
    if (token.kind !== 'identifier') p.fail(`Unexpected ${describe(token)}`, token);
    return { name: token.value, position: token.position };
  }

  /** A non-reserved word (OFFSET, FIRST, LAST), which the lexer leaves an identifier. */
  private isWord(token: Token, word: string): boolean {
    return token.kind === 'identifier' && !token.quoted && token.value.toUpperCase() === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(this.expressions.peek(), word)) return false;
    this.expressions.next();
    return true;
  }
}
