import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../bridge/history/db.ts';
import { migrations } from '../../bridge/history/migrations.ts';
import { freeTcpPort, freeUdpPort } from '../../support/ports.ts';
import { NOBODY, runCli, runningAsRoot } from '../helpers/cli.ts';

/**
 * Every start-up failure of `raritan2mqtt run` is one line on stderr naming the path or port and the
 * key that sets it, no stack trace, exit code 1. The real CLI, spawned as a user starts it.
 */

let dir: string;
let pduPort: number;
const held: Server[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'r2m-startup-'));
  // The unprivileged child (nobody, when the tests run as root) must read its config here.
  chmodSync(dir, 0o755);
  pduPort = await freeUdpPort();
});
afterAll(async () => {
  for (const s of held) await new Promise((r) => s.close(r));
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A config with one (silent) PDU and every listener on a free port unless given. */
function config(extra: { db?: string; http?: object; mqtt?: object }): string {
  const file = join(dir, `c${++seq}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      pdus: [{ id: 'a', host: '127.0.0.1', port: pduPort }],
      db: { path: extra.db ?? join(dir, `ok${seq}.db`) },
      http: { host: '127.0.0.1', port: 0, ...extra.http },
      mqtt: { port: 0, ...extra.mqtt },
      log: { level: 'warn' },
    }),
  );
  chmodSync(file, 0o644);
  return file;
}

async function failsWith(file: string, expected: RegExp, unprivileged = false): Promise<string> {
  const r = await runCli(['run', '-c', file], { unprivileged });
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(expected);
  expect(r.code).toBe(1);
  return lines[0] ?? '';
}

async function holdPort(): Promise<number> {
  const port = await freeTcpPort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  held.push(server);
  return port;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('raritan2mqtt run: a start-up failure is one clear line', () => {
  it('a database directory that cannot be created (a file in the way)', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    const db = join(dir, 'afile/sub/r2m.db');
    await failsWith(
      config({ db }),
      new RegExp(
        `^database ${esc(db)}: cannot create the directory ${esc(join(dir, 'afile/sub'))}: a part of the path is a file`,
      ),
    );
  });

  it('a database directory the bridge may not write', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    // Owned by root (as root) or read-only (otherwise): the bridge's user cannot create anything in it.
    if (!runningAsRoot) chmodSync(locked, 0o555);
    const db = join(locked, 'sub/r2m.db');
    await failsWith(
      config({ db }),
      new RegExp(`^database ${esc(db)}: cannot create the directory .*: permission denied$`),
      true,
    );
  });

  it('a file that is not an SQLite database', async () => {
    const db = join(dir, 'notes.db');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(50));
    await failsWith(
      config({ db }),
      new RegExp(`^database ${esc(db)}: it is not an SQLite database: set db.path \\(R2M_DB_PATH\\)`),
    );
  });

  it('a directory where the database file belongs', async () => {
    const db = join(dir, 'adir');
    mkdirSync(db);
    await failsWith(config({ db }), new RegExp(`^database ${esc(db)}: it is a directory`));
  });

  it('a database from a newer schema', async () => {
    const db = join(dir, 'newer.db');
    const sqlite = new Database(db);
    sqlite.pragma(`user_version = ${migrations.length + 3}`);
    sqlite.close();
    await failsWith(
      config({ db }),
      new RegExp(
        `^database ${esc(db)} is at schema ${migrations.length + 3}, newer than this build \\(${migrations.length}\\): run a newer raritan2mqtt`,
      ),
    );
  });

  it('a read-only database file (already migrated: only a write tells)', async () => {
    const rodir = join(dir, 'ro');
    mkdirSync(rodir, { mode: 0o755 });
    const db = join(rodir, 'r2m.db');
    openDb(db, migrations).close();
    // The directory stays writable for the bridge's user (SQLite may create its -wal and -shm files);
    // the file itself is not: root's, 0644, as root; 0444 otherwise.
    if (runningAsRoot) chownSync(rodir, NOBODY.uid, NOBODY.gid);
    chmodSync(db, runningAsRoot ? 0o644 : 0o444);
    await failsWith(
      config({ db }),
      new RegExp(`^database ${esc(db)}: it is read-only: the bridge records its history there`),
      true,
    );
  });

  it('the HTTP port in use', async () => {
    const port = await holdPort();
    await failsWith(
      config({ http: { port } }),
      new RegExp(
        `^HTTP server: port ${port} on 127\\.0\\.0\\.1 is already in use .*: choose another with http\\.port \\(R2M_HTTP_PORT\\)$`,
      ),
    );
  });

  it('the embedded MQTT port in use', async () => {
    const port = await holdPort();
    await failsWith(
      config({ mqtt: { port } }),
      new RegExp(
        `^embedded MQTT broker: port ${port} on 127\\.0\\.0\\.1 is already in use .*mqtt\\.port \\(R2M_MQTT_PORT\\)$`,
      ),
    );
  });

  it('the embedded MQTT WebSocket port in use', async () => {
    const port = await holdPort();
    await failsWith(
      config({ mqtt: { wsPort: port } }),
      new RegExp(
        `^embedded MQTT broker: port ${port} on 127\\.0\\.0\\.1 is already in use .*mqtt\\.wsPort \\(R2M_MQTT_WS_PORT\\)$`,
      ),
    );
  });

  it('an HTTP address that is not this machine’s', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned here, so binding it fails (nothing is sent).
    await failsWith(
      config({ http: { host: '192.0.2.254' } }),
      /^HTTP server: 192\.0\.2\.254 is not an address of this machine: check http\.host/,
    );
  });
});
