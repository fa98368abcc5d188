import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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

/**
 * Open the history database the way a long-running single-writer daemon wants it (in the spirit of
 * Actual's sync-server wrapper): WAL so readers never block the poll path, synchronous=NORMAL because
 * WAL+NORMAL keeps every committed transaction across a process crash (only an OS crash can lose the
 * last ones), and a busy timeout so a second process (the CLI, a backup) waits instead of failing.
 */
export function openDb(path: string, migrations: readonly Migration[]): Db {
  // A fresh install has no ./data yet; the default path must work on first start.
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // Checkpoints run from a timer (scheduleCheckpoints); the automatic one is a backstop for bursts.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
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
  if (current > latest) {
    throw new Error(`history database is at schema ${current}, newer than this build (${latest})`);
  }
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
