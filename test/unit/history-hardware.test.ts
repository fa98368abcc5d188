import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDb } from '../../bridge/history/db.ts';
import { createHistory, type History } from '../../bridge/history/history.ts';
import { migrations } from '../../bridge/history/migrations.ts';
import { silentLogger } from '../../bridge/log.ts';
import type {
  BreakerReading,
  ExternalSensorReading,
  LineReading,
  PduReading,
} from '../../bridge/readings.ts';
import { reading } from '../../bridge/sim/synthetic.ts';

/**
 * The hardware series in the history: lines, protectors and numeric external sensors recorded per poll
 * and rolled up into the outlets' bucket levels by the same rollup buffer; discrete sensors not; a
 * unit without any of them writes nothing extra; the chart and the CSV read them back.
 */

const MIN = 60_000;
// A quarter-hour boundary, so the 15-minute bucket of the polls below is known.
const T0 = Date.UTC(2026, 5, 1, 10, 0);
const dir = mkdtempSync(join(tmpdir(), 'r2m-hw-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (current: number, power: number): LineReading => ({
  current,
  voltage: 398,
  voltage_ln: 230,
  power,
  apparent_power: power,
  power_factor: 1,
  energy: null,
});
const breaker = (label: string, current: number | null): BreakerReading => ({
  index: 1,
  label,
  name: `Breaker ${label}`,
  type: 'breaker_1_pole',
  rated_current: 16,
  current,
  peak_current: null,
  state: 'closed',
  tripped: false,
  outlets: [1],
  alarms: {},
  thresholds: {},
});
const sensor = (id: string, type: string, value: number | null, discrete = false): ExternalSensorReading => ({
  index: 1,
  id,
  name: `Probe ${id}`,
  type,
  value: discrete ? null : value,
  unit: discrete ? null : type === 'temperature' ? '°C' : '%',
  state: discrete ? 'closed' : 'normal',
  serial: 'AEI0950133',
  discrete,
  alarms: {},
  thresholds: {},
});

/** Poll k: temperature 20 + k/10 °C, L1 current 5 + k A, breaker C1 2k A, a door contact. */
function poll(k: number, extra: Partial<PduReading> = {}): PduReading {
  return {
    ...reading('px3', T0 + k * MIN, [{ power: 100, energy_counter: 1000 + k }], { power: 100 }),
    lines: { L1: line(5 + k, 1000 + 10 * k), N: line(1.5, 0) },
    breakers: [breaker('C1', 2 * k)],
    sensors: [sensor('T1', 'temperature', 20 + k / 10), sensor('D1', 'door', null, true)],
    ...extra,
  };
}

function open(path: string, nowMs: number): History {
  const h = createHistory({ path, log: silentLogger, now: () => nowMs });
  h.start();
  return h;
}

const count = (h: History, table: string) =>
  h.db().prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('hardware series in the history', () => {
  it('rolls each series up like an outlet value: per 15-minute bucket its average, minimum and maximum', () => {
    const h = open(':memory:', T0 + 14 * MIN + 1000);
    for (let k = 0; k < 15; k++) expect(h.record(poll(k)).ok).toBe(true);
    const day = h.hardwareSeries({ pdu: 'px3', period: 'day', kind: 'sensor' });
    expect(day.resolution).toBe('15m');
    // The door contact is discrete: an event, not a series.
    expect(day.series.map((s) => [s.key, s.field, s.unit, s.name])).toEqual([
      ['T1', 'temperature', '°C', 'Probe T1'],
    ]);
    const i = day.times.indexOf(T0);
    const t = day.series[0]!;
    expect(t.avg[i]).toBe(20.7); // mean of 20.0 … 21.4
    expect(t.min[i]).toBe(20);
    expect(t.max[i]).toBe(21.4);
    expect(t.avg.filter((v) => v !== null)).toHaveLength(1);

    const lines = h.hardwareSeries({ pdu: 'px3', period: 'day', kind: 'line' });
    expect(lines.series.map((s) => `${s.key}.${s.field}`)).toEqual([
      'L1.current',
      'L1.voltage',
      'L1.voltage_ln',
      'L1.power',
      'N.current',
    ]);
    expect(lines.series[0]!.avg[i]).toBe(12);
    expect(lines.series[0]!.max[i]).toBe(19);
    expect(lines.series[3]!.min[i]).toBe(1000);

    // The hour view reads the raw samples: each poll's own value.
    const hour = h.hardwareSeries({ pdu: 'px3', period: 'hour', kind: 'breaker' });
    expect(hour.resolution).toBe('raw');
    const c1 = hour.series[0]!;
    expect(c1.name).toBe('Breaker C1');
    for (let k = 0; k < 15; k++) expect(c1.avg[hour.times.indexOf(T0 + k * MIN)]).toBe(2 * k);
    void h.stop();
  });

  it('writes nothing extra for a unit without lines, protectors or numeric sensors', () => {
    const h = open(':memory:', T0 + 10 * MIN);
    const plain = (k: number) =>
      poll(k, { lines: {}, breakers: [], sensors: [sensor('D1', 'door', null, true)] });
    for (let k = 0; k < 5; k++) h.record(plain(k));
    for (const t of ['hw_channel', 'hw_sample', 'hw_rollup_15m', 'hw_rollup_1h', 'hw_rollup_1d'])
      expect(count(h, t)).toBe(0);
    expect(count(h, 'rollup_15m')).toBe(1);
    expect(h.hardwareSeries({ pdu: 'px3', period: 'day', kind: 'sensor' }).series).toEqual([]);
    void h.stop();
  });

  it('keeps a series its channel across a rename and a restart mid-bucket, and gives a new probe a new one', async () => {
    const path = join(dir, 'restart.db');
    let h = open(path, T0 + 20 * MIN);
    for (let k = 0; k < 5; k++) h.record(poll(k));
    await h.stop();
    h = open(path, T0 + 20 * MIN);
    const renamed = (k: number) =>
      poll(k, {
        sensors: [
          { ...sensor('T1', 'temperature', 20 + k / 10), name: 'Rack top' },
          sensor('H1', 'humidity', 40 + k),
        ],
      });
    for (let k = 5; k < 15; k++) h.record(renamed(k));
    const s = h.hardwareSeries({ pdu: 'px3', period: 'day', kind: 'sensor' });
    expect(s.series.map((x) => [x.key, x.name])).toEqual([
      ['T1', 'Rack top'],
      ['H1', 'Probe H1'],
    ]);
    const i = s.times.indexOf(T0);
    // The bucket written before the restart was read back and continued: all 15 polls in it.
    expect(s.series[0]!.avg[i]).toBe(20.7);
    expect(s.series[1]!.min[i]).toBe(45);
    const chans = h.db().prepare('SELECT ch, key, field FROM hw_channel ORDER BY ch').all();
    expect(chans).toContainEqual({ ch: 6, key: 'C1', field: 'current' });
    expect(chans).toContainEqual({ ch: 7, key: 'T1', field: 'temperature' });
    expect(chans).toContainEqual({ ch: 8, key: 'H1', field: 'humidity' });
    // The probe set to °F: a series of its own, the °C one's rows untouched.
    h.record(poll(15, { sensors: [{ ...sensor('T1', 'temperature', 70), unit: '°F' }] }));
    const units = h
      .hardwareSeries({ pdu: 'px3', period: 'day', kind: 'sensor' })
      .series.map((x) => [x.key, x.unit]);
    expect(units).toEqual([
      ['T1', '°C'],
      ['H1', '%'],
      ['T1', '°F'],
    ]);
    await h.stop();
  });

  it('exports the series as CSV, text cells neutralised, and refuses a bad kind', async () => {
    const h = open(':memory:', T0 + 3 * MIN);
    for (let k = 0; k < 3; k++)
      h.record(poll(k, { sensors: [{ ...sensor('T1', 'temperature', 21.25 + k), name: '=cmd|x' }] }));
    const chunks: Buffer[] = [];
    for await (const c of h.exportHardwareCsv({ pdu: 'px3', period: 'hour', kind: 'sensor' })) chunks.push(c);
    const rows = Buffer.concat(chunks).toString('utf8').trim().split('\n');
    expect(rows[0]).toBe('time,pdu,kind,id,name,field,unit,avg,min,max,samples');
    expect(rows.slice(1)).toEqual([
      `${new Date(T0).toISOString()},px3,sensor,T1,'=cmd|x,temperature,°C,21.25,21.25,21.25,1`,
      `${new Date(T0 + MIN).toISOString()},px3,sensor,T1,'=cmd|x,temperature,°C,22.25,22.25,22.25,1`,
      `${new Date(T0 + 2 * MIN).toISOString()},px3,sensor,T1,'=cmd|x,temperature,°C,23.25,23.25,23.25,1`,
    ]);
    const day: Buffer[] = [];
    for await (const c of h.exportHardwareCsv({ pdu: 'px3', period: 'day', kind: 'line' })) day.push(c);
    expect(Buffer.concat(day).toString('utf8')).toContain(',px3,line,L1,,current,A,6,5,7,3\n');
    expect(() => h.exportHardwareCsv({ pdu: 'px3', period: 'day', kind: 'door' as 'line' })).toThrow(
      /kind must be one of line, breaker, sensor/,
    );
    expect(() => h.hardwareSeries({ pdu: 'px3', period: 'day', kind: 'x' as 'line' })).toThrow(RangeError);
    void h.stop();
  });

  it('prunes raw samples and old buckets with the outlets retention', async () => {
    let now = T0 + 3 * MIN;
    const h = createHistory({ path: ':memory:', log: silentLogger, now: () => now });
    h.start();
    for (let k = 0; k < 3; k++) h.record(poll(k));
    expect(count(h, 'hw_sample')).toBe(3);
    now = T0 + 9 * 86_400_000;
    await h.prune();
    expect(count(h, 'hw_sample')).toBe(0);
    expect(count(h, 'hw_rollup_15m')).toBe(1);
    await h.stop();
  });
});

describe('schema migration 7 (hardware series)', () => {
  const hwTables = ['hw_channel', 'hw_rollup_15m', 'hw_rollup_1d', 'hw_rollup_1h', 'hw_sample'];
  const tables = (db: Database.Database) =>
    db
      .prepare<[], string>(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'hw_%' ORDER BY name",
      )
      .pluck()
      .all();

  it('creates the tables on :memory:', () => {
    const db = new Database(':memory:');
    expect(migrate(db, migrations.slice(0, 7))).toBe(7);
    expect(tables(db)).toEqual(hwTables);
    db.close();
  });

  it('upgrades an existing file at schema 6, keeping its outlet history, and records into it', () => {
    const path = join(dir, 'v6.db');
    const old = openDb(path, migrations.slice(0, 6));
    old.prepare("INSERT INTO pdu (key, source, unit) VALUES ('px3', 'px3', 1)").run();
    old
      .prepare(
        "INSERT INTO rollup_1h (pdu, ts, n, ps, pn, px, e, est, outlets) VALUES (1, 3600, 1, 5, 5, 5, 0, 0, x'0100')",
      )
      .run();
    old.close();
    const h = open(path, T0 + MIN);
    expect(h.db().pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(tables(h.db())).toEqual(hwTables);
    expect(count(h, 'rollup_1h')).toBe(1);
    expect(h.record(poll(0)).ok).toBe(true);
    expect(count(h, 'hw_sample')).toBe(1);
    void h.stop();
  });
});
