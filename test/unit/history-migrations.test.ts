import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDb, schemaVersion } from '../../bridge/history/db.ts';
import { createEnergyStore } from '../../bridge/history/energy-store.ts';
import { migrations } from '../../bridge/history/migrations.ts';
import { type Agg, rollupRows } from '../helpers/rollups.ts';

const tables = (db: Database.Database) =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);

describe('history migrations on :memory:', () => {
  it('migration 1 creates pdu, outlet, sample, energy_state, switch_event and accepts a sample', () => {
    const db = new Database(':memory:');
    expect(migrate(db, migrations.slice(0, 1))).toBe(1);
    expect(tables(db)).toEqual(['energy_state', 'outlet', 'pdu', 'sample', 'switch_event']);
    db.prepare("INSERT INTO pdu (key, source, unit) VALUES ('pdu1', 'pdu1', 1)").run();
    db.prepare('INSERT INTO sample (pdu, ts, outlet, p) VALUES (1, 60, 3, 1234)').run();
    expect(() => db.prepare('INSERT INTO sample (pdu, ts, outlet, p) VALUES (1, 60, 3, 1)').run()).toThrow(
      /UNIQUE/,
    );
    db.close();
  });

  it('migration 2 adds the three rollup tables on top of 1', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 1));
    expect(migrate(db, migrations.slice(0, 2))).toBe(2);
    expect(tables(db)).toEqual(expect.arrayContaining(['r15m', 'r1h', 'r1d']));
    db.prepare(
      'INSERT INTO r15m (pdu, ts, outlet, n, ps, pn, px, e, est) VALUES (1, 0, 0, 1, 5, 5, 5, 0, 0)',
    ).run();
    expect(db.prepare('SELECT n FROM r15m').pluck().get()).toBe(1);
    db.close();
  });

  it('migration 3 keeps the energy tracker state: a counter channel total continues the published meter', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 2));
    db.prepare("INSERT INTO pdu (key, source, unit) VALUES ('pdu1', 'pdu1', 1)").run();
    // Written by an earlier version: total = energy booked since recording began, counter as last read.
    db.prepare(
      'INSERT INTO energy_state (pdu, outlet, ts, counter, p, total, est) VALUES (1, 3, 1000, 5812658, 2800, 12345, 0)',
    ).run();
    db.prepare(
      'INSERT INTO energy_state (pdu, outlet, ts, counter, p, total, est) VALUES (1, 4, 1000, NULL, 600, 777, 1)',
    ).run();
    expect(migrate(db, migrations.slice(0, 3))).toBe(3);
    const rows = db
      .prepare(
        'SELECT outlet, counter, counter_ms, at_ms, total, origin, est, cand, prior FROM energy_state ORDER BY outlet',
      )
      .all();
    expect(rows).toEqual([
      // Earlier versions published counter / 1000 kWh after a restart: the meter continues from there.
      {
        outlet: 3,
        counter: 5812658,
        counter_ms: 1_000_000,
        at_ms: 1_000_000,
        total: 5_812_658_000,
        origin: 5_812_658_000,
        est: 0,
        cand: null,
        prior: null,
      },
      // No counter (integrated from power): its total is kept.
      {
        outlet: 4,
        counter: null,
        counter_ms: 1_000_000,
        at_ms: 1_000_000,
        total: 777,
        origin: 0,
        est: 1,
        cand: null,
        prior: null,
      },
    ]);
    db.close();
  });

  it('migration 4 packs each rollup bucket into one row: the same aggregates, the old tables gone', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 3));
    const stmts = new Map(
      ['r15m', 'r1h', 'r1d'].map((t) => [
        t,
        db.prepare(
          `INSERT INTO ${t} (pdu, ts, outlet, n, ps, pn, px, e, est) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ),
      ]),
    );
    const insert = (t: string, ...v: (number | null)[]) => stmts.get(t)?.run(...v);
    const old: Agg[] = [];
    // Two units; a bucket whose inlet has no row; an outlet with energy but no power; sparse outlets;
    // values beyond 32 bits (a year of a 1 MW inlet's power sum) and negative inlet power.
    const rows: [number, number, number, number, number, number | null, number | null, number, number][] = [
      [1, 900, 0, 3, 36_000_000_000, -50, 9_000_000, 5_000_000_000_000, 0],
      [1, 900, 1, 3, 300, 90, 110, 25, 0],
      [1, 900, 4, 0, 0, null, null, 7, 1],
      [1, 1800, 2, 1, 5, 5, 5, 0, 0],
      [2, 900, 0, 1, 10, 10, 10, 1, 1],
      [2, 900, 36, 2, 40, 15, 25, 3, 0],
    ];
    for (const r of rows) {
      for (const t of ['r15m', 'r1h', 'r1d']) insert(t, ...r);
      const [pdu, ts, outlet, n, ps, pn, px, e, est] = r;
      old.push({ pdu, ts, outlet, n, ps, pn, px, e, est });
    }
    // More rows than one page of the conversion holds, so a bucket is cut by a page and read again whole.
    db.transaction(() => {
      for (let k = 0; k < 800; k++)
        for (let o = 0; o <= 36; o++) {
          const r = [3, 10_000 + k * 900, o, 1, k + o, k + o, k + o, k, 0] as const;
          insert('r15m', ...r);
          old.push({ pdu: 3, ts: r[1], outlet: o, n: 1, ps: k + o, pn: k + o, px: k + o, e: k, est: 0 });
        }
    })();
    expect(migrate(db, migrations.slice(0, 4))).toBe(4);
    expect(tables(db)).not.toContain('r15m');
    expect(tables(db)).toEqual(expect.arrayContaining(['rollup_15m', 'rollup_1h', 'rollup_1d']));
    db.prepare(
      "INSERT INTO pdu (id, key, source, unit) VALUES (1, 'a', 'a', 1), (2, 'b', 'b', 1), (3, 'c', 'c', 1)",
    ).run();
    expect(rollupRows(db, '15m')).toEqual(old);
    expect(rollupRows(db, '1d')).toEqual(old.filter((r) => r.pdu < 3));
    // The inlet's columns are plain SQL: totals stay aggregates.
    expect(db.prepare('SELECT sum(e) FROM rollup_1h WHERE pdu = 1').pluck().get()).toBe(5_000_000_000_000);
    expect(db.prepare('SELECT count(*) FROM rollup_15m WHERE pdu = 3').pluck().get()).toBe(800);
    db.close();
  });

  it('migration 5 packs the energy state per unit and loses no field of it', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 4));
    db.prepare("INSERT INTO pdu (key, source, unit) VALUES ('pdu1', 'pdu1', 1), ('pdu1-2', 'pdu1', 2)").run();
    const insert = db.prepare(
      `INSERT INTO energy_state (pdu, outlet, ts, counter, counter_ms, at_ms, p, total, origin, est, cand, cand_ms,
         cand_n, prior, prior_ms, prior_total, prior_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run(
      1,
      3,
      1000,
      5812658,
      999_000,
      1_000_500,
      2800,
      5_812_658_000,
      5_812_000_000,
      0,
      12,
      1_000_400,
      2,
      5812600,
      990_000,
      5_812_600_000,
      1,
    );
    insert.run(1, 0, 1000, null, null, null, 600, 777, 0, 1, null, null, 0, null, null, null, 0);
    insert.run(
      2,
      1,
      2000,
      42,
      2_000_000,
      2_000_000,
      null,
      42_000,
      42_000,
      0,
      null,
      null,
      0,
      null,
      null,
      null,
      0,
    );
    expect(migrate(db, migrations.slice(0, 5))).toBe(5);
    expect(db.prepare('SELECT pdu, ts FROM energy_state ORDER BY pdu').all()).toEqual([
      { pdu: 1, ts: 1000 },
      { pdu: 2, ts: 2000 },
    ]);
    expect(createEnergyStore(db).load()).toEqual([
      {
        id: 'pdu1',
        channel: 0,
        state: {
          counter: null,
          counterAt: 1_000_000,
          at: 1_000_000,
          power: 600,
          total: 777,
          origin: 0,
          est: true,
          candidate: null,
          prior: null,
        },
      },
      {
        id: 'pdu1',
        channel: 3,
        state: {
          counter: 5812658,
          counterAt: 999_000,
          at: 1_000_500,
          power: 2800,
          total: 5_812_658_000,
          origin: 5_812_000_000,
          est: false,
          candidate: { counter: 12, at: 1_000_400, reads: 2 },
          prior: { counter: 5812600, at: 990_000, total: 5_812_600_000, reads: 1 },
        },
      },
      {
        id: 'pdu1-2',
        channel: 1,
        state: {
          counter: 42,
          counterAt: 2_000_000,
          at: 2_000_000,
          power: null,
          total: 42_000,
          origin: 42_000,
          est: false,
          candidate: null,
          prior: null,
        },
      },
    ]);
    db.close();
  });

  it('is idempotent, and refuses a database newer than this build', () => {
    const db = openDb(':memory:', migrations);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(migrate(db, migrations)).toBe(migrations.length);
    db.pragma('user_version = 99');
    expect(() => migrate(db, migrations)).toThrow(/newer than this build/);
    db.close();
  });

  it('rolls a failing migration back whole, leaving user_version where it was', () => {
    const db = new Database(':memory:');
    const bad = [
      ...migrations,
      { version: migrations.length + 1, up: 'CREATE TABLE x (a); SELECT nonsense FROM nowhere;' },
    ];
    expect(() => migrate(db, bad)).toThrow();
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(tables(db)).not.toContain('x');
    db.close();
  });
});

describe('opening a database file on a fresh install', () => {
  it('creates the missing data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r2m-fresh-'));
    const path = join(dir, 'data', 'nested', 'r2m.db');
    const db = openDb(path, migrations);
    db.close();
    expect(existsSync(path)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
