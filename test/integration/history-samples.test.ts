import { afterEach, describe, expect, it } from 'vitest';
import { createEnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { reading } from '../../bridge/sim/synthetic.ts';

/**
 * The raw samples of a poll are written as one multi-row statement (bridge/history/sample-writer.ts):
 * every channel lands in its own row, a unit wider than one statement is split, and a second poll in
 * the same second keeps the newer readings and adds its energy.
 */

const T = Date.UTC(2025, 5, 1, 12, 0);
let h: History | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const open = () => {
  h = createHistory({ path: ':memory:', log: silentLogger, now: () => T + 60_000 });
  h.start();
  return h;
};
type Row = { outlet: number; p: number | null; v: number | null; c: number | null; de: number };
const rows = (history: History, ts: number) =>
  history
    .db()
    .prepare('SELECT outlet, p, v, c, de FROM sample WHERE ts = ? ORDER BY outlet')
    .all(ts / 1000) as Row[];

describe('raw samples of a poll', () => {
  it('are one row per channel, for a unit wider than one statement too', () => {
    const history = open();
    const energy = createEnergyTracker();
    const outlets = Array.from({ length: 100 }, (_, k) => ({
      power: k,
      voltage: 230,
      energy_counter: 1000 + k,
    }));
    expect(history.record(energy.track([reading('wide', T, outlets)]).units).ok).toBe(true);
    const got = rows(history, T);
    expect(got).toHaveLength(101);
    expect(got.slice(1)).toEqual(
      outlets.map((o, k) => ({ outlet: k + 1, p: o.power * 10, v: 2300, c: o.energy_counter, de: 0 })),
    );
    // The next poll books each counter's step on its own outlet.
    const next = outlets.map((o, k) => ({ ...o, energy_counter: o.energy_counter + k }));
    expect(history.record(energy.track([reading('wide', T + 60_000, next)]).units).ok).toBe(true);
    // (The inlet has no counter here: its energy is integrated from power, docs/energy.md.)
    expect(
      rows(history, T + 60_000)
        .slice(1)
        .map((r) => r.de),
    ).toEqual(outlets.map((_, k) => k * 1000));
  });

  it('of a second poll in the same second keep the newer readings and add its energy', () => {
    const history = open();
    const energy = createEnergyTracker();
    const poll = (ms: number, power: number, counter: number) =>
      history.record(energy.track([reading('pdu1', ms, [{ power, energy_counter: counter }])]).units);
    expect(poll(T - 60_000, 100, 500).ok).toBe(true);
    expect(poll(T, 200, 502).ok).toBe(true);
    expect(poll(T + 400, 300, 505).ok).toBe(true);
    const got = rows(history, T).find((r) => r.outlet === 1);
    expect(got).toEqual({ outlet: 1, p: 3000, v: null, c: 505, de: 5000 });
  });
});
