import { BqReadError } from '../../errors.js';
import type { SourcePosition } from '../row-restriction/errors.js';

/**
 * Why BigQuery turns a query down, as its error bodies name it (errors[].reason): invalidQuery
 * for a query that does not parse or type-check, notFound for a table that is not there, invalid
 * for a bad request around the query (its parameters).
 */
export type QueryErrorReason = 'invalidQuery' | 'notFound' | 'invalid';

/** A query the emulator refuses, worded as BigQuery words it: the position as "at [line:column]". */
export class QueryError extends BqReadError {
  override name = 'QueryError';

  constructor(
    readonly detail: string,
    readonly reason: QueryErrorReason,
    readonly position?: SourcePosition,
  ) {
    super(position ? `${detail} at [${position.line}:${position.column}]` : detail);
  }
}

/** Something BigQuery runs that the emulator's SQL subset does not (src/emulator/README.md, "Queries"). */
export const unsupported = (what: string, position?: SourcePosition) =>
  new QueryError(`${what} is not supported by the bqread emulator's SQL subset`, 'invalidQuery', position);
