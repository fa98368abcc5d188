/**
 * The README's benchmark rows: one renderer per benchmark, reading the benches' own JSON types (so a
 * renamed field fails npm run check), and the shape of a docs/bench.json run. scripts/readme-bench.ts
 * makes the table from them.
 */
import type { DemoBench } from '../bench/demo.ts';
import type { EventsBench } from '../bench/events.ts';
import type { HistoryBench } from '../bench/history.ts';
import type { PanelBench } from '../bench/panel.ts';
import type { ScaleBench } from '../bench/scale-report.ts';
import type { SnmpBench } from '../bench/snmp-report.ts';
import { TARGETS } from '../bench/targets.ts';

/** When, on what and under which load a run was taken. */
export interface RunOf {
  date: string;
  commit: string;
  load: { start: number; end: number };
}

interface Entry<T> {
  exitCode: number;
  seconds: number;
  /** The bench's --json output; absent when it printed none (it broke). */
  result?: T;
  /** Set when this bench was re-run on its own (--merge) after the run the file was made from. */
  run?: RunOf;
}

/** What bin/bench.js --json prints. */
export interface BenchRun {
  date: string;
  commit: string;
  machine: {
    cores: number;
    cpu: string;
    memoryGb: number;
    node: string;
    load: { start: number; end: number };
  };
  benches: {
    snmp?: Entry<SnmpBench>;
    history?: Entry<HistoryBench>;
    scale?: Entry<ScaleBench>;
    stretch?: Entry<ScaleBench>;
    panel?: Entry<PanelBench>;
    demo?: Entry<DemoBench>;
    events?: Entry<EventsBench>;
  };
  passed: boolean;
}

export type BenchName = keyof BenchRun['benches'];
export const BENCHES: readonly BenchName[] = [
  'snmp',
  'history',
  'scale',
  'stretch',
  'panel',
  'demo',
  'events',
];

export const n = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'skipped' : ok ? 'PASS' : '**FAIL**');
export const row = (...cells: string[]) => `| ${cells.join(' | ')} |`;

function snmpRows(r: SnmpBench): string[] {
  const p = r.poll;
  return [
    row(
      `SNMP requests per steady poll of a ${p.outlets}-outlet PDU (agent-counted)`,
      `**${p.steadyRequests}** (${n(p.oids)} OIDs; a GET per OID would be ${n(p.oids)}); layout refresh: ${p.layoutRequests}`,
      `≤ ${TARGETS.snmpRequests}`,
      verdict(r.verdict.requests),
    ),
    // Runs before the hardware poll was benched have none.
    ...(r.hardware
      ? [
          row(
            `SNMP requests per steady poll of a 3-phase ${r.hardware.outlets}-outlet PDU (${r.hardware.lines} inlet poles, ${r.hardware.breakers} protectors, ${r.hardware.sensors} external sensors)`,
            `**${r.hardware.steadyRequests}** (${n(r.hardware.oids)} OIDs); layout refresh: ${r.hardware.layoutRequests}`,
            `≤ ${TARGETS.snmpRequestsHardware}`,
            verdict(r.verdict.hardwareRequests),
          ),
        ]
      : []),
    ...r.comparisons.map((c) =>
      row(
        `poll cycle vs prometheus-snmp-exporter 0.21 on the same agent: ${c.agent}`,
        `ours ${n(c.ours.medianMs, 1)} ms, exporter ${n(c.exporter.medianMs, 1)} ms: **${n(c.ratio, 2)}×**`,
        `≤ ${TARGETS.pollRatio}×`,
        verdict(c.ratio <= TARGETS.pollRatio),
      ),
    ),
    ...(r.comparisons.length === 0
      ? [row('poll cycle vs prometheus-snmp-exporter', r.notes.join('; ') || 'not compared', '', 'skipped')]
      : []),
  ];
}

function historyRows(r: HistoryBench): string[] {
  const slowest = (q: HistoryBench['queries']) => {
    const all = Object.entries(q);
    const [name, m] = all.reduce((a, b) => (b[1].median > a[1].median ? b : a));
    const worst = Math.max(...all.map(([, v]) => v.worst));
    return `slowest median **${n(m.median, 1)} ms** (${name}; CPU ${n(m.cpu, 1)} ms), worst of all runs **${n(worst, 1)} ms**`;
  };
  const year = r.queries['power year ports'];
  return [
    row(
      'history: ingest, the live path (a tracked poll of 36 outlets, one transaction)',
      `**${n(r.live.pollsPerS)} polls/s** (${n(r.live.usPerPoll)} µs a poll)`,
      '—',
      '',
    ),
    row(
      'history: backfill of a year',
      `1-minute polls: **${n(r.backfill.yearS, 1)} s** (${n(r.backfill.yearPolls)} polls); the demo's simulator: ${n(r.backfill.demoS, 1)} s (${n(r.backfill.demoPolls)} polls)`,
      '—',
      '',
    ),
    row(
      `history: every panel query on a year of 1-minute polls of 36 outlets (${Object.keys(r.queries).length} queries, 9 runs each)`,
      `${slowest(r.queries)}; a year per outlet ${year ? `${n(year.median, 1)} ms` : '—'}`,
      `< ${TARGETS.queryMs} ms`,
      verdict(r.verdict.query),
    ),
    row(
      'history: the same with 10 such PDUs in one database',
      slowest(r.queries10),
      `< ${TARGETS.query10Ms} ms`,
      verdict(r.verdict.query10),
    ),
    row(
      'history: a year of CSV at 15 minutes',
      `every outlet **${n(r.csv.ports.s, 2)} s** (${n(r.csv.ports.mb, 1)} MB); the total ${n(r.csv.total.s, 2)} s`,
      `< ${TARGETS.csvS} s`,
      verdict(r.verdict.csv),
    ),
    row(
      'history: on disk per PDU-year (raw 7 days, rollups for years)',
      `**${n(r.mb, 1)} MB**`,
      `< ${TARGETS.historyMb} MB`,
      verdict(r.verdict.size),
    ),
  ];
}

function scaleRows(r: ScaleBench): string[] {
  const rss = Math.max(r.hwmMb, r.peakRssMb);
  return [
    row(
      `${r.stretch ? 'stretch: ' : ''}${r.pdus} PDUs / ${n(r.outlets)} outlets every ${r.interval} s, one bridge (${r.code}), ${r.broker === 'embedded' ? 'embedded broker' : 'external Mosquitto'}`,
      `${r.missed} missed cycles, ${r.failures} failed polls (${n(r.polls)} of ${n(r.expectedPolls)}); CPU **${n(r.cpu, 3)} core**; RSS peak **${n(rss)} MB** (steady median ${n(r.steadyMedianRssMb)} MB; heap ${n(r.heapMb.used)} of ${n(r.heapMb.total)} MB)`,
      `no miss, < ${n(r.target.cpu, 3)} core, < ${r.target.rssMb} MB`,
      [
        r.verdict.cycles ? '' : 'cycles **FAIL**',
        r.verdict.cpu ? '' : 'CPU **FAIL**',
        r.verdict.rss ? '' : 'RSS **FAIL**',
      ]
        .filter(Boolean)
        .join(', ') || 'PASS',
    ),
  ];
}

function panelRows(r: PanelBench): string[] {
  return [
    row(
      'panel: JavaScript, gzipped',
      `**${n(r.jsGzipKb, 1)} kB** (${n(r.jsRawKb, 1)} kB raw)`,
      `< ${TARGETS.panelJsKb} kB`,
      verdict(r.jsGzipKb < TARGETS.panelJsKb),
    ),
    row(
      'panel: navigation to both charts drawn, 400 days of history (fresh profile)',
      `**${n(r.chartsDrawnMs.median)} ms** (median of ${r.chartsDrawnMs.runs}, max ${n(r.chartsDrawnMs.max)}); switch to a year per outlet ${n(r.yearPerOutletMs.median)} ms`,
      `< ${TARGETS.panelDrawnMs} ms`,
      verdict(r.chartsDrawnMs.median < TARGETS.panelDrawnMs),
    ),
  ];
}

function demoRows(r: DemoBench): string[] {
  const s = (x: number | null) => (x === null ? 'never' : `${n(x, 1)} s`);
  return [
    row(
      '`npm run demo` on a fresh clone (the panel built on first run) to /api/ports with 36 live outlets',
      `**${s(r.portsS)}**, the backfill then ${r.backfillAtPorts ? 'running' : 'not running'}; the year filled in behind it at ${s(r.backfillS)}`,
      `< ${TARGETS.demoS} s, live before the history`,
      verdict(r.verdict.demo && r.verdict.order),
    ),
  ];
}

function eventsRows(r: EventsBench): string[] {
  const ms = (x: number) => `${n(x)} ms`;
  return [
    row(
      `a change on the PDU to the new state on MQTT (${r.withTraps.n} changes, scheduled poll every ${r.pollIntervalS} s)`,
      `with traps median **${ms(r.withTraps.median)}**, max ${ms(r.withTraps.max)}; without traps median ${ms(r.withoutTraps.median)}, max ${ms(r.withoutTraps.max)}`,
      `< ${TARGETS.trapToMqttMs} ms with traps`,
      verdict(r.verdict.traps),
    ),
  ];
}

/** The table rows of one benchmark, or one row saying why there are none. */
export function benchRows(run: BenchRun, name: BenchName): string[] {
  const e = run.benches[name];
  if (!e) return [row(name, 'not measured in this run', '', '')];
  if (!e.result) return [row(name, `broke (exit ${e.exitCode}) without a result`, '', '**FAIL**')];
  switch (name) {
    case 'snmp':
      return snmpRows(e.result as SnmpBench);
    case 'history':
      return historyRows(e.result as HistoryBench);
    case 'scale':
    case 'stretch':
      return scaleRows(e.result as ScaleBench);
    case 'panel':
      return panelRows(e.result as PanelBench);
    case 'demo':
      return demoRows(e.result as DemoBench);
    case 'events':
      return eventsRows(e.result as EventsBench);
  }
}
