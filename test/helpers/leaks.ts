import { eventually } from './demo-emulator.js';

/** Node's live handles and requests of this process by kind (TCPSocketWrap, MessagePort, Timeout, ...). */
export function liveResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

const KINDS = ['TCPSocketWrap', 'MessagePort', 'Timeout', 'TTYWrap', 'FSReqCallback'];

/**
 * Waits until this process holds no more sockets, ports or timers than `baseline` did (sockets
 * close asynchronously after a read ends) and reports what is left over if it never does.
 */
export async function leftOver(baseline: Map<string, number>, timeoutMs = 5000): Promise<string> {
  const excess = () =>
    KINDS.map((kind) => [kind, (liveResources().get(kind) ?? 0) - (baseline.get(kind) ?? 0)] as const).filter(([, n]) => n > 0);
  await eventually(() => excess().length === 0, timeoutMs);
  return excess().map(([kind, n]) => `${n} ${kind}`).join(', ');
}
