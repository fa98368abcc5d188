import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describeFsError, StartupError } from '../startup.ts';

export type Db = Database.Database;

/**
 * One numbered migration: `version` is the PRAGMA user_version after it has run. `up` is SQL, or a
 * function for a conversion SQL cannot express (packing rows into BLOBs); it runs in the same
 * transaction either way.
 */
export interface Migration {
  version: number;
  up: string | ((db: Db) => void);
}

/** The database was written by a newer build: this one must not touch it. */
export class SchemaTooNew extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`the history database is at schema ${found}, newer than this build (${supported})`);
  }
}

const KEY = 'db.path (R2M_DB_PATH)';

/** SQLite's answer at open time as one line naming the file and what to do (bridge/startup.ts). */
function openError(path: string, error: unknown): StartupError {
  if (error instanceof StartupError) return error;
  if (error instanceof SchemaTooNew) {
    return new StartupError(
      `database ${path} is at schema ${error.found}, newer than this build (${error.supported}): run a newer raritan2mqtt, or set ${KEY} to another file`,
    );
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const why = (() => {
    if (typeof code !== 'string') return message;
    if (code === 'SQLITE_NOTADB') return `it is not an SQLite database: set ${KEY} to another file`;
    if (code.startsWith('SQLITE_READONLY'))
      return 'it is read-only: the bridge records its history there (check the permissions of the file and its directory)';
    if (code === 'SQLITE_CANTOPEN') {
      const isDir = (() => {
        try {
          return statSync(path).isDirectory();
        } catch {
          return false;
        }
      })();
      return isDir
        ? `it is a directory: set ${KEY} to a file in it`
        : 'cannot open it (check the permissions of the file and its directory)';
    }
    if (code === 'SQLITE_CORRUPT') return `it is damaged (${message}): restore a backup or move it away`;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return 'it is locked by another process (another raritan2mqtt on the same file?)';
    if (code === 'SQLITE_FULL') return 'the disk is full';
    return message;
  })();
  return new StartupError(`database ${path}: ${why}`);
}

/**
 * Open the history database the way a long-running single-writer daemon wants it (in the spirit of
 * Actual's sync-server wrapper): WAL so readers never block the poll path, synchronous=NORMAL because
 * WAL+NORMAL keeps every committed transaction across a process crash (only an OS crash can lose the
 * last ones), and a busy timeout so a second process (the CLI, a backup) waits instead of failing.
 * Every failure is a StartupError naming the file.
 */
export function openDb(path: string, migrations: readonly Migration[]): Db {
  const shown = path === ':memory:' || path.startsWith('file:') ? path : resolve(path);
  // A fresh install has no ./data yet; the default path must work on first start.
  if (path !== ':memory:' && !path.startsWith('file:')) {
    const dir = dirname(path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StartupError(
        `database ${path}: cannot create the directory ${dir}: ${describeFsError(error)}`,
      );
    }
  }
  let db: Db;
  try {
    db = new Database(path);
  } catch (error) {
    throw openError(shown, error);
  }
  try {
    if (path !== ':memory:') {
      db.pragma('journal_mode = WAL');
      // Checkpoints run from a timer (scheduleCheckpoints); the automatic one is a backstop for bursts.
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    const version = migrate(db, migrations);
    // A read-only file opens, reads and even switches to WAL: only a write tells. Every poll writes,
    // so find out now rather than at the first poll (rewriting user_version changes nothing).
    db.pragma(`user_version = ${version}`);
  } catch (error) {
    db.close();
    throw openError(shown, error);
  }
  return db;
}

/**
 * WAL checkpoints off the poll path. SQLite's automatic checkpoint runs inside the commit that takes the
 * WAL past 1,000 pages, and with synchronous=NORMAL the checkpoint is where the fsyncs happen: one poll
 * in ~125 paid for them, ~10% of the live path's cost. Here a timer checkpoints between polls instead
 * (PASSIVE: it never waits for a reader nor blocks the writer); the automatic checkpoint stays as a
 * backstop for a burst of writes that never lets the timer run (a synchronous backfill), at 64 MB.
 */
export const BACKSTOP_PAGES = 16_384;

export function scheduleCheckpoints(db: Db, everyMs: number, onError: (err: unknown) => void): () => void {
  if (db.memory) return () => {};
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      onError(err);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Apply, in order and each in its own transaction, every migration above PRAGMA user_version. */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`history migrations must be numbered 1..n, found ${m.version}`);
  });
  let current = Number(db.pragma('user_version', { simple: true }));
  const latest = sorted.length;
  if (current > latest) throw new SchemaTooNew(current, latest);
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      // PRAGMA cannot take a bound parameter; the version is an integer from our own list.
      db.pragma(`user_version = ${m.version}`);
    })();
    current = m.version;
  }
  return current;
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}
