import {
  ApiError,
  type AuthInfo,
  type CurrentStatusJson,
  fetchStatus,
  type PduJson,
  useAuthorization,
} from './api.ts';

/**
 * The panel's shared state (svelte-devtools style: one $state object in a .svelte.ts module).
 * Components read it directly; only the functions below write it.
 */

export type Health = 'live' | 'stale' | 'offline' | 'waiting';
export type Theme = 'dark' | 'light';

const AUTH_KEY = 'r2m-auth';

function storedAuthorization(): string | null {
  try {
    return localStorage.getItem(AUTH_KEY);
  } catch {
    return null; // storage disabled: ask again on each visit
  }
}

export const app = $state({
  status: null as CurrentStatusJson | null,
  loadError: '',
  selected: '',
  stream: 'connecting' as 'connecting' | 'open' | 'error',
  /** Bumped on every reading of the selected PDU: charts of short periods refresh on it. */
  readings: 0,
  now: Date.now(),
  theme: (document.documentElement.dataset.theme === 'light' ? 'light' : 'dark') as Theme,
  /**
   * The Authorization header, once the user gave credentials: kept in this browser (localStorage),
   * so the panel asks once; sent with writes, and with reads when the bridge protects them.
   */
  authorization: storedAuthorization(),
  /** Which credentials the bridge wants, from its status or its last 401 (bridge/http/auth.ts). */
  auth: null as AuthInfo | null,
  /** The bridge refused to show anything without credentials (http.protectReads). */
  readsNeedAuth: false,
});
// The cookie too (it may have expired while localStorage kept the credentials).
if (app.authorization) setAuthorization(app.authorization);

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
    app.auth = { mode: app.status.auth, tokenFile: app.status.token_file };
    app.readsNeedAuth = false;
    app.loadError = '';
    if (!app.selected)
      app.selected = new URLSearchParams(location.search).get('pdu') ?? app.status.pdus[0]?.id ?? '';
  } catch (e) {
    if (e instanceof ApiError && e.auth) {
      app.auth = e.auth;
      app.readsNeedAuth = true;
    }
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

export function setAuthorization(header: string | null): void {
  app.authorization = header;
  useAuthorization(header);
  try {
    if (header) localStorage.setItem(AUTH_KEY, header);
    else localStorage.removeItem(AUTH_KEY);
  } catch {
    // Storage disabled: the credentials last for this page.
  }
  // The event stream and the CSV download cannot send a header: they read with this cookie, which
  // the bridge accepts for reads only (a cookie goes with any site's form, so never for a write).
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Firefox and older Safari.
  document.cookie = header
    ? `${AUTH_KEY}=${encodeURIComponent(header)}; path=/; max-age=31536000; SameSite=Strict`
    : `${AUTH_KEY}=; path=/; max-age=0; SameSite=Strict`;
}

/** A write was refused: remember which credentials the bridge wants, for the prompt. */
export function noteAuth(info: AuthInfo): void {
  app.auth = info;
}
