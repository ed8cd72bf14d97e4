// Plain fetch calls to the emulator's REST API, as tests make them: a status and the parsed body.
import type { Emulator } from '../../../src/emulator/server.js';

export interface RestReply {
  readonly status: number;
  readonly body: Record<string, unknown> & { error?: { code: number; message: string; status: string; errors: Record<string, string>[] } };
}

const TIMEOUT_MS = 30_000;

export async function rest(emulator: Emulator, method: 'GET' | 'POST', path: string, body?: unknown): Promise<RestReply> {
  const response = await fetch(`${emulator.restUrl}/bigquery/v2/${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return { status: response.status, body: await response.json() as RestReply['body'] };
}

/** jobs.query in GoogleSQL. */
export const runQuery = (emulator: Emulator, project: string, query: string, extra: Record<string, unknown> = {}) =>
  rest(emulator, 'POST', `projects/${project}/queries`, { query, useLegacySql: false, ...extra });

/** jobs.insert of a GoogleSQL query job. */
export const insertQueryJob = (emulator: Emulator, project: string, query: string, extra: Record<string, unknown> = {}, jobReference: Record<string, unknown> = {}) =>
  rest(emulator, 'POST', `projects/${project}/jobs`, { jobReference, configuration: { query: { query, useLegacySql: false, ...extra } } });

/** The `v`s of REST rows: [{f:[{v}]}] as arrays of values. */
export const cells = (rows: unknown): unknown[][] =>
  ((rows ?? []) as { f: { v: unknown }[] }[]).map((row) => row.f.map((cell) => cell.v));
