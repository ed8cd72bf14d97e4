import { status as Status } from '@grpc/grpc-js';
import { ApiError } from './api-error.js';
import type { SessionState } from './session-state.js';

/** Why a session is gone: it expired, or the registry let it go to stay within `maxSessions`. */
interface Ended {
  readonly atMs: number;
  readonly evicted: boolean;
}

/** Ended sessions remembered per live session allowed: enough to answer late readers for a long while. */
const ENDED_PER_LIVE = 4;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * The live sessions, at most `maxSessions`, least recently used (created, read or split) first.
 * Expired sessions are dropped by `sweep` (on every creation and on the server's timer); past the
 * bound the least recently used session is let go early, as if it had expired then. Ended sessions'
 * ids are remembered (a bounded number of them) so a late reader hears that its session expired,
 * as the service says, rather than that it never existed.
 */
export class SessionRegistry {
  private readonly live = new Map<string, SessionState>();
  private readonly ended = new Map<string, Ended>();
  /** Sessions let go before they expired. */
  evictions = 0;

  constructor(private readonly maxSessions: number) {}

  get size(): number {
    return this.live.size;
  }

  add(session: SessionState, nowMs: number): void {
    this.sweep(nowMs);
    this.live.set(session.id, session);
    for (const [id] of this.live) {
      if (this.live.size <= this.maxSessions) break;
      this.end(id, { atMs: nowMs, evicted: true });
      this.evictions++;
    }
  }

  /**
   * The live session `id`, now its most recently used; undefined if it never existed (or was
   * forgotten). Throws FAILED_PRECONDITION, as the service does, for one that ended; `name` is the
   * resource the call named.
   */
  use(id: string, name: string, nowMs: number): SessionState | undefined {
    const ended = this.ended.get(id);
    const session = this.live.get(id);
    const expiredAt = ended?.atMs ?? (session && nowMs >= session.expireAtMs ? session.expireAtMs : undefined);
    if (expiredAt !== undefined) {
      const why = ended?.evicted ? ` (the emulator keeps at most ${this.maxSessions} sessions: raise maxSessions)` : '';
      throw new ApiError(Status.FAILED_PRECONDITION, `there was an error operating on '${name}': session expired at ${isoSeconds(expiredAt)}${why}`);
    }
    if (session) {
      this.live.delete(id);
      this.live.set(id, session);
    }
    return session;
  }

  /** Drops every expired session. */
  sweep(nowMs: number): void {
    for (const [id, session] of this.live) {
      if (nowMs >= session.expireAtMs) this.end(id, { atMs: session.expireAtMs, evicted: false });
    }
  }

  private end(id: string, ended: Ended): void {
    this.live.delete(id);
    this.ended.set(id, ended);
    for (const [oldest] of this.ended) {
      if (this.ended.size <= ENDED_PER_LIVE * this.maxSessions) break;
      this.ended.delete(oldest);
    }
  }
}
