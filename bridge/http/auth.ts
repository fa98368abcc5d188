import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpConfig } from '../../config/types.ts';
import { hostOfHeader, isLoopbackAddress, isLoopbackName } from '../loopback.ts';

/**
 * Who may write (rename, switch, any POST) and, with `protectReads`, read (docs/security.md):
 * - credentials configured (`http.token`, `http.username` + `http.password`): everyone presents them,
 *   this machine too (a reverse proxy here would otherwise open the writes to everyone behind it);
 * - none configured: requests from this machine need nothing; others need the token the bridge
 *   generated (http/token.ts), or, without one (a loopback-only server, a database in memory),
 *   are refused.
 * Comparisons are constant-time over SHA-256 digests, so neither a secret's content nor its length
 * leaks through timing. Secrets never leave this module.
 */

/** `local`: no credentials exist; only this machine may write. */
export type AuthMode = 'local' | 'token' | 'basic' | 'token-or-basic';
export type Access = 'read' | 'write';

export interface AuthRequest {
  /** The socket's peer address (never a header). */
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface Refusal {
  error: string;
  auth: AuthMode;
  /** Where the generated token is, so the panel can say so; null when there is none. */
  token_file: string | null;
}

export interface Auth {
  readonly mode: AuthMode;
  /** The generated token's file, when the bridge made one (the path only). */
  readonly tokenFile: string | undefined;
  readonly protectReads: boolean;
  allows(req: AuthRequest, access: Access): boolean;
  /** The body of the 401 answer. */
  refusal(access: Access): Refusal;
}

/** The Config's http credentials (unset: null), and the token the bridge generated. */
export type AuthOptions = Partial<Pick<HttpConfig, 'token' | 'username' | 'password' | 'protectReads'>> & {
  /** The token the bridge generated (no credentials configured, a server beyond loopback). */
  generated?: { token: string; file: string } | undefined;
};

/** The cookie the panel sets with the Authorization value, for reads a header cannot go with. */
export const AUTH_COOKIE = 'r2m-auth';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * A request from this machine, as the socket says, that no proxy forwarded (a proxy here makes every
 * request loopback; its forwarding headers only ever take the exemption away, so forging them gains
 * nothing) and whose Host names this machine (a page of another site that resolved its own name to
 * 127.0.0.1, DNS rebinding, sends its own name).
 */
export function isLocalRequest(req: AuthRequest): boolean {
  if (!isLoopbackAddress(req.remoteAddress)) return false;
  const h = req.headers;
  if (h.forwarded !== undefined || h['x-forwarded-for'] !== undefined || h['x-real-ip'] !== undefined)
    return false;
  const host = hostOfHeader(h.host);
  return host !== undefined && isLoopbackName(host);
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function createAuth(o: AuthOptions): Auth {
  const configuredToken = o.token || undefined;
  const tokenSecret = configuredToken ?? o.generated?.token;
  const token = tokenSecret ? digest(tokenSecret) : undefined;
  const basic = o.username && o.password ? digest(`${o.username}:${o.password}`) : undefined;
  const configured = Boolean(configuredToken || basic);
  const tokenFile = configured ? undefined : o.generated?.file;
  const mode: AuthMode = token && basic ? 'token-or-basic' : token ? 'token' : basic ? 'basic' : 'local';
  const protectReads = o.protectReads ?? false;

  function valid(authorization: string | undefined): boolean {
    if (!authorization) return false;
    const space = authorization.indexOf(' ');
    if (space < 0) return false;
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'bearer' && token) return timingSafeEqual(digest(value), token);
    if (scheme === 'basic' && basic) {
      return timingSafeEqual(digest(Buffer.from(value, 'base64').toString('utf8')), basic);
    }
    return false;
  }

  return {
    mode,
    tokenFile,
    protectReads,
    allows(req, access) {
      if (access === 'read' && !protectReads) return true;
      if (valid(req.headers.authorization)) return true;
      // The cookie opens reads only: a browser sends it with any site's form, so never a write.
      if (access === 'read' && valid(cookie(req.headers.cookie, AUTH_COOKIE))) return true;
      return !configured && isLocalRequest(req);
    },
    refusal(access) {
      const what = access === 'write' ? 'writes' : 'reads';
      const error =
        mode === 'local'
          ? `${what} are accepted from the bridge's own machine only: set http.token (or http.username and http.password) to allow them from the network`
          : tokenFile
            ? `authentication required: the token is in ${tokenFile} on the bridge's machine`
            : 'authentication required';
      return { error, auth: mode, token_file: tokenFile ?? null };
    },
  };
}
