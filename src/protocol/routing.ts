/**
 * The `x-goog-request-params` routing header. Google's clients send it URL-encoded
 * (`read_session.table=projects%2Fp%2F...`); the front end routes on it, so a request
 * without the right value is rejected.
 */
export const ROUTING_HEADER = 'x-goog-request-params';

export function formatRoutingHeader(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

export function parseRoutingHeader(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of value.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      params.set(key, decodeURIComponent(raw.replace(/\+/g, ' ')));
    } catch {
      params.set(key, raw);
    }
  }
  return params;
}
