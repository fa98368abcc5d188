import { ApiError, type AuthInfo, type CurrentStatusJson, useAuthorization } from './api.ts';

/**
 * The panel's credentials (bridge/http/auth.ts, docs/security.md): asked once, kept in this browser
 * (localStorage), sent with every request, and as the cookie `r2m-auth` for what cannot send a header
 * (the event stream, the CSV link). Which credentials the bridge wants comes from its status or from a
 * 401's body.
 */

const KEY = 'r2m-auth';

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: ask again on each visit
  }
}

export const auth = $state({
  /** The Authorization header, once the user gave credentials. */
  authorization: stored(),
  /** Which credentials the bridge wants. */
  info: null as AuthInfo | null,
  /** The bridge shows nothing without credentials (http.protectReads). */
  readsNeedAuth: false,
});

export function setAuthorization(header: string | null): void {
  auth.authorization = header;
  useAuthorization(header);
  try {
    if (header) localStorage.setItem(KEY, header);
    else localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the credentials last for this page.
  }
  // The event stream and the CSV download cannot send a header: they read with this cookie, which
  // the bridge accepts for reads only (a cookie goes with any site's form, so never for a write).
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Firefox and older Safari.
  document.cookie = header
    ? `${KEY}=${encodeURIComponent(header)}; path=/; max-age=31536000; SameSite=Strict`
    : `${KEY}=; path=/; max-age=0; SameSite=Strict`;
}
// The cookie again (it may have expired while localStorage kept the credentials).
if (auth.authorization) setAuthorization(auth.authorization);

/** The bridge's status was read: it says which credentials writes want. */
export function noteStatus(status: CurrentStatusJson): void {
  auth.info = { mode: status.auth, tokenFile: status.token_file };
  auth.readsNeedAuth = false;
}

/** A request was refused for want of credentials (a 401 with the bridge's answer). */
export function noteRefusal(info: AuthInfo): void {
  auth.info = info;
}

/** Loading the status failed: was it for want of credentials? */
export function noteLoadError(e: unknown): void {
  if (e instanceof ApiError && e.auth) {
    auth.info = e.auth;
    auth.readsNeedAuth = true;
  }
}
