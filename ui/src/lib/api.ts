import { PERIODS, type Period, type View } from '../../../bridge/facts/periods.ts';
import type { EnergySeries, PowerSeries } from '../../../bridge/history/series.ts';
import type { CurrentStatusJson, OutletJson, PduJson } from '../../../bridge/http/payloads.ts';

/** The bridge's API (bridge/http/README.md), relative to the page's origin. */

export type { CurrentStatusJson, EnergySeries, OutletJson, PduJson, PowerSeries };
export { PERIODS, type Period, type View };
/** A period, or a custom range in ms. */
export type Range = { period: Period } | { from: number; to: number };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const r = await fetch(path, { signal });
  if (r.ok) return (await r.json()) as T;
  const body = (await r.json().catch(() => ({}))) as { error?: string };
  throw new ApiError(r.status, body.error ?? r.statusText);
}

export function rangeParams(range: Range): string {
  return 'period' in range
    ? `period=${range.period}`
    : `from=${Math.round(range.from)}&to=${Math.round(range.to)}`;
}

export const fetchStatus = () => getJson<CurrentStatusJson>('api/current-status');

export function fetchSeries<K extends 'power' | 'energy'>(
  kind: K,
  q: { pdu: string; range: Range; view: View; points: number },
  signal?: AbortSignal,
): Promise<K extends 'power' ? PowerSeries : EnergySeries> {
  const points = Math.max(10, Math.min(2000, Math.round(q.points)));
  return getJson(
    `api/${kind}-data?pdu=${encodeURIComponent(q.pdu)}&${rangeParams(q.range)}&view=${q.view}&points=${points}`,
    signal,
  );
}

export function exportUrl(q: { pdu: string; range: Range; view: View }): string {
  return `api/export-data?pdu=${encodeURIComponent(q.pdu)}&${rangeParams(q.range)}&view=${q.view}&format=csv`;
}

export type RenameAnswer = { ok: true; name: string } | { ok: false; status: number; error: string };

export async function renameOutlet(
  pdu: string,
  outlet: number,
  name: string,
  authorization: string | null,
): Promise<RenameAnswer> {
  try {
    const r = await fetch('api/update-port-name', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ pdu, outlet, name }),
    });
    const body = (await r.json().catch(() => ({}))) as { data?: { name: string }; error?: string };
    if (r.ok && body.data) return { ok: true, name: body.data.name };
    return { ok: false, status: r.status, error: body.error ?? r.statusText };
  } catch (e) {
    return { ok: false, status: 0, error: e instanceof Error ? e.message : String(e) };
  }
}
