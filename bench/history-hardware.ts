/**
 * The history's live path with and without the hardware series: 3,000 tracked 1-minute polls of a
 * 36-outlet PDU, one transaction each, as the bridge records them; once as a plain 1-phase unit, once
 * with 3 lines and a neutral, 6 protectors and 4 external sensors (2 numeric) beside its outlets.
 * Then a year of them (one poll a minute for the last 2 days, hourly before: the year's rollup rows are
 * those of a year of 1-minute polls) and the panel's sensor and line queries per period, median and
 * worst of 9, and the year's CSV of the lines at 15 minutes.
 *   npx tsx bench/history-hardware.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnergyTracker } from '../bridge/facts/energy-tracker.ts';
import { backfill } from '../bridge/history/backfill.ts';
import { createHistory } from '../bridge/history/history.ts';
import type { Period } from '../bridge/history/range.ts';
import { silentLogger } from '../bridge/log.ts';
import type { BreakerReading, ExternalSensorReading, LineReading, PduReading } from '../bridge/readings.ts';
import { syntheticPdu } from '../bridge/sim/synthetic.ts';

const MIN = 60_000;
const POLLS = 3000;
const end = Math.floor(Date.now() / MIN) * MIN;
const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-hw-'));

const line = (t: number, k: number): LineReading => ({
  current: 10 + k + Math.sin(t / 3.6e6),
  voltage: 398,
  voltage_ln: 230,
  power: 2300 + 100 * k,
  apparent_power: 2400,
  power_factor: 0.96,
  energy: null,
});
const breaker = (t: number, k: number): BreakerReading => ({
  index: k,
  label: `C${k}`,
  name: '',
  type: 'breaker_1_pole',
  rated_current: 16,
  current: 3 + k + Math.cos(t / 3.6e6),
  peak_current: null,
  state: 'closed',
  tripped: false,
  outlets: [],
  alarms: {},
  thresholds: {},
});
const sensor = (id: string, type: string, value: number | null): ExternalSensorReading => ({
  index: 1,
  id,
  name: '',
  type,
  value,
  unit: value === null ? null : type === 'temperature' ? '°C' : '%',
  state: value === null ? 'closed' : 'normal',
  serial: '',
  discrete: value === null,
  alarms: {},
  thresholds: {},
});

function withHardware(r: PduReading): PduReading {
  const t = r.time;
  return {
    ...r,
    lines: { L1: line(t, 1), L2: line(t, 2), L3: line(t, 3), N: { ...line(t, 0), current: 1.2 } },
    breakers: [1, 2, 3, 4, 5, 6].map((k) => breaker(t, k)),
    sensors: [
      sensor('t', 'temperature', Math.round((24 + Math.sin(t / 8.64e7)) * 10) / 10),
      sensor('h', 'humidity', 40),
      sensor('d', 'door', null),
      sensor('w', 'water', null),
    ],
  };
}

function run(name: string, decorate: (r: PduReading) => PduReading): number {
  const model = syntheticPdu({ outlets: 36 });
  const energy = createEnergyTracker();
  const readings = Array.from({ length: POLLS }, (_, i) =>
    energy.track(model(end - (POLLS - i) * MIN)).units.map(decorate),
  );
  const h = createHistory({ path: join(dir, `${name}.db`), log: silentLogger, now: () => end });
  h.start();
  const t = performance.now();
  for (const r of readings) h.record(r);
  const ms = performance.now() - t;
  void h.stop();
  return Math.round((ms * 1000) / POLLS);
}

// Alternating, three times each: the machine is shared, a single run says little.
const plain: number[] = [];
const hw: number[] = [];
for (let i = 0; i < 3; i++) {
  plain.push(run(`plain${i}`, (r) => r));
  hw.push(run(`hw${i}`, withHardware));
}
console.log(`µs per poll, 36 outlets, plain unit: ${plain.join(', ')}`);
console.log(`µs per poll, 36 outlets + 3 lines, N, 6 protectors, 4 sensors: ${hw.join(', ')}`);

const DAY = 86_400_000;
const h = createHistory({ path: join(dir, 'year.db'), log: silentLogger, now: () => end });
h.start();
const synthetic = syntheticPdu({ outlets: 36 });
const model = (t: number) => synthetic(t).map(withHardware);
for (const [from, to, step] of [
  [end - 366 * DAY, end - 2 * DAY, 60 * MIN],
  [end - 2 * DAY, end + 1, MIN],
] as const) {
  const r = backfill({ history: h, model, from, to, stepMs: step });
  if (r.error) throw new Error(r.error);
}
for (const kind of ['sensor', 'line'] as const)
  for (const period of ['hour', 'day', 'week', 'month', 'year'] as Period[]) {
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      h.hardwareSeries({ pdu: 'pdu1', period, kind, maxPoints: 699 });
      if (i > 0) ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    console.log(`${kind} ${period}: median ${ms[4]!.toFixed(2)} ms, worst ${ms[8]!.toFixed(2)} ms`);
  }
const t = performance.now();
let bytes = 0;
for await (const c of h.exportHardwareCsv({ pdu: 'pdu1', period: 'year', kind: 'line', resolution: '15m' }))
  bytes += c.length;
console.log(
  `CSV, lines, a year at 15 min: ${((performance.now() - t) / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB`,
);
await h.stop();
rmSync(dir, { recursive: true, force: true });
