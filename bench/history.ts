/**
 * History benchmark: a year of 1-minute polls of a 36-outlet PDU, and ten of them in one database.
 *   npx tsx bench/history.ts [--json]
 * Prints the live path's cost (tracked polls, one transaction each, as the bridge records them), the
 * backfill of the year (1-minute polls) and of the demo's year (the simulator, as `npm run demo` fills
 * it), every panel query per period (median and worst of 9), the year's CSV at 15 minutes, and the
 * database size per PDU-year with the default retention (raw 7 days, rollups for years).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createEnergyTracker } from '../bridge/facts/energy-tracker.ts';
import { backfill, backfillDemo } from '../bridge/history/backfill.ts';
import { createHistory, type History } from '../bridge/history/history.ts';
import type { Period } from '../bridge/history/range.ts';
import { silentLogger } from '../bridge/log.ts';
import type { PduReading } from '../bridge/readings.ts';
import { readingsFromSim } from '../bridge/sim/history-readings.ts';
import { createSimModel } from '../bridge/sim/model.ts';
import { syntheticPdu } from '../bridge/sim/synthetic.ts';
import { pass, row } from './lib.ts';
import { TARGETS } from './targets.ts';

const TARGET_QUERY_MS = TARGETS.queryMs;
const TARGET_QUERY_10_MS = TARGETS.query10Ms;
const TARGET_CSV_S = TARGETS.csvS;
const TARGET_MB = TARGETS.historyMb;
const MIN = 60_000;
const DAY = 86_400_000;
const RUNS = 9;
const PDUS = 10;

/** What `--json` prints (scripts/readme-bench.ts renders the README's table from it). */
export interface HistoryBench {
  machine: { cores: number; load: [number, number] };
  /** cpuUsPerPoll: the process's CPU time per poll, which a loaded machine inflates less than the wall time. */
  live: { pollsPerS: number; usPerPoll: number; polls: number; cpuUsPerPoll: number };
  /** …CpuS: the process's CPU time, s, beside the wall time. */
  backfill: {
    yearS: number;
    yearPolls: number;
    demoS: number;
    demoPolls: number;
    yearCpuS: number;
    demoCpuS: number;
  };
  /**
   * Per query, ms: one PDU-year in the database, and PDUS of them. Wall time (median and worst of the
   * runs), and the process's CPU time (median): on a shared machine the wall time includes waiting for a core.
   */
  queries: Record<string, { median: number; worst: number; cpu: number }>;
  queries10: Record<string, { median: number; worst: number; cpu: number }>;
  csv: Record<'total' | 'ports', { s: number; mb: number }>;
  mb: number;
  verdict: { query: boolean; query10: boolean; csv: boolean; size: boolean };
}

const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-history-'));
const end = Math.floor(Date.now() / MIN) * MIN;

function open(name: string): History {
  const h = createHistory({ path: join(dir, name), log: silentLogger, now: () => end });
  h.start();
  return h;
}

/** The process's CPU time since `since`, s. */
function cpuS(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

function times(fn: () => unknown): { median: number; worst: number; cpu: number } {
  fn(); // warm: prepare statements, JIT
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const r = (x: number | undefined) => Math.round((x ?? Number.NaN) * 100) / 100;
  return { median: r(ms[Math.floor(RUNS / 2)]), worst: r(ms[RUNS - 1]), cpu: r(cpu[Math.floor(RUNS / 2)]) };
}

/** The live path: polls as the poller hands them on (the energy tracker applied), one record each. */
async function ingest(): Promise<HistoryBench['live']> {
  const polls = 3000;
  const model = syntheticPdu({ outlets: 36 });
  const energy = createEnergyTracker();
  const readings = Array.from(
    { length: polls },
    (_, i) => energy.track(model(end - (polls - i) * MIN)).units,
  );
  const h = open('ingest.db');
  const c = process.cpuUsage();
  const t = performance.now();
  for (const r of readings) h.record(r);
  const ms = performance.now() - t;
  const cpu = cpuS(c);
  await h.stop();
  return {
    pollsPerS: Math.round((polls / ms) * 1000),
    usPerPoll: Math.round((ms * 1000) / polls),
    polls,
    cpuUsPerPoll: Math.round((cpu * 1e6) / polls),
  };
}

/** The panel's queries (each chart asks for ~700 points on a wide screen). */
function queries(h: History, pdu: string): HistoryBench['queries'] {
  const out: HistoryBench['queries'] = {};
  const periods: Period[] = ['hour', 'day', 'week', 'month', 'year'];
  for (const period of periods)
    for (const view of ['total', 'ports'] as const) {
      out[`power ${period} ${view}`] = times(() => h.powerSeries({ pdu, period, view, maxPoints: 699 }));
      out[`energy ${period} ${view}`] = times(() => h.energySeries({ pdu, period, view, maxPoints: 699 }));
    }
  out.cards = times(() => h.cards(pdu));
  out.outlets = times(() => h.outlets(pdu));
  out['peak year'] = times(() => h.peaks({ pdu, period: 'year' }));
  out['custom 90 days ports'] = times(() =>
    h.powerSeries({ pdu, from: end - 120 * DAY, to: end - 30 * DAY, view: 'ports', maxPoints: 699 }),
  );
  return out;
}

/** PDUS synthetic PDUs polled together (one poll, PDUS units), as a bridge records several PDUs. */
function manyPdus(): (t: number) => PduReading[] {
  const models = Array.from({ length: PDUS }, (_, i) => syntheticPdu({ id: `pdu${i + 1}`, outlets: 36 }));
  return (t) => models.flatMap((m) => m(t));
}

async function main() {
  const json = process.argv.includes('--json');
  const loadStart = loadavg()[0] ?? 0;
  const live = await ingest();

  const h = open('year.db');
  let c = process.cpuUsage();
  let t = performance.now();
  const year = backfill({
    history: h,
    model: syntheticPdu({ outlets: 36 }),
    from: end - 365 * DAY,
    to: end,
    stepMs: MIN,
  });
  const yearS = (performance.now() - t) / 1000;
  const yearCpuS = cpuS(c);
  if (year.error) throw new Error(year.error);
  const one = queries(h, 'pdu1');

  const csv = {} as HistoryBench['csv'];
  for (const view of ['total', 'ports'] as const) {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    t = performance.now();
    const bytes = await h.exportCsvTo({ pdu: 'pdu1', period: 'year', resolution: '15m', view }, sink);
    csv[view] = { s: (performance.now() - t) / 1000, mb: bytes / 1e6 };
  }
  h.db().pragma('wal_checkpoint(TRUNCATE)');
  await h.stop();
  const mb = statSync(join(dir, 'year.db')).size / 1e6;

  // The demo's first start: the simulator's year (older days at 5 minutes, the last 7 at 1 minute).
  const demo = open('demo.db');
  c = process.cpuUsage();
  t = performance.now();
  const sim = readingsFromSim(createSimModel(), 'pdu1');
  const d = backfillDemo({ history: demo, model: sim, ids: ['pdu1'], now: end });
  const demoS = (performance.now() - t) / 1000;
  const demoCpuS = cpuS(c);
  if (d.error) throw new Error(d.error);
  await demo.stop();

  // Ten PDU-years in one file. Older polls every 5 minutes (the rollup rows are those of 1-minute
  // polls: only the samples per bucket differ), the last 7 days at 1 minute (the raw samples).
  const ten = open('ten.db');
  const ids = Array.from({ length: PDUS }, (_, i) => `pdu${i + 1}`);
  const many = backfillDemo({ history: ten, model: manyPdus(), ids, now: end });
  if (many.error) throw new Error(many.error);
  const queries10 = queries(ten, `pdu${PDUS / 2}`);
  await ten.stop();

  const worst = (q: HistoryBench['queries']) => Math.max(...Object.values(q).map((v) => v.worst));
  const worstCsv = Math.max(csv.total.s, csv.ports.s);
  const verdict = {
    query: worst(one) < TARGET_QUERY_MS,
    query10: worst(queries10) < TARGET_QUERY_10_MS,
    csv: worstCsv < TARGET_CSV_S,
    size: mb < TARGET_MB,
  };
  const result: HistoryBench = {
    machine: { cores: availableParallelism(), load: [loadStart, loadavg()[0] ?? 0] },
    live,
    backfill: { yearS, yearPolls: year.polls, demoS, demoPolls: d.polls, yearCpuS, demoCpuS },
    queries: one,
    queries10,
    csv,
    mb,
    verdict,
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else print(result, worst(one), worst(queries10), worstCsv);
  rmSync(dir, { recursive: true, force: true });
  if (!Object.values(verdict).every(Boolean)) process.exitCode = 1;
}

function print(r: HistoryBench, worst1: number, worst10: number, worstCsv: number) {
  const [l0, l1] = r.machine.load;
  console.log(
    `history benchmark: a year of 1-minute polls of a 36-outlet PDU (load ${l0.toFixed(2)} → ${l1.toFixed(2)} on ${r.machine.cores} cores)`,
  );
  row(
    'ingest, live path (tracked, 1 txn per poll)',
    `${r.live.pollsPerS} polls/s (${r.live.usPerPoll} µs a poll, CPU ${r.live.cpuUsPerPoll} µs)`,
  );
  row(
    'backfill, a year of 1-minute polls',
    `${r.backfill.yearS.toFixed(1)} s (${r.backfill.yearPolls} polls, CPU ${r.backfill.yearCpuS.toFixed(1)} s)`,
  );
  row(
    "backfill, the demo's year (simulator)",
    `${r.backfill.demoS.toFixed(1)} s (${r.backfill.demoPolls} polls, CPU ${r.backfill.demoCpuS.toFixed(1)} s)`,
  );
  console.log(
    `  query, ms, median / worst of ${RUNS} (CPU median): one PDU-year | ${PDUS} PDU-years in one database`,
  );
  const f = (v: { median: number; worst: number; cpu: number } | undefined) =>
    v ? `${v.median.toFixed(2)} / ${v.worst.toFixed(2)} (${v.cpu.toFixed(2)})` : '—';
  for (const [k, v] of Object.entries(r.queries)) row(`  ${k}`, `${f(v)} | ${f(r.queries10[k])}`);
  for (const [k, v] of Object.entries(r.csv))
    row(`CSV year 15m ${k}`, `${v.s.toFixed(2)} s, ${v.mb.toFixed(1)} MB`);
  row('database per PDU-year', `${r.mb.toFixed(1)} MB (raw 7 days + rollups)`);
  console.log(
    `verdict: queries ${pass(r.verdict.query)} (worst ${worst1.toFixed(1)} ms < ${TARGET_QUERY_MS} ms), ` +
      `${PDUS} PDUs ${pass(r.verdict.query10)} (worst ${worst10.toFixed(1)} ms < ${TARGET_QUERY_10_MS} ms), ` +
      `CSV ${pass(r.verdict.csv)} (worst ${worstCsv.toFixed(2)} s < ${TARGET_CSV_S} s), ` +
      `size ${pass(r.verdict.size)} (${r.mb.toFixed(1)} MB < ${TARGET_MB} MB)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
});
