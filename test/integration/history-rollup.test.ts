import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { LEVEL_TABLE, type Level, localDayStart } from '../../bridge/history/time.ts';
import { silentLogger } from '../../bridge/log.ts';
import { reading } from '../../bridge/sim/synthetic.ts';
import { type Agg, rollupRows } from '../helpers/rollups.ts';
import { tracked } from '../helpers/tracked.ts';

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-rollup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random polls: irregular intervals, a gap, idle outlets, an occasional null. */
function polls(id: string, start: number, count: number) {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const out = [];
  let t = start;
  const counters = [0, 1000, 2000, 3000, 4000];
  for (let k = 0; k < count; k++) {
    t += 37_000 + Math.floor(rnd() * 36_000) + (k === 150 ? 3 * 3_600_000 : 0);
    const outlets = counters.map((_, i) => {
      const power = i === 3 && rnd() < 0.2 ? null : Math.round(rnd() * 800 * 10) / 10;
      counters[i] = (counters[i] ?? 0) + Math.round(rnd() * 12);
      return {
        power,
        energy_counter: i === 4 ? null : (counters[i] ?? 0),
        current: power === null ? null : power / 230,
      };
    });
    out.push(reading(id, t, outlets, { power: Math.round(rnd() * 4000), energy: (t / 1000) * 1e-3 }));
  }
  return out;
}

function fromRaw(h: History, bucket: string): Agg[] {
  return h
    .db()
    .prepare<[], Agg>(
      `SELECT pdu, ${bucket} AS ts, outlet, count(p) AS n, coalesce(sum(p), 0) AS ps, min(p) AS pn, max(p) AS px,
         sum(de) AS e, max(est) AS est
       FROM sample GROUP BY pdu, ${bucket}, outlet HAVING count(p) > 0 OR sum(de) != 0 ORDER BY pdu, ts, outlet`,
    )
    .all();
}

const rollup = (h: History, level: Level) => rollupRows(h.db(), level);
const TABLES = [...Object.values(LEVEL_TABLE), 'sample'];

describe('rollups on a real database file', () => {
  const all = polls('pdu1', Date.UTC(2025, 0, 10, 21), 400);
  const end = (all[all.length - 1]?.time ?? 0) + 60_000;

  it('each 15-minute, hourly and daily bucket equals the sum, count, min and max of its raw samples', () => {
    const h = createHistory({ path: join(dir, 'a.db'), log: silentLogger, now: () => end });
    h.start();
    const t = tracked(h);
    for (const p of all) expect(t.record(p).ok).toBe(true);
    const r15 = rollup(h, '15m');
    // Energy flowed (counters and integrated power), so the e columns are checked, not just zeros.
    expect(r15.filter((r) => r.e > 0).length).toBeGreaterThan(100);
    expect(r15.some((r) => r.est === 1)).toBe(true);
    expect(r15.length).toBeGreaterThan(100);
    expect(r15).toEqual(fromRaw(h, 'ts - ts % 900'));
    expect(rollup(h, '1h')).toEqual(fromRaw(h, 'ts - ts % 3600'));
    // Days follow the local calendar: group in JS with the same function the panel's "today" uses.
    const byDay = new Map<string, Agg>();
    for (const r of fromRaw(h, 'ts - ts % 900')) {
      const key = `${r.pdu}:${localDayStart(r.ts)}:${r.outlet}`;
      const d = byDay.get(key);
      if (!d) byDay.set(key, { ...r, ts: localDayStart(r.ts) });
      else {
        d.n += r.n;
        d.ps += r.ps;
        d.pn = d.pn === null ? r.pn : r.pn === null ? d.pn : Math.min(d.pn, r.pn);
        d.px = d.px === null ? r.px : r.px === null ? d.px : Math.max(d.px, r.px);
        d.e += r.e;
        d.est = Math.max(d.est, r.est);
      }
    }
    expect(rollup(h, '1d')).toEqual([...byDay.values()].sort((a, b) => a.ts - b.ts || a.outlet - b.outlet));
    // The average the day chart shows is the mean of the raw samples it covers.
    const bucket = r15[40] as Agg;
    const raw = h
      .db()
      .prepare<[number, number, number], { p: number }>(
        'SELECT p FROM sample WHERE outlet = ? AND ts >= ? AND ts < ? AND p IS NOT NULL',
      )
      .all(bucket.outlet, bucket.ts, bucket.ts + 900);
    expect(bucket.ps / bucket.n).toBeCloseTo(raw.reduce((s, r) => s + r.p, 0) / raw.length, 9);
    return h.stop();
  });

  it('continue across a restart without gaps or double counting (same tables as one uninterrupted run)', async () => {
    const ref = createHistory({ path: join(dir, 'ref.db'), log: silentLogger, now: () => end });
    ref.start();
    const r = tracked(ref);
    for (const p of all) r.record(p);
    const path = join(dir, 'restart.db');
    let h = createHistory({ path, log: silentLogger, now: () => end });
    h.start();
    let t = tracked(h);
    for (const p of all.slice(0, 173)) t.record(p);
    await h.stop();
    h = createHistory({ path, log: silentLogger, now: () => end });
    h.start();
    // A new process: its energy tracker is restored from the database.
    t = tracked(h);
    // The poller may hand the last poll again after a restart: it is not counted twice.
    for (const p of all.slice(170)) expect(t.record(p).ok).toBe(true);
    for (const t of TABLES) {
      expect(h.db().prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()).toEqual(
        ref.db().prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all(),
      );
    }
    expect(h.db().prepare('SELECT * FROM energy_state').all()).toEqual(
      ref.db().prepare('SELECT * FROM energy_state').all(),
    );
    await ref.stop();
    await h.stop();
  });

  it('batched recording (the backfill path: buckets merged in memory first) gives the same tables', async () => {
    const one = createHistory({ path: join(dir, 'one.db'), log: silentLogger, now: () => end });
    const many = createHistory({ path: join(dir, 'many.db'), log: silentLogger, now: () => end });
    one.start();
    many.start();
    const t1 = tracked(one);
    const tm = tracked(many);
    for (const p of all) t1.record(p);
    for (let i = 0; i < all.length; i += 57)
      expect(tm.recordMany(all.slice(i, i + 57).map((p) => [p])).ok).toBe(true);
    for (const t of [...TABLES, 'energy_state']) {
      expect(many.db().prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()).toEqual(
        one.db().prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all(),
      );
    }
    await one.stop();
    await many.stop();
  });
});
