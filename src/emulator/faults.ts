import { status as Status } from '@grpc/grpc-js';
import { parseTableReference } from '../table-ref.js';
import { formatTablePath } from '../protocol/names.js';

export type FaultKind = 'error' | 'drop' | 'delay' | 'throttle' | 'corrupt';

/** A fault to inject into ReadRows calls, for testing how readers recover. */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only streams of sessions on this table (any table reference form); default every table. */
  readonly table?: string;
  /** Only the stream at this position in its session's stream list; default every stream. */
  readonly stream?: number;
  /** Responses sent on the call before the fault acts (default 0). */
  readonly afterResponses?: number;
  /** ReadRows calls the fault fires on before it disarms: default 1 for error/drop/corrupt, unlimited for delay/throttle. */
  readonly times?: number;
  /** For `error`: the gRPC code (name or number), default UNAVAILABLE, and its message. */
  readonly code?: keyof typeof Status | number;
  readonly message?: string;
  /** For `error`: attach a google.rpc.RetryInfo with this delay, as RESOURCE_EXHAUSTED throttling does. */
  readonly retryDelayMs?: number;
  /** For `delay`: wait this long before each response (a straggler). */
  readonly delayMs?: number;
  /** For `throttle`: the throttle_percent reported in each response. */
  readonly throttlePercent?: number;
}

export interface ArmedFault {
  readonly spec: FaultSpec;
  readonly tablePath?: string;
  remaining: number;
}

export function faultCode(spec: FaultSpec): number {
  if (typeof spec.code === 'number') return spec.code;
  const code = Status[spec.code ?? 'UNAVAILABLE'];
  if (code === undefined) throw new Error(`unknown gRPC status code "${spec.code}"`);
  return code;
}

const ONE_SHOT: ReadonlySet<FaultKind> = new Set(['error', 'drop', 'corrupt']);

export class FaultPlan {
  private readonly faults: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    faultCode(spec);
    if (spec.afterResponses !== undefined && spec.afterResponses < 0) throw new Error('afterResponses must be >= 0');
    this.faults.push({
      spec,
      tablePath: spec.table === undefined ? undefined : formatTablePath(parseTableReference(spec.table)),
      remaining: spec.times ?? (ONE_SHOT.has(spec.kind) ? 1 : Infinity),
    });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Faults that apply to a ReadRows call on stream `streamIndex` of a session over `tablePath`. */
  forCall(tablePath: string, streamIndex: number): ArmedFault[] {
    return this.faults.filter(
      (f) =>
        f.remaining > 0 &&
        (f.tablePath === undefined || f.tablePath === tablePath) &&
        (f.spec.stream === undefined || f.spec.stream === streamIndex),
    );
  }

  /** Counts one call the fault acts on; false if other calls already used up its `times`. */
  consume(fault: ArmedFault): boolean {
    if (fault.remaining <= 0) return false;
    fault.remaining--;
    return true;
  }
}

/** Parses the CLI form `kind[:key=value,...]`, e.g. `error:code=UNAVAILABLE,after=2,stream=0`. */
export function parseFaultFlag(text: string): FaultSpec {
  const [kindText, rest = ''] = text.split(/:(.*)/s, 2) as [string, string?];
  const kinds: FaultKind[] = ['error', 'drop', 'delay', 'throttle', 'corrupt'];
  if (!kinds.includes(kindText as FaultKind)) {
    throw new Error(`bad --fault "${text}": kind must be one of ${kinds.join(', ')}`);
  }
  const spec: Record<string, unknown> = { kind: kindText };
  const numeric: Record<string, string> = {
    after: 'afterResponses', stream: 'stream', times: 'times', 'retry-delay-ms': 'retryDelayMs',
    'delay-ms': 'delayMs', percent: 'throttlePercent',
  };
  for (const pair of rest ? rest.split(',') : []) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (eq < 0 || !value) throw new Error(`bad --fault "${text}": "${pair}" is not key=value`);
    if (key in numeric) {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`bad --fault "${text}": ${key} must be a number`);
      spec[numeric[key]!] = n;
    } else if (key === 'code') {
      spec.code = /^\d+$/.test(value) ? Number(value) : value.toUpperCase();
    } else if (key === 'message' || key === 'table') {
      spec[key] = value;
    } else {
      throw new Error(`bad --fault "${text}": unknown key "${key}"`);
    }
  }
  return spec as unknown as FaultSpec;
}
