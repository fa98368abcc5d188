import { PERIODS, type Period, type View } from '../../../bridge/facts/periods.ts';
import type { EventJson } from '../../../bridge/history/events.ts';
import type { SensorDataJson as SensorData } from '../../../bridge/http/api-hardware.ts';
import type {
  CurrentStatusJson,
  EnergySeriesJson as EnergySeries,
  OutletJson,
  PduJson,
  PowerSeriesJson as PowerSeries,
} from '../../../bridge/http/bodies.ts';

/** The bridge's API (docs/http.md), relative to the page's origin. */

export type { CurrentStatusJson, EnergySeries, OutletJson, PduJson, PowerSeries, SensorData };
export { PERIODS, type Period, type View };
/** A period, or a custom range in ms. */
export type Range = { period: Period } | { from: number; to: number };

/** What a 401 says about the credentials wanted (bridge/http/auth.ts `refusal`). */
export interface AuthInfo {
  mode: CurrentStatusJson['auth'];
  tokenFile: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly auth?: AuthInfo,
  ) {
    super(message);
  }
}

type ErrorBody = { error?: string; auth?: AuthInfo['mode']; token_file?: string | null };

const authOf = (status: number, body: ErrorBody): AuthInfo | undefined =>
  status === 401 && body.auth ? { mode: body.auth, tokenFile: body.token_file ?? null } : undefined;

/** The Authorization header the reads send once the user gave credentials (state.svelte.ts sets it). */
let readAuthorization: string | null = null;
export function useAuthorization(header: string | null): void {
  readAuthorization = header;
}

/**
 * GETs started before anyone asked (prefetch): the charts' first series, requested with the status,
 * while the dashboard is still being drawn. Taken once by the first read of the same path; an answer
 * nobody took within a few seconds is dropped, never served stale.
 */
const early = new Map<string, Promise<unknown>>();
const EARLY_MS = 5000;

export function prefetch(path: string): void {
  if (early.has(path)) return;
  const p = request(path);
  p.catch(() => {}); // the reader that takes it sees the error; nobody else should
  early.set(path, p);
  setTimeout(() => {
    if (early.get(path) === p) early.delete(path);
  }, EARLY_MS);
}

function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const p = early.get(path);
  if (p === undefined) return request<T>(path, signal);
  early.delete(path);
  return p as Promise<T>;
}

async function request<T>(path: string, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = readAuthorization ? { authorization: readAuthorization } : {};
  const r = await fetch(path, { signal, headers });
  if (r.ok) return (await r.json()) as T;
  const body = (await r.json().catch(() => ({}))) as ErrorBody;
  throw new ApiError(r.status, body.error ?? r.statusText, authOf(r.status, body));
}

export function rangeParams(range: Range): string {
  return 'period' in range
    ? `period=${range.period}`
    : `from=${Math.round(range.from)}&to=${Math.round(range.to)}`;
}

export const fetchStatus = () => getJson<CurrentStatusJson>('api/current-status');

/** The latest events of one unit, newest first (GET /api/event-log). */
export const fetchEvents = (pdu: string, limit = 20, signal?: AbortSignal) =>
  getJson<{ events: EventJson[] }>(`api/event-log?pdu=${encodeURIComponent(pdu)}&limit=${limit}`, signal);

export type SeriesQuery = { pdu: string; range: Range; view: View; points: number };

export function seriesPath(kind: 'power' | 'energy', q: SeriesQuery): string {
  const points = Math.max(10, Math.min(2000, Math.round(q.points)));
  return `api/${kind}-data?pdu=${encodeURIComponent(q.pdu)}&${rangeParams(q.range)}&view=${q.view}&points=${points}`;
}

export function fetchSeries<K extends 'power' | 'energy'>(
  kind: K,
  q: SeriesQuery,
  signal?: AbortSignal,
): Promise<K extends 'power' ? PowerSeries : EnergySeries> {
  return getJson(seriesPath(kind, q), signal);
}

/** The history of a unit's external sensors or lines (GET /api/sensor-data). */
export function fetchSensorData(
  q: { pdu: string; range: Range; kind: 'sensor' | 'line'; points: number },
  signal?: AbortSignal,
): Promise<SensorData> {
  const points = Math.max(10, Math.min(2000, Math.round(q.points)));
  return getJson(
    `api/sensor-data?pdu=${encodeURIComponent(q.pdu)}&${rangeParams(q.range)}&kind=${q.kind}&points=${points}`,
    signal,
  );
}

export function exportUrl(q: { pdu: string; range: Range; view: View }): string {
  return `api/export-data?pdu=${encodeURIComponent(q.pdu)}&${rangeParams(q.range)}&view=${q.view}&format=csv`;
}

/** The CSV of a unit's sensors' or lines' series over a range (kind= on GET /api/export-data). */
export function hardwareExportUrl(q: { pdu: string; range: Range; kind: 'sensor' | 'line' }): string {
  return `api/export-data?pdu=${encodeURIComponent(q.pdu)}&${rangeParams(q.range)}&kind=${q.kind}&format=csv`;
}

export type RenameAnswer =
  | { ok: true; name: string }
  | { ok: false; status: number; error: string; auth?: AuthInfo | undefined };

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
    const body = (await r.json().catch(() => ({}))) as ErrorBody & { data?: { name: string } };
    if (r.ok && body.data) return { ok: true, name: body.data.name };
    return { ok: false, status: r.status, error: body.error ?? r.statusText, auth: authOf(r.status, body) };
  } catch (e) {
    return { ok: false, status: 0, error: e instanceof Error ? e.message : String(e) };
  }
}
