import { isStale } from '../../../bridge/facts/freshness.ts';
import type { CardsJson, LiveJson } from '../../../bridge/http/bodies.ts';
import { type CurrentStatusJson, fetchStatus, type PduJson } from './api.ts';
import { noteLoadError, noteStatus } from './auth.svelte.ts';
import type { EventJson } from './events.ts';
import { prefetchCharts } from './points.ts';

/**
 * The panel's shared state (svelte-devtools style: one $state object in a .svelte.ts module).
 * Components read it directly; only the functions below write it.
 */

/** `waiting`: the PDU has never answered (no reading yet), whatever the poller decided since. */
export type Health = 'live' | 'stale' | 'offline' | 'waiting';
export type Theme = 'dark' | 'light';

const THEME_KEY = 'r2m-theme';
const savedTheme = (): Theme | null => {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
};

export const app = $state({
  status: null as CurrentStatusJson | null,
  loadError: '',
  /** When the next try of the first load is due (ms), while it keeps failing. */
  retryAt: 0,
  selected: '',
  stream: 'connecting' as 'connecting' | 'open' | 'error',
  /** Bumped on every reading of the selected PDU: charts of short periods refresh on it. */
  readings: 0,
  /** The bridge's events from the live stream since the page opened, newest first (at most 200). */
  events: [] as EventJson[],
  now: Date.now(),
  theme: (document.documentElement.dataset.theme === 'light' ? 'light' : 'dark') as Theme,
});

export function selectedPdu(): PduJson | undefined {
  const pdus = app.status?.pdus ?? [];
  return pdus.find((p) => p.id === app.selected) ?? pdus[0];
}

/** The bridge's freshness rule (bridge/facts/freshness.ts), applied between events as time passes. */
export function healthOf(p: PduJson | undefined, now: number): Health {
  if (!p || p.time === null || p.online === null) return 'waiting';
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
      if ('online' in part)
        status.pdus.push({
          today: null,
          month: null,
          sparkline: null,
          outlet_energy: null,
          since: null,
          ...part,
        });
      continue;
    }
    status.pdus[i] = { ...prev, ...part };
    if ('online' in part && part.id === (selectedPdu()?.id ?? '')) app.readings++;
  }
}

/** The history's cards of a unit, as one value (compared once per status, not per reading). */
const cardsOf = (p: PduJson) => JSON.stringify([p.today, p.month, p.sparkline, p.outlet_energy, p.since]);

/**
 * The same unit with the same reading, poll and cards. The cards are compared too: the history commits
 * them after the poll, so a status read in between has the new reading beside the old cards.
 */
const sameReading = (a: PduJson, b: PduJson) =>
  a.id === b.id &&
  a.time === b.time &&
  a.online === b.online &&
  a.stale === b.stale &&
  a.last_poll?.time === b.last_poll?.time &&
  cardsOf(a) === cardsOf(b);

/** The whole state, from GET /api/current-status or the stream's first event. */
function takeStatus(s: CurrentStatusJson): void {
  const first = app.status === null;
  // The stream's first event repeats the status just loaded (and a reconnect's, mostly what is shown):
  // a PDU whose reading did not change keeps its object, so nothing of it is drawn again.
  const prev = app.status?.pdus;
  if (prev) s.pdus = s.pdus.map((p) => prev.find((q) => sameReading(q, p)) ?? p);
  app.status = s;
  noteStatus(s);
  app.loadError = '';
  if (!app.selected) app.selected = new URLSearchParams(location.search).get('pdu') ?? s.pdus[0]?.id ?? '';
  const shown = selectedPdu();
  if (first && shown) prefetchCharts(shown.id);
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

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * The first load, retried with backoff (1 s, 2 s, 4 s … 30 s) until it or the live stream's first
 * event gives the state: a bridge that was restarting, or a proxy that answered 502 once, needs no
 * reload. Returns a stop function.
 */
export function load(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const attempt = async (delay: number) => {
    try {
      const s = await fetchStatus();
      if (!stopped) takeStatus(s);
    } catch (e) {
      noteLoadError(e);
      if (stopped || app.status) return;
      app.loadError = e instanceof Error ? e.message : String(e);
      app.retryAt = Date.now() + delay;
      timer = setTimeout(() => {
        if (!app.status) void attempt(Math.min(delay * 2, RETRY_MAX_MS));
      }, delay);
    }
  };
  void attempt(RETRY_FIRST_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
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
    const d = data<{ pdus: LiveJson[] } | CurrentStatusJson>(e);
    // The first event of a connection is the whole current status (bridge/http/live-stream.ts).
    if ('auth' in d) takeStatus(d);
    else merge(d.pdus);
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
  es.addEventListener('bridge-event', (e) => {
    app.events = [data<EventJson>(e), ...app.events].slice(0, 200);
  });
  es.addEventListener('history', (e) => {
    if (app.status) app.status.backfill = data<Pick<CurrentStatusJson, 'backfill'>>(e).backfill;
  });
  es.addEventListener('heartbeat', () => {
    app.stream = 'open';
  });
  const tick = setInterval(() => {
    app.now = Date.now();
  }, 1000);
  return () => {
    es.close();
    clearInterval(tick);
  };
}

/**
 * The theme follows the system's (prefers-color-scheme) until the user picks one with the toggle; the
 * pick is kept (localStorage) and wins from then on. index.html applies the same rule before paint.
 */
export function followSystemTheme(): () => void {
  const mq = matchMedia('(prefers-color-scheme: light)');
  const apply = () => {
    if (savedTheme()) return;
    app.theme = mq.matches ? 'light' : 'dark';
    document.documentElement.dataset.theme = app.theme;
  };
  apply();
  mq.addEventListener('change', apply);
  return () => mq.removeEventListener('change', apply);
}

export function setTheme(theme: Theme): void {
  app.theme = theme;
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}
