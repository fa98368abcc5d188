import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../../bridge/bus.ts';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import type { SavedEnergy } from '../../bridge/facts/energy-tracker.ts';
import { fillDemo } from '../../bridge/history/backfill.ts';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import { silentLogger } from '../../bridge/log.ts';
import type { PduReading } from '../../bridge/readings.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { readingsFromSim } from '../../bridge/sim/history-readings.ts';
import { loadConfig } from '../../config/load.ts';
import { rollupRows } from '../helpers/rollups.ts';

/**
 * The demo's hand-off on real parts: the bridge polls a simulated PDU and serves it while the history's
 * past is filled in behind it (bridge/history/consumer.ts). Live polls wait for the backfill, none is
 * lost, and afterwards the energy totals of every channel are the ones the polls carried to MQTT, with
 * every Wh the history booked accounted for once.
 */

const HOUR = 3_600_000;

const until = async (cond: () => boolean, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

interface Snapshot {
  time: number;
  states: SavedEnergy[];
  /** Energy booked per channel over every daily bucket, mWh. */
  booked: Map<number, number>;
}

describe('the history filled in behind a running bridge', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  const polls: PduReading[] = [];
  /** Good polls by the poll's own time (the `recorded` event's). */
  const byPoll = new Map<number, PduReading>();
  const snapshots: Snapshot[] = [];
  let during: { status: CurrentStatusJson; ports: { ports: unknown[] }; lastRecorded: number | null };
  let filled = false;
  /** Each channel's total when the backfill first saw it (its first poll, a year... two days ago). */
  const origins = new Map<number, number>();

  beforeAll(async () => {
    agent = await startSimAgent({});
    dir = mkdtempSync(join(tmpdir(), 'r2m-fill-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          { id: 'pdu1', host: '127.0.0.1', port: agent.port, pollInterval: 2, timeout: 1000, retries: 1 },
        ],
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    const get = async <T>(path: string) =>
      (await (await fetch(`http://127.0.0.1:${bridge.http?.port}${path}`)).json()) as T;
    // What the polls carried (MQTT publishes each poll's `energy`), and, after each commit once the
    // past is filled, what the history holds at that moment.
    const probe = ({
      bus,
      history,
    }: Parameters<NonNullable<Parameters<typeof createBridge>[0]['consumers']>[number]>[0]): Consumer => {
      const off: (() => void)[] = [];
      return {
        name: 'probe',
        start() {
          off.push(
            bus.on('poll', (p) => {
              if (!p.ok) return;
              polls.push(p.units[0] as PduReading);
              byPoll.set(p.time, p.units[0] as PduReading);
            }),
            bus.on('recorded', (r) => {
              if (!filled) return;
              const booked = new Map<number, number>();
              for (const row of rollupRows(history.db(), '1d'))
                booked.set(row.outlet, (booked.get(row.outlet) ?? 0) + row.e);
              // The poll's own listener may run after this one (consumers never rely on order): the
              // poll is looked up when the snapshots are checked.
              snapshots.push({ time: r.time, states: history.energyStates(), booked });
            }),
          );
        },
        stop() {
          for (const f of off) f();
        },
      };
    };
    const model = readingsFromSim(agent.model, 'pdu1');
    bridge = createBridge({
      config,
      log: silentLogger,
      consumers: [probe],
      backfill: async (history, report, signal) => {
        const now = Date.now();
        // The older part first; then live polls arrive while it is not finished, and must wait.
        const a = await fillDemo({
          history,
          model,
          ids: ['pdu1'],
          now: now - 2 * HOUR,
          days: 2,
          onProgress: report,
          signal,
        });
        for (const e of history.energyStates()) origins.set(e.channel, e.state.origin);
        await until(() => polls.length >= 3 && bridge.http !== undefined, 'three live polls');
        during = {
          status: await get<CurrentStatusJson>('/api/current-status'),
          ports: await get<{ ports: unknown[] }>('/api/ports'),
          lastRecorded: history.pdus()[0]?.lastTime ?? null,
        };
        // The rest up to now: it resumes after the last poll recorded.
        const b = await fillDemo({ history, model, ids: ['pdu1'], now, days: 2, onProgress: report, signal });
        filled = true;
        return { polls: a.polls + b.polls, rows: a.rows + b.rows };
      },
    });
    await bridge.start();
    // The polls queued during the backfill, then a few recorded as they come.
    await until(() => snapshots.length >= 6, 'polls recorded after the backfill', 40_000);
  });
  afterAll(async () => {
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the live outlets while the past is still being filled in, and holds live polls back', () => {
    expect(during.status.backfill).not.toBeNull();
    expect(during.status.backfill?.done).toBeLessThanOrEqual(during.status.backfill?.total ?? 0);
    expect(during.status.pdus[0]?.outlets).toHaveLength(36);
    expect(during.ports.ports).toHaveLength(36);
    // Nothing live was recorded yet: the history still ends before the first live poll.
    expect(during.lastRecorded).toBeLessThan(polls[0]?.time ?? 0);
  });

  it('records every live poll once the past is filled: none is dropped as older than the backfill', () => {
    const db = bridge.history.db();
    const have = new Set(
      db.prepare<[], number>('SELECT ts FROM sample WHERE pdu = 1 AND outlet = 0').pluck().all(),
    );
    const recorded = polls.filter((p) => p.time <= (snapshots.at(-1)?.time ?? 0));
    expect(recorded.length).toBeGreaterThanOrEqual(5);
    expect(recorded.filter((p) => !have.has(Math.floor(p.time / 1000))).map((p) => p.time)).toEqual([]);
    // The backfill reached the minute before the bridge started: no gap of more than one poll step.
    const first = Math.floor((polls[0]?.time ?? 0) / 1000);
    const before = db
      .prepare<[number], number>('SELECT max(ts) FROM sample WHERE pdu = 1 AND ts < ?')
      .pluck();
    // The backfill ends at the minute before it started (the bridge's start): at most two steps of 60 s.
    expect(first - (before.get(first) ?? 0)).toBeLessThanOrEqual(125);
    expect(
      bridge.history.powerSeries({ pdu: 'pdu1', period: 'week' }).lines[0]?.avg.filter((v) => v !== null)
        .length,
    ).toBeGreaterThan(45);
  });

  it("keeps MQTT's energy totals and the history's one series: every channel's total is the poll's, every Wh booked once", () => {
    for (const s of snapshots) {
      const unit = byPoll.get(s.time) as PduReading;
      const energy = (channel: number) =>
        channel === 0 ? unit.inlet.energy : (unit.outlets.find((o) => o.outlet === channel)?.energy ?? null);
      const states = s.states.filter((e) => e.id === 'pdu1');
      expect(states).toHaveLength(37);
      for (const { channel, state } of states) {
        // The published kWh is the tracker's total, and the history stored exactly that total.
        expect(energy(channel), `channel ${channel}`).toBe(state.total / 1e6);
        // What the history booked over all its buckets, backfill and live, is what the total grew by
        // since the backfill's first poll: the hand-off neither lost nor doubled a Wh.
        expect(s.booked.get(channel) ?? 0, `channel ${channel}`).toBe(
          state.total - (origins.get(channel) ?? Number.NaN),
        );
      }
    }
    // The energy flowed: the inlet's total grew across the snapshots.
    expect(
      (snapshots.at(-1)?.states[0]?.state.total ?? 0) - (snapshots[0]?.states[0]?.state.total ?? 0),
    ).toBeGreaterThan(0);
  });
});
