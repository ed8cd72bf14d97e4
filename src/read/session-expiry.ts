import { status as Status } from '@grpc/grpc-js';
import { BqReadError, SessionExpiredError } from './errors.js';
import type { ReadSessionInfo } from './session.js';

const expiredAt = (session: ReadSessionInfo) => session.expireTime?.toISOString() ?? 'an unknown time';

/** A session taken from elsewhere (a plan) that is already past its expire time is refused before anything is read. */
export function checkNotExpired(session: ReadSessionInfo, nowMs = Date.now()): void {
  if (session.expireTime && session.expireTime.getTime() <= nowMs) {
    throw new SessionExpiredError(
      `the read session ${session.name} expired at ${expiredAt(session)}: its streams can no longer be read; make a new plan`,
      session.name, session.expireTime, { table: session.table },
    );
  }
}

/**
 * A stream's failure that says the session is gone, as one SessionExpiredError naming the session:
 * the service's FAILED_PRECONDITION "session expired", or, for a session taken from elsewhere, a
 * NOT_FOUND (the service never knew it). Any other error is returned as it is.
 */
export function sessionGoneError(err: BqReadError, session: ReadSessionInfo, prepared: boolean): BqReadError {
  const expired = err.code === Status.FAILED_PRECONDITION && /session expired/i.test(err.message);
  const unknown = prepared && err.code === Status.NOT_FOUND;
  if (!expired && !unknown) return err;
  const why = expired ? `expired (its expire time: ${expiredAt(session)})` : `is unknown to the service (its expire time: ${expiredAt(session)})`;
  const remedy = prepared ? 'make a new plan' : 'read the table again: a new session';
  return new SessionExpiredError(`the read session ${session.name} ${why}: ${remedy}; ${err.message}`, session.name, session.expireTime, {
    code: err.code, table: err.table, stream: err.stream, offset: err.offset, cause: err,
  });
}
