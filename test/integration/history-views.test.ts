import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import { backfill } from '../../bridge/history/backfill.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { scanSql } from '../../bridge/history/scan.ts';
import { silentLogger } from '../../bridge/log.ts';
import { syntheticPdu } from '../../bridge/sim/synthetic.ts';

/**
 * A generated year of history (one poll an hour: the rollup rows of a year of 1-minute polls, only fewer
 * samples in each): the panel's long views read the coarse rollups, one row per bucket, and a year-long
 * CSV of every outlet leaves the event loop and the connection free between its chunks.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2025, 5, 1, 12, 0);
const model = syntheticPdu();
const dir = mkdtempSync(join(tmpdir(), 'r2m-history-views-'));
let h: History;

beforeAll(() => {
  h = createHistory({ path: join(dir, 'year.db'), log: silentLogger, now: () => END });
  h.start();
  const r = backfill({ history: h, model, from: END - 366 * DAY, to: END + 1, stepMs: HOUR });
  expect(r.error).toBeUndefined();
  expect(r.polls).toBe(366 * 24 + 1);
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a year of history', () => {
  it('is read by a primary-key range of one row per bucket, no sort, for every rollup view', () => {
    for (const res of ['15m', '1h', '1d', '1mo'] as const)
      for (const view of ['total', 'ports', 'all'] as const) {
        const plan = h
          .db()
          .prepare(`EXPLAIN QUERY PLAN ${scanSql(res, view)}`)
          .all(1, 0, 1) as { detail: string }[];
        const table = res === '1mo' ? 'rollup_1d' : `rollup_${res}`;
        expect(plan.map((p) => p.detail)).toEqual([
          `SEARCH ${table} USING PRIMARY KEY (pdu=? AND ts>? AND ts<?)`,
        ]);
      }
    // Raw samples too: a range of the primary key, grouped by poll in key order (no temporary b-tree).
    for (const view of ['total', 'ports', 'all'] as const) {
      const plan = h
        .db()
        .prepare(`EXPLAIN QUERY PLAN ${scanSql('raw', view)}`)
        .all(1, 0, 1) as { detail: string }[];
      expect(plan.map((p) => p.detail)).toEqual([
        'SEARCH sample USING PRIMARY KEY (pdu=? AND ts>? AND ts<?)',
      ]);
    }
    // A year per outlet is 366 rows of the daily rollup, not 13,000 (one per outlet and day).
    const rows = h
      .db()
      .prepare('SELECT count(*) FROM rollup_1d WHERE pdu = 1 AND ts > ? AND ts < ?')
      .pluck()
      .get((END - 366 * DAY) / 1000, END / 1000 + 1);
    expect(rows).toBeLessThanOrEqual(368);
  });

  it('hands JavaScript one row per poll or bucket, and only the columns the view draws', () => {
    const db = h.db();
    const from = END / 1000 - 86_400;
    // The last day of raw samples: 24 polls of 37 channels are 24 rows, not 888.
    const samples = db
      .prepare('SELECT count(*) FROM sample WHERE pdu = 1 AND ts > ? AND outlet > 0')
      .pluck()
      .get(from);
    expect(samples).toBe(24 * 36);
    const raw = db
      .prepare(scanSql('raw', 'ports'))
      .raw(true)
      .all(1, from, END / 1000 + 1) as unknown[][];
    expect(raw).toHaveLength(24);
    expect(raw[0]).toHaveLength(5);
    // The per-outlet views read the packed outlets alone, the total's the inlet's columns alone.
    const cols = (res: '1d' | '1h', view: 'total' | 'ports') =>
      db
        .prepare(scanSql(res, view))
        .columns()
        .map((c) => c.name);
    expect(cols('1d', 'ports')).toEqual(['ts', 'outlets']);
    expect(cols('1h', 'total')).toEqual(['ts', 'n', 'ps', 'pn', 'px', 'e', 'est']);
    // And the answers are the samples', outlet by outlet and poll by poll.
    const raw6h = h.powerSeries({ pdu: 'pdu1', from: END - 6 * HOUR + 1000, to: END + 1, view: 'ports' });
    expect(raw6h.resolution).toBe('raw');
    expect(raw6h.lines).toHaveLength(36);
    for (const line of raw6h.lines) {
      const drawn = raw6h.times.flatMap((t, i) => (line.avg[i] === null ? [] : [[t, line.avg[i]]]));
      expect(drawn).toEqual(
        [6, 5, 4, 3, 2, 1, 0].map((k) => {
          const t = END - k * HOUR;
          return [t, model(t)[0]?.outlets[line.outlet - 1]?.power];
        }),
      );
      expect(line.min).toEqual(line.avg);
      expect(line.max).toEqual(line.avg);
    }
  });

  it('answers the year and the month from the daily rollup alone, the week from the hourly one', () => {
    const views = (period: 'week' | 'month' | 'year') =>
      (['total', 'ports'] as const).flatMap((view) => [
        h.powerSeries({ pdu: 'pdu1', period, view, maxPoints: 699 }),
        h.energySeries({ pdu: 'pdu1', period, view, maxPoints: 699 }),
      ]);
    const before = { week: views('week'), month: views('month'), year: views('year') };
    const year = before.year[2];
    expect(year?.resolution).toBe('1d');
    expect(year?.lines).toHaveLength(36);
    expect(
      year?.lines[0] && 'avg' in year.lines[0] && year.lines[0].avg.filter((v) => v !== null).length,
    ).toBe(366);
    // Take away every finer table: the views that must not read them give the same answers.
    h.db().exec('DELETE FROM sample; DELETE FROM rollup_15m;');
    expect(views('week')).toEqual(before.week);
    h.db().exec('DELETE FROM rollup_1h;');
    expect(views('month')).toEqual(before.month);
    expect(views('year')).toEqual(before.year);
    // Those tables held data the views would have shown, had they read them.
    expect(views('week')[2]?.lines).toHaveLength(0);
  });
});

describe('a year-long CSV of every outlet', () => {
  it('gives the event loop a turn between chunks, and polls record meanwhile', async () => {
    const other = createHistory({ path: join(dir, 'csv.db'), log: silentLogger, now: () => END });
    other.start();
    backfill({ history: other, model, from: END - 366 * DAY, to: END - DAY, stepMs: HOUR });
    const energy = createEnergyTracker();
    energy.restore(other.energyStates());
    let ticks = 0;
    const recorded: boolean[] = [];
    let chunks = 0;
    const timer = setInterval(() => {
      ticks++;
      // A live poll between two chunks: the export holds no statement open across its turns.
      if (recorded.length < 3)
        recorded.push(other.record(energy.track(model(END - DAY + ticks * HOUR)).units).ok);
    }, 0);
    const sink = new Writable({
      write: (_c, _e, cb) => {
        chunks++;
        cb();
      },
    });
    const bytes = await other.exportCsvTo(
      { pdu: 'pdu1', period: 'year', resolution: '15m', view: 'ports' },
      sink,
    );
    clearInterval(timer);
    await other.stop();
    expect(bytes).toBeGreaterThan(10_000_000);
    expect(chunks).toBeGreaterThan(20);
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(recorded).toEqual([true, true, true]);
  });
});
