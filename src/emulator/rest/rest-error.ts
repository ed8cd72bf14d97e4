// BigQuery's REST error body: {"error": {"code", "message", "errors": [{"message", "domain",
// "reason", "location"?, "locationType"?}], "status"}}, the shape Google's JSON APIs share
// (https://cloud.google.com/bigquery/docs/error-messages lists the reasons and their HTTP codes).
import { BqReadError } from '../../errors.js';
import type { QueryError, QueryErrorReason } from '../query/errors.js';

/** The gRPC-style status BigQuery names beside each HTTP code in its error bodies. */
const STATUS_OF_CODE: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED', 409: 'ALREADY_EXISTS', 413: 'FAILED_PRECONDITION', 500: 'INTERNAL',
};

/** One entry of a job's status.errors, or of an error body's errors. */
export interface ErrorProto {
  readonly reason: string;
  readonly message: string;
  readonly location?: string;
}

/** A REST call the emulator answers with an error body. */
export class RestError extends BqReadError {
  override name = 'RestError';

  constructor(readonly httpStatus: number, readonly reason: string, message: string, readonly location?: string) {
    super(message);
  }

  get proto(): ErrorProto {
    return { reason: this.reason, message: this.message, ...(this.location && { location: this.location }) };
  }

  body(): object {
    const entry = { message: this.message, domain: 'global', reason: this.reason, ...(this.location && { location: this.location, locationType: 'other' }) };
    return { error: { code: this.httpStatus, message: this.message, errors: [entry], status: STATUS_OF_CODE[this.httpStatus] ?? 'UNKNOWN' } };
  }
}

export const invalid = (message: string) => new RestError(400, 'invalid', message);
export const notFound = (message: string) => new RestError(404, 'notFound', message);

/**
 * HTTP codes of the reasons a refused query or a failed job reports
 * (https://cloud.google.com/bigquery/docs/error-messages); every reason a QueryError can carry
 * must have its own, not the default.
 */
const HTTP_STATUS_OF_REASON: Readonly<Record<string, number>> = {
  invalidQuery: 400, invalid: 400, notFound: 404, duplicate: 409, bytesBilledLimitExceeded: 400, stopped: 400,
} satisfies Record<QueryErrorReason, number> & Record<string, number>;

/** A failed job's error as the call that waits on it answers it. */
export const restErrorOfProto = (error: ErrorProto) =>
  new RestError(HTTP_STATUS_OF_REASON[error.reason] ?? 400, error.reason, error.message, error.location);

/** A refused query as BigQuery reports it: invalidQuery at "query", notFound 404, a bad parameter invalid. */
export function restErrorOf(error: QueryError): RestError {
  return restErrorOfProto({ reason: error.reason, message: error.message, ...(error.reason === 'invalidQuery' && { location: 'query' }) });
}
