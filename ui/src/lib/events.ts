import type { EventJson } from '../../../bridge/history/events.ts';

export type { EventJson };

/**
 * The panel's words for the bridge's events (docs/mqtt.md, "Events"), one line each, and the merge of
 * the history's list with the live stream's newest ones. Pure.
 */

const quoted = (s: string | null | undefined) => (s ? `“${s}”` : 'no name');

function what(d: EventJson['data']): string {
  if (d.outlet !== undefined) return `Outlet ${d.label || d.outlet}${d.name ? ` (${d.name})` : ''}`;
  if (d.breaker !== undefined) return `Breaker ${d.breaker}${d.name ? ` (${d.name})` : ''}`;
  if (d.sensor !== undefined) return `Sensor ${d.name || d.sensor}`;
  return 'PDU';
}

export function describeEvent(e: EventJson): string {
  const d = e.data;
  switch (e.type) {
    case 'pdu_online':
      return 'Online: the PDU answers';
    case 'pdu_offline':
      return 'Offline: the PDU stopped answering';
    case 'outlet_switched':
      return `${what(d)} switched ${d.state}`;
    case 'outlet_renamed':
      return `Outlet ${d.label || d.outlet} renamed from ${quoted(d.previous)} to ${quoted(d.name)}`;
    case 'alarm_raised':
      return `${what(d)}: ${d.field} ${d.state}`;
    case 'alarm_cleared':
      return `${what(d)}: ${d.field} back to normal`;
    case 'breaker_tripped':
      return `${what(d)} tripped${d.outlets?.length ? ` (outlets ${d.outlets.join(', ')})` : ''}`;
    case 'breaker_closed':
      return `${what(d)} closed again`;
  }
}

/** Whether the event wants attention (an outage, an alarm, a trip) rather than telling of a change. */
export const isAlert = (e: EventJson) =>
  e.type === 'pdu_offline' || e.type === 'alarm_raised' || e.type === 'breaker_tripped';

const key = (e: EventJson) =>
  `${e.type}|${e.data.time}|${e.data.pdu}|${e.data.outlet ?? ''}|${e.data.field ?? ''}`;

/** Newest first, each once: the live ones (newest first) over what the history listed. */
export function mergeEvents(
  live: readonly EventJson[],
  listed: readonly EventJson[],
  limit: number,
): EventJson[] {
  const seen = new Set<string>();
  const out: EventJson[] = [];
  for (const e of [...live, ...listed]) {
    const k = key(e);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out.sort((a, b) => Date.parse(b.data.time) - Date.parse(a.data.time)).slice(0, limit);
}
