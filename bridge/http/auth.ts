import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpConfig } from './types.ts';

/**
 * Optional authentication of the write endpoints: a bearer token, HTTP basic auth, or both (either
 * one passes). Comparisons are constant-time over SHA-256 digests, so neither the secret's content
 * nor its length leaks through timing. Secrets never leave this module.
 */

export type AuthMode = 'none' | 'token' | 'basic' | 'token-or-basic';

export interface Auth {
  readonly mode: AuthMode;
  /** True when no auth is configured or the header carries valid credentials. */
  check(authorization: string | undefined): boolean;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const same = (a: Buffer, b: Buffer) => timingSafeEqual(a, b);

export function createAuth(config: Pick<HttpConfig, 'token' | 'username' | 'password'>): Auth {
  const token = config.token ? digest(config.token) : undefined;
  const basic =
    config.username && config.password ? digest(`${config.username}:${config.password}`) : undefined;
  const mode: AuthMode = token && basic ? 'token-or-basic' : token ? 'token' : basic ? 'basic' : 'none';
  return {
    mode,
    check(header) {
      if (mode === 'none') return true;
      if (!header) return false;
      const space = header.indexOf(' ');
      if (space < 0) return false;
      const scheme = header.slice(0, space).toLowerCase();
      const value = header.slice(space + 1).trim();
      if (scheme === 'bearer' && token) return same(digest(value), token);
      if (scheme === 'basic' && basic) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        return same(digest(decoded), basic);
      }
      return false;
    },
  };
}
