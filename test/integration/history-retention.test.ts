import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistory } from '../../bridge/history/history.ts';
import { silentLogger } from '../../bridge/log.ts';
import { reading } from '../../bridge/sim/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'r2m-history-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;

describe('retention on a real database file', () => {
  it('prunes raw samples past rawRetentionDays and rollups past rollupRetentionYears, exactly', async () => {
    const end = Date.UTC(2025, 6, 1, 12);
    const start = end - 20 * 24 * HOUR;
    let now = start;
    // 1-day rollup retention (~0.00274 years) makes the rollup cutoff testable in a 20-day run.
    const h = createHistory({
      path: join(dir, 'r.db'),
      log: silentLogger,
      rawRetentionDays: 7,
      rollupRetentionYears: 10 / 365.25,
      now: () => now,
    });
    h.start();
    // Every 10 minutes for 20 days, two PDUs (each pruned on its own key range), with the clock moving.
    for (let t = start; t < end; t += 10 * 60_000) {
      now = t;
      h.record([
        reading('a', t, [{ power: 10, energy_counter: t / 60_000 }]),
        reading('b', t, [{ power: 20 }]),
      ]);
    }
    now = end;
    const db = h.db();
    const count = (sql: string, ...args: number[]) =>
      db
        .prepare(sql)
        .pluck()
        .get(...args) as number;
    const rawCut = (end - 7 * 24 * HOUR) / 1000;
    const rollCut = Math.floor(end / 1000) - Math.round(10 * 86_400);
    const rawKeep = count('SELECT count(*) FROM sample WHERE ts >= ?', rawCut);
    const r15Keep = count('SELECT count(*) FROM rollup_15m WHERE ts >= ?', rollCut);
    const r1dKeep = count('SELECT count(*) FROM rollup_1d WHERE ts >= ?', rollCut);
    expect(count('SELECT count(*) FROM sample WHERE ts < ?', rawCut)).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM rollup_15m WHERE ts < ?', rollCut)).toBeGreaterThan(0);

    const deleted = await h.prune();
    expect(deleted).toBeGreaterThan(5000); // more than one batch: pruning is batched
    expect(count('SELECT count(*) FROM sample WHERE ts < ?', rawCut)).toBe(0);
    expect(count('SELECT count(*) FROM sample')).toBe(rawKeep);
    expect(count('SELECT min(ts) FROM sample WHERE pdu = 1')).toBe(rawCut);
    expect(count('SELECT count(*) FROM rollup_15m WHERE ts < ?', rollCut)).toBe(0);
    expect(count('SELECT count(*) FROM rollup_15m')).toBe(r15Keep);
    expect(count('SELECT count(*) FROM rollup_1d')).toBe(r1dKeep);
    // Rollups between the two cutoffs still hold what raw samples no longer do.
    expect(count('SELECT count(*) FROM rollup_1h WHERE ts < ?', rawCut)).toBeGreaterThan(0);
    // A second prune has nothing left to do, and recording goes on.
    expect(await h.prune()).toBe(0);
    expect(h.record(reading('a', end, [{ power: 10, energy_counter: end / 60_000 }])).ok).toBe(true);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    await h.stop();
  });
});
