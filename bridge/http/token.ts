import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import { describeFsError, StartupError } from '../startup.ts';

/**
 * The token the bridge makes for itself when no HTTP credentials are configured and the panel is
 * reachable from other machines (docs/security.md): random, created once, kept beside the database in
 * a file only the bridge's user can read, and reused on every start so a browser that has it keeps
 * working. Its path is logged; the token never is.
 */

export const TOKEN_FILE = 'http-token';
/** A token a user wrote into the file themselves must be at least this long. */
const MIN_LENGTH = 16;

/** Where the generated token lives for a database path; null without a directory (":memory:"). */
export function tokenFileFor(dbPath: string): string | null {
  if (dbPath === ':memory:' || dbPath === '' || dbPath.startsWith('file:')) return null;
  return join(dirname(resolve(dbPath)), TOKEN_FILE);
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

function create(path: string): string {
  const token = randomBytes(32).toString('base64url');
  // 'wx': never overwrite a token another process (a second bridge on the same data) just made.
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}

/** The token in `path`, made first when there is none. Throws a StartupError naming the file. */
export function loadOrCreateToken(path: string, log: Logger): string {
  const fail = (what: string) =>
    new StartupError(
      `HTTP token file ${path}: ${what} (or set http.token, or http.username and http.password)`,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw fail(`cannot read it: ${describeFsError(error)}`);
    try {
      const token = create(path);
      log.info({ file: path }, 'created the HTTP token for writes from other machines');
      return token;
    } catch (inner) {
      if (errno(inner) === 'EEXIST') return loadOrCreateToken(path, log);
      throw fail(`cannot create it: ${describeFsError(inner)}`);
    }
  }
  const token = text.trim();
  if (token.length < MIN_LENGTH || /\s/.test(token)) {
    throw fail(
      `holds no usable token (one line, at least ${MIN_LENGTH} characters): delete it to get a new one`,
    );
  }
  try {
    // Made 0600; copied or restored from a backup it may have become readable by everyone.
    if ((statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      log.warn({ file: path }, 'the HTTP token file was readable by other users: made it 0600');
    }
  } catch (error) {
    log.warn({ file: path, err: describeFsError(error) }, 'could not restrict the HTTP token file to 0600');
  }
  return token;
}
