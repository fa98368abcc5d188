/**
 * History benchmark (DESIGN.md section 5): a year of 1-minute polls of a 36-outlet PDU.
 *   npx tsx bench/history.ts [--json]
 * Prints ingest rate (live path: one transaction per poll), the backfill time of the year, the
 * median time of every panel query per period, the year's CSV at 15-minute resolution, and the
 * database size per PDU-year with the default retention (raw 7 days, rollups for years).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { backfill } from '../bridge/history/backfill.ts';
import { createHistory, type History } from '../bridge/history/history.ts';
import type { Period } from '../bridge/history/range.ts';
import { syntheticPdu } from '../bridge/history/synthetic.ts';
import { silentLogger } from '../bridge/log.ts';

const TARGET_QUERY_MS = 20;
const TARGET_CSV_S = 2;
const TARGET_MB = 150;
const MIN = 60_000;
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-history-'));
const end = Math.floor(Date.now() / MIN) * MIN;
const model = syntheticPdu({ outlets: 36 });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function time(fn: () => unknown, runs = 9): number {
  fn(); // warm: prepare statements, JIT
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function ingest(): { pollsPerS: number; rowsPerS: number } {
  const polls = 3000;
  const h = createHistory({ path: join(dir, 'ingest.db'), log: silentLogger, now: () => end });
  h.start();
  const readings = Array.from({ length: polls }, (_, i) => model(end - (polls - i) * MIN));
  const t = performance.now();
  for (const r of readings) h.record(r);
  const s = (performance.now() - t) / 1000;
  void h.stop();
  return { pollsPerS: polls / s, rowsPerS: (polls * 37) / s };
}

async function main() {
  const json = process.argv.includes('--json');
  const live = ingest();
  const path = join(dir, 'year.db');
  const h: History = createHistory({ path, log: silentLogger, now: () => end });
  h.start();
  let t = performance.now();
  const bf = backfill({ history: h, model, from: end - 365 * DAY, to: end, stepMs: MIN });
  const backfillS = (performance.now() - t) / 1000;
  if (bf.error) throw new Error(bf.error);

  const periods: Period[] = ['hour', 'day', 'week', 'month', 'year'];
  const queries: Record<string, number> = {};
  for (const period of periods) {
    queries[`power ${period} total`] = time(() => h.powerSeries({ pdu: 'pdu1', period, view: 'total' }));
    queries[`power ${period} ports`] = time(() => h.powerSeries({ pdu: 'pdu1', period, view: 'ports' }));
    queries[`energy ${period} total`] = time(() => h.energySeries({ pdu: 'pdu1', period, view: 'total' }));
    queries[`energy ${period} ports`] = time(() => h.energySeries({ pdu: 'pdu1', period, view: 'ports' }));
  }
  queries.cards = time(() => h.cards('pdu1'));
  queries.outlets = time(() => h.outlets('pdu1'));
  queries['peak year'] = time(() => h.peaks({ pdu: 'pdu1', period: 'year' }));
  queries['custom 90 days ports'] = time(() =>
    h.powerSeries({ pdu: 'pdu1', from: end - 120 * DAY, to: end - 30 * DAY, view: 'ports' }),
  );

  const csv: Record<string, { s: number; mb: number }> = {};
  for (const view of ['total', 'ports'] as const) {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    t = performance.now();
    const bytes = await h.exportCsvTo({ pdu: 'pdu1', period: 'year', resolution: '15m', view }, sink);
    csv[view] = { s: (performance.now() - t) / 1000, mb: bytes / 1e6 };
  }

  h.db().pragma('wal_checkpoint(TRUNCATE)');
  await h.stop();
  const mb = statSync(path).size / 1e6;

  const worstQuery = Math.max(...Object.values(queries));
  const worstCsv = Math.max(...Object.values(csv).map((c) => c.s));
  const verdict = {
    query: worstQuery < TARGET_QUERY_MS,
    csv: worstCsv < TARGET_CSV_S,
    size: mb < TARGET_MB,
  };
  if (json) {
    console.log(JSON.stringify({ live, backfillS, polls: bf.polls, queries, csv, mb, verdict }, null, 2));
  } else {
    const row = (k: string, v: string) => console.log(`  ${k.padEnd(34)} ${v}`);
    console.log(
      'history benchmark: one 36-outlet PDU, a year of 1-minute polls (525,600 polls, 19.4 M outlet-rows)',
    );
    row(
      'ingest, live path (1 txn per poll)',
      `${live.pollsPerS.toFixed(0)} polls/s, ${live.rowsPerS.toFixed(0)} rows/s`,
    );
    row('backfill of the year', `${backfillS.toFixed(1)} s`);
    for (const [k, v] of Object.entries(queries)) row(`query ${k}`, `${v.toFixed(2)} ms (median of 9)`);
    for (const [k, v] of Object.entries(csv))
      row(`CSV year 15m ${k}`, `${v.s.toFixed(2)} s, ${v.mb.toFixed(1)} MB`);
    row('database per PDU-year', `${mb.toFixed(1)} MB (raw 7 days + rollups)`);
    console.log(
      `verdict: queries ${verdict.query ? 'PASS' : 'FAIL'} (worst ${worstQuery.toFixed(1)} ms < ${TARGET_QUERY_MS} ms), ` +
        `CSV ${verdict.csv ? 'PASS' : 'FAIL'} (worst ${worstCsv.toFixed(2)} s < ${TARGET_CSV_S} s), ` +
        `size ${verdict.size ? 'PASS' : 'FAIL'} (${mb.toFixed(1)} MB < ${TARGET_MB} MB)`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  if (!verdict.query || !verdict.csv || !verdict.size) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
});
