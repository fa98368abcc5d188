import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistory } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import {
  hasMosquitto,
  type Mosquitto,
  mosquittoSkipMessage,
  startMosquitto,
} from '../../support/mosquitto.ts';
import { type Daemon, startDaemon, writeConfig } from '../helpers/daemon.ts';
import { retained, type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The daemon on real processes under the faults a deployment meets: killed with SIGKILL in the middle
 * of its writes again and again, its database's disk full, its database's file system turned read-only
 * under it (as ext4 does after an I/O error).
 * Watched as Home Assistant would see it — the energy values on a real Mosquitto that outlives the
 * daemon — beside what the history holds. Throughout: the daemon keeps polling and publishing, no
 * energy value ever goes down, the database stays sound, and at the end the energy the history holds
 * is the energy MQTT published, to the mWh.
 */

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const BASE = 'fault';
if (!hasMosquitto) console.warn(mosquittoSkipMessage);

describe.skipIf(!hasMosquitto)('the daemon under faults', () => {
  let agent: SimAgent;
  let mosquitto: Mosquitto;
  let watcher: Watcher;
  let dir: string;
  /** outlet topic -> the energy values seen, in order. */
  const energy = new Map<string, number[]>();
  let polls = 0;

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 12 } });
    mosquitto = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'r2m-fault-daemon-'));
    watcher = await watch(mosquitto.url, [
      `${BASE}/pdu1/outlet/+`,
      `${BASE}/pdu1`,
      `${BASE}/pdu1/diagnostics`,
    ]);
    watcher.client.on('message', (topic, payload) => {
      if (topic.endsWith('/diagnostics')) {
        polls++;
        return;
      }
      const value = (JSON.parse(payload.toString()) as { energy?: number | null }).energy;
      if (typeof value !== 'number') return;
      const list = energy.get(topic) ?? [];
      list.push(value);
      energy.set(topic, list);
    });
  });
  afterAll(async () => {
    await watcher?.close();
    await mosquitto?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function config(dbPath: string): string {
    const configDir = mkdtempSync(join(dir, 'cfg-'));
    return writeConfig(configDir, {
      pdus: [
        { id: 'pdu1', host: '127.0.0.1', port: agent.port, pollInterval: 0.3, timeout: 500, retries: 0 },
      ],
      mqtt: { url: mosquitto.url, baseTopic: BASE, bridgeId: 'fault' },
      http: { host: '127.0.0.1', port: 0 },
      db: { path: dbPath },
      log: { level: 'info' },
    });
  }

  async function morePolls(n: number, daemon: Daemon): Promise<void> {
    const until = polls + n;
    const deadline = Date.now() + 30_000;
    while (polls < until) {
      if (Date.now() > deadline || daemon.child.exitCode !== null)
        throw new Error(`no ${n} more polls (exit ${daemon.child.exitCode}): ${daemon.stderr().slice(-300)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Energy never went down on any outlet, as HA's total_increasing sensors saw it. */
  function expectNeverDecreased(): void {
    expect(energy.size).toBeGreaterThan(0);
    for (const [topic, values] of energy)
      for (let i = 1; i < values.length; i++)
        expect(values[i]!, topic).toBeGreaterThanOrEqual(values[i - 1]!);
  }

  /** After a clean stop: every channel's retained energy is the history's total, to the mWh. */
  async function expectHistoryAgreesWithMqtt(dbPath: string): Promise<void> {
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    // What the history would restore the energy tracker from at the next start (its own API, not SQL).
    const history = createHistory({ path: dbPath, log: silentLogger });
    history.start();
    const totals = history.energyStates().filter((e) => e.id === 'pdu1');
    await history.stop();
    const topics = await retained(mosquitto.url, [`${BASE}/pdu1/outlet/+`, `${BASE}/pdu1`]);
    expect(totals.length).toBe(13);
    for (const { channel, state } of totals) {
      const topic = channel === 0 ? `${BASE}/pdu1` : `${BASE}/pdu1/outlet/${channel}`;
      const published = (JSON.parse(topics.get(topic) ?? '{}') as { energy: number }).energy;
      expect(Math.round(published * 1e6), topic).toBe(state.total);
    }
  }

  it('SIGKILL in the middle of the writes, five times: sound database, energy never down, history = MQTT', async () => {
    const dbPath = join(dir, 'kill', 'r2m.db');
    const file = config(dbPath);
    for (let round = 0; round < 5; round++) {
      const daemon = startDaemon(file);
      await morePolls(3, daemon);
      // Somewhere inside the next poll's write, not at a tidy moment.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
      expect(await daemon.kill('SIGKILL')).toBeNull();
    }
    const last = startDaemon(file);
    await morePolls(3, last);
    expect(await last.kill('SIGTERM')).toBe(0);
    expectNeverDecreased();
    await expectHistoryAgreesWithMqtt(dbPath);
  }, 180_000);

  describe.skipIf(!root)('a database on its own small file system (tmpfs; needs root)', () => {
    let mount: string;
    beforeAll(() => {
      mount = join(dir, 'tmpfs');
      mkdirSync(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
    });
    afterAll(() => {
      if (mount) execFileSync('umount', ['-l', mount]);
    });

    /** Fills the file system to the last byte; returns the filler to delete. */
    function fill(): string {
      const filler = join(mount, 'filler');
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
      // The last partial chunk too, byte by byte in 4 kB steps.
      try {
        for (;;) writeSync(fd, chunk, 0, 4096);
      } catch {
        // full
      } finally {
        closeSync(fd);
      }
      return filler;
    }

    const failures = (d: Daemon) => d.log.filter((l) => l.msg === 'history: poll not recorded');

    it('full disk: polling and publishing go on, one clear error per poll, history catches up when space is back', async () => {
      const dbPath = join(mount, 'full', 'r2m.db');
      const daemon = startDaemon(config(dbPath));
      await morePolls(3, daemon);
      const filler = fill();
      await morePolls(6, daemon);
      expect(daemon.child.exitCode).toBeNull();
      const errors = failures(daemon);
      expect(errors.length).toBeGreaterThan(0);
      expect(String(errors[0]?.error)).toMatch(/full/i);
      rmSync(filler);
      const seen = failures(daemon).length;
      await morePolls(6, daemon);
      expect(failures(daemon).length - seen).toBeLessThanOrEqual(1); // the poll in flight, at most
      expect(await daemon.kill('SIGTERM')).toBe(0);
      expectNeverDecreased();
      await expectHistoryAgreesWithMqtt(dbPath);
    }, 120_000);
  });

  describe.skipIf(!root || !existsSync('/usr/sbin/mkfs.ext4') || !existsSync('/usr/sbin/losetup'))(
    'a database on an ext4 file system that fails (loop device; needs root)',
    () => {
      let image: string;
      let device: string;
      let mount: string;
      const mountRw = () =>
        execFileSync('mount', ['-o', 'errors=remount-ro', device, mount], { stdio: 'ignore' });
      beforeAll(() => {
        image = join(dir, 'ext4.img');
        mount = join(dir, 'ext4');
        mkdirSync(mount);
        execFileSync('truncate', ['-s', '64M', image]);
        execFileSync('mkfs.ext4', ['-q', '-F', image]);
        device = execFileSync('losetup', ['-f', '--show', image]).toString().trim();
        mountRw();
      });
      afterAll(() => {
        if (mount) execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
        if (device) execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
      });

      it('goes read-only under the running daemon: it keeps polling and publishing, stops cleanly, and a restart after the repair resumes the history', async () => {
        const dbPath = join(mount, 'r2m.db');
        const file = config(dbPath);
        const daemon = startDaemon(file);
        await morePolls(3, daemon);
        // What ext4 does after an I/O error with errors=remount-ro: read-only at once, open files or not.
        execFileSync('mount', ['-o', 'remount,abort', mount], { stdio: 'ignore' });
        await morePolls(6, daemon);
        expect(daemon.child.exitCode).toBeNull();
        const errors = daemon.log.filter((l) => l.msg === 'history: poll not recorded');
        expect(errors.length).toBeGreaterThan(0);
        expect(String(errors.at(-1)?.error)).toMatch(/read-?only|readonly|I\/O|disk/i);
        expect(await daemon.kill('SIGTERM')).toBe(0);

        // The repair: unmount, check, mount again; then the same daemon on the same database.
        execFileSync('umount', [mount]);
        try {
          execFileSync('e2fsck', ['-f', '-y', device], { stdio: 'ignore' });
        } catch {
          // e2fsck exits 1 when it fixed something: expected after an abort.
        }
        mountRw();
        const again = startDaemon(file);
        await morePolls(6, again);
        expect(again.log.filter((l) => l.msg === 'history: poll not recorded')).toEqual([]);
        expect(await again.kill('SIGTERM')).toBe(0);
        expectNeverDecreased();
        await expectHistoryAgreesWithMqtt(dbPath);
      }, 120_000);
    },
  );
});
