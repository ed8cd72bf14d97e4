/** A 1-based location in the restriction text, as BigQuery reports it. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A row restriction that BigQuery would reject (syntax, name or type error).
 * The message is what the emulator sends back with INVALID_ARGUMENT.
 */
export class RowRestrictionError extends Error {
  override name = 'RowRestrictionError';
  readonly position: SourcePosition | undefined;
  /** The message without its position, for callers that place the position their own way. */
  readonly detail: string;

  constructor(message: string, position?: SourcePosition) {
    super(position ? `${message} [at ${position.line}:${position.column}]` : message);
    this.position = position;
    this.detail = message;
  }
}

/** A record batch handed to `filter` whose columns differ from the schema the restriction was compiled for. */
export class BatchSchemaMismatchError extends Error {
  override name = 'BatchSchemaMismatchError';
}
