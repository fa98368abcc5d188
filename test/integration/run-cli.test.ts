import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { retained, watch } from '../helpers/mqtt-client.ts';

if (!hasMosquitto) console.warn(mosquittoSkipMessage);

/** `raritan2mqtt run` as a user starts it: env overrides, an external Mosquitto, SIGTERM to stop. */
describe.skipIf(!hasMosquitto)('raritan2mqtt run (npm start) with the single-PDU environment', () => {
  let agent: SimAgent;
  let broker: Mosquitto;
  let dir: string;
  let child: ChildProcess | undefined;
  let stderr = '';
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 12 } });
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'r2m-run-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await agent?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('polls, publishes retained state, and on SIGTERM records, publishes offline and closes the database', async () => {
    const db = join(dir, 'r2m.db');
    const watcher = await watch(broker.url, ['raritan2mqtt/#']);
    child = spawn(process.execPath, ['bin/raritan2mqtt.js', 'run'], {
      env: {
        ...process.env,
        R2M_CONFIG: '',
        R2M_PDU_HOST: '127.0.0.1',
        R2M_PDU_PORT: String(agent.port),
        R2M_PDU_COMMUNITY: 'public',
        R2M_PDU_ID: 'rack',
        R2M_POLL_INTERVAL: '1',
        R2M_MQTT_URL: broker.url,
        R2M_HTTP_PORT: String(await freeTcpPort()),
        R2M_HTTP_HOST: '127.0.0.1',
        R2M_DB_PATH: db,
        R2M_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const outlet = await watcher.waitFor((m) => m.topic === 'raritan2mqtt/rack/outlet/3', 20_000);
    expect(JSON.parse(outlet.payload)).toMatchObject({
      label: '3',
      state: expect.stringMatching(/^(on|off)$/),
    });
    await watcher.waitFor((m) => m.topic === 'raritan2mqtt/bridge/state' && m.payload === 'online');
    // A second poll lands (1 s interval), so the one in flight at SIGTERM is not the only one.
    await new Promise((r) => setTimeout(r, 1500));

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    expect(stderr).not.toMatch(/error/i);

    const state = await retained(broker.url, ['raritan2mqtt/bridge/state', 'raritan2mqtt/rack/outlet/3']);
    expect(state.get('raritan2mqtt/bridge/state')).toBe('offline');
    expect(state.has('raritan2mqtt/rack/outlet/3')).toBe(true);
    await watcher.close();

    // The database was closed cleanly (no WAL left to replay) and holds the polls.
    const sqlite = new Database(db, { readonly: true });
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all() as {
        name: string;
      }[];
      expect(tables.map((t) => t.name)).toContain('sample');
      const samples = sqlite.prepare('select count(*) as n from sample').get() as { n: number };
      expect(samples.n).toBeGreaterThanOrEqual(2 * 13);
    } finally {
      sqlite.close();
    }
  });

  it('refuses a bad configuration with one line naming the key', async () => {
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, ['bin/raritan2mqtt.js', 'run'], {
        env: { ...process.env, R2M_CONFIG: '', R2M_PDU_HOST: '127.0.0.1', R2M_PDU_PORT: 'abc' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      c.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      c.once('exit', (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/R2M_PDU_PORT/);
  });
});
