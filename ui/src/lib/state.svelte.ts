import { type CurrentStatusJson, fetchStatus, type PduJson } from './api.ts';
import { noteLoadError, noteStatus } from './auth.svelte.ts';

/**
 * The panel's shared state (svelte-devtools style: one $state object in a .svelte.ts module).
 * Components read it directly; only the functions below write it.
 */

export type Health = 'live' | 'stale' | 'offline' | 'waiting';
export type Theme = 'dark' | 'light';

export const app = $state({
  status: null as CurrentStatusJson | null,
  loadError: '',
  selected: '',
  stream: 'connecting' as 'connecting' | 'open' | 'error',
  /** Bumped on every reading of the selected PDU: charts of short periods refresh on it. */
  readings: 0,
  now: Date.now(),
  theme: (document.documentElement.dataset.theme === 'light' ? 'light' : 'dark') as Theme,
});

/** Observed poll interval per PDU, ms: "stale" is judged against it, not a fixed guess. */
const intervals = new Map<string, number>();

export function selectedPdu(): PduJson | undefined {
  const pdus = app.status?.pdus ?? [];
  return pdus.find((p) => p.id === app.selected) ?? pdus[0];
}

export function healthOf(p: PduJson | undefined, now: number): Health {
  if (!p || p.online === null) return 'waiting';
  if (p.online === false) return 'offline';
  const staleAfter = Math.max(150_000, 3 * (intervals.get(p.id) ?? 60_000));
  if (p.stale || app.stream !== 'open' || p.time === null || now - p.time > staleAfter) return 'stale';
  return 'live';
}

function merge(pdus: PduJson[]): void {
  const status = app.status;
  if (!status) return;
  for (const p of pdus) {
    const i = status.pdus.findIndex((x) => x.id === p.id);
    if (i < 0) {
      status.pdus.push(p);
      continue;
    }
    const prev = status.pdus[i];
    if (prev?.time && p.time && p.time > prev.time) intervals.set(p.id, p.time - prev.time);
    status.pdus[i] = p;
    if (p.id === (selectedPdu()?.id ?? '')) app.readings++;
  }
}

/**
 * Show another PDU. The choice goes into the address (?pdu=) so a reload, a bookmark or a shared link
 * opens the same PDU; replaceState, not a history entry per switch.
 */
export function selectPdu(id: string): void {
  app.selected = id;
  const url = new URL(location.href);
  url.searchParams.set('pdu', id);
  history.replaceState(history.state, '', url);
}

export async function load(): Promise<void> {
  try {
    app.status = await fetchStatus();
    noteStatus(app.status);
    app.loadError = '';
    if (!app.selected)
      app.selected = new URLSearchParams(location.search).get('pdu') ?? app.status.pdus[0]?.id ?? '';
  } catch (e) {
    noteLoadError(e);
    app.loadError = e instanceof Error ? e.message : String(e);
  }
}

/** The live stream (EventSource reconnects by itself; a reconnect re-sends the whole state). */
export function connect(): () => void {
  const es = new EventSource('api/events');
  es.onopen = () => {
    app.stream = 'open';
  };
  es.onerror = () => {
    app.stream = 'error';
  };
  es.addEventListener('reading', (e) => {
    app.stream = 'open';
    merge((JSON.parse((e as MessageEvent<string>).data) as { pdus: PduJson[] }).pdus);
  });
  es.addEventListener('availability', (e) => {
    const a = JSON.parse((e as MessageEvent<string>).data) as { pdus: string[]; online: boolean };
    for (const p of app.status?.pdus ?? []) if (a.pdus.includes(p.id)) p.online = a.online;
  });
  es.addEventListener('heartbeat', () => {
    app.stream = 'open';
  });
  const tick = setInterval(() => {
    app.now = Date.now();
  }, 5000);
  return () => {
    es.close();
    clearInterval(tick);
  };
}

export function setTheme(theme: Theme): void {
  app.theme = theme;
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem('r2m-theme', theme);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}
