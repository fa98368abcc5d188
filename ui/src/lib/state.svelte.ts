import { isStale } from '../../../bridge/facts/freshness.ts';
import type { CardsJson, LiveJson } from '../../../bridge/http/payloads.ts';
import { type CurrentStatusJson, fetchStatus, type PduJson } from './api.ts';

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
  /** The Authorization header for writes, once the user gave credentials (kept for the session). */
  authorization: sessionStorage.getItem('r2m-auth'),
});

export function selectedPdu(): PduJson | undefined {
  const pdus = app.status?.pdus ?? [];
  return pdus.find((p) => p.id === app.selected) ?? pdus[0];
}

/** The bridge's freshness rule (bridge/facts/freshness.ts), applied between events as time passes. */
export function healthOf(p: PduJson | undefined, now: number): Health {
  if (!p || p.online === null) return 'waiting';
  if (p.online === false) return 'offline';
  const stale = isStale(
    { online: p.online, lastPollOk: p.last_poll?.ok, time: p.time, intervalMs: p.interval_ms },
    now,
  );
  if (stale || app.stream !== 'open') return 'stale';
  return 'live';
}

/** Live fields of a poll (LiveJson) or the history's cards (CardsJson) into the PDUs shown. */
function merge(parts: readonly (LiveJson | CardsJson | PduJson)[]): void {
  const status = app.status;
  if (!status) return;
  for (const part of parts) {
    const i = status.pdus.findIndex((x) => x.id === part.id);
    const prev = status.pdus[i];
    if (!prev) {
      // A unit first seen in a live event (a linked unit): its cards follow with the next commit.
      if ('online' in part) status.pdus.push({ today: null, month: null, sparkline: null, ...part });
      continue;
    }
    status.pdus[i] = { ...prev, ...part };
    if ('online' in part && part.id === (selectedPdu()?.id ?? '')) app.readings++;
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
    app.loadError = '';
    if (!app.selected)
      app.selected = new URLSearchParams(location.search).get('pdu') ?? app.status.pdus[0]?.id ?? '';
  } catch (e) {
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
  const data = <T>(e: Event) => JSON.parse((e as MessageEvent<string>).data) as T;
  es.addEventListener('reading', (e) => {
    app.stream = 'open';
    merge(data<{ pdus: LiveJson[] }>(e).pdus);
  });
  es.addEventListener('cards', (e) => merge(data<{ pdus: CardsJson[] }>(e).pdus));
  es.addEventListener('poll', (e) => {
    // A failed poll: the PDU may still be online (the poller decides), but its numbers are stale now.
    const f = data<{ source: string; last_poll: PduJson['last_poll'] }>(e);
    for (const p of app.status?.pdus ?? []) if (p.source === f.source) p.last_poll = f.last_poll;
  });
  es.addEventListener('availability', (e) => {
    const a = data<{ pdus: string[]; online: boolean }>(e);
    for (const p of app.status?.pdus ?? []) if (a.pdus.includes(p.id)) p.online = a.online;
  });
  es.addEventListener('history', (e) => {
    if (app.status) app.status.backfill = data<Pick<CurrentStatusJson, 'backfill'>>(e).backfill;
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

export function setAuthorization(header: string | null): void {
  app.authorization = header;
  if (header) sessionStorage.setItem('r2m-auth', header);
  else sessionStorage.removeItem('r2m-auth');
}
