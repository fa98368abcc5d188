/** The scale benchmark's MQTT subscriber and its report (table + verdict line, or JSON). */
import { type ChildProcess, spawn } from 'node:child_process';
import { nodeFlags } from '../bin/code.js';
import { pass, row } from './lib.ts';

export interface Diagnostics {
  pdu: string;
  /** The daemon's own wall time of the poll, ms (bridge/mqtt/payloads.ts DiagnosticsPayload). */
  last_poll_duration: number;
  requests: number;
}

/**
 * A subscriber to everything under the base topic (as Home Assistant would subscribe), counting
 * messages and handing over each poll's `<base>/<pdu>/diagnostics` payload: the poll durations come
 * from what the daemon publishes anyway, not from scraping it (a /metrics scrape at 7,200 outlets is
 * ~5 MB of text: it stalls the event loop ~0.1 s, lengthening the polls in flight, and grows the heap).
 * Null if mosquitto_sub is absent.
 */
export function subscribe(
  port: number,
  onDiagnostics: (d: Diagnostics) => void,
): { count: () => number; stop: () => Promise<void> } | null {
  let messages = 0;
  let child: ChildProcess;
  try {
    child = spawn(
      'mosquitto_sub',
      ['-h', '127.0.0.1', '-p', String(port), '-t', 'raritan2mqtt/#', '-F', '%t %p'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
  } catch {
    return null;
  }
  let failed = false;
  child.on('error', () => {
    failed = true;
  });
  let rest = '';
  child.stdout?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    messages += lines.length;
    for (const line of lines) {
      const m = /^raritan2mqtt\/([^/ ]+)\/diagnostics (.*)$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      try {
        const p = JSON.parse(m[2]) as { last_poll_duration?: unknown; requests?: unknown };
        if (typeof p.last_poll_duration === 'number' && typeof p.requests === 'number') {
          onDiagnostics({ pdu: m[1], last_poll_duration: p.last_poll_duration, requests: p.requests });
        }
      } catch {
        // Not JSON: not a diagnostics payload this bench knows.
      }
    }
  });
  return {
    count: () => (failed ? -1 : messages),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null || failed) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ScaleResult {
  pdus: number;
  outlets: number;
  interval: number;
  seconds: number;
  cycles: number;
  broker: 'embedded' | 'mosquitto';
  /** The 1,000-PDU / 60 s stretch run (--stretch). */
  stretch: boolean;
  /** What the verdict compares with: RSS (VmHWM and the 1 s samples) in MB, CPU in cores. */
  target: { rssMb: number; cpu: number };
  pid: number;
  /** What the bin ran: dist/raritan2mqtt.mjs or the TypeScript sources through tsx. */
  code: 'bundle' | 'sources (tsx)';
  clockTicks: number;
  /** Spawn → the HTTP server answers (process boot, module load, broker / MQTT connection). */
  up: { s: number; cpuS: number };
  /** Spawn → every PDU polled once (the layout read). */
  startup: { s: number; cpuS: number };
  layoutRefreshCpuBound: number;
  polls: number;
  expectedPolls: number;
  missed: number;
  failures: number;
  /** The daemon's CPU over the window, fraction of one core (utime + stime, all threads). */
  cpu: number;
  /** Size of one /metrics scrape (the bench scrapes at the window's start and after its end). */
  metricsBytes: number;
  baseRssMb: number;
  peakRssMb: number;
  steadyPeakRssMb: number;
  hwmMb: number;
  /** VmRSS at the window's start and end (growth over a run of steady cycles), and the end's parts. */
  windowRssMb: { start: number; end: number; anon: number; file: number };
  /** Median of the 1 s RSS samples in the window: the steady figure, between collections. */
  steadyMedianRssMb: number;
  /** The daemon's own memoryUsage() at the closing scrape (/metrics): V8 heap in use and reserved, external. */
  heapMb: { used: number; total: number; external: number };
  /** From the daemon's MQTT diagnostics, polls published in the window (n). */
  pollMs: { n: number; median: number; p95: number; max: number };
  requestsPerPoll: number;
  /** The daemon's own count (raritan_pdu_poll_requests via MQTT diagnostics), mean over the window. */
  requestsPerPollDaemon: number;
  agentsCpu: number;
  mqttMessages: number | undefined;
  logLines: number;
  exit: { code: number | null; signal: string | null; ms: number; killed: boolean };
  /**
   * The machine's load average (1, 5, 15 min) at the window's start and end: other processes take the
   * CPU the daemon and the agents need (the CPU figure depends on it; RSS mostly does not).
   */
  load?: { start: number[]; end: number[] };
}

/** What `--json` prints (scripts/readme-bench.ts renders the README's table from it). */
export type ScaleBench = ScaleResult & {
  verdict: { cycles: boolean; cpu: boolean; rss: boolean; exit: boolean };
};

export function report(r: ScaleResult, json: boolean): void {
  const verdict: ScaleBench['verdict'] = {
    cycles: r.missed === 0 && r.failures === 0 && r.polls >= r.expectedPolls,
    cpu: r.cpu < r.target.cpu,
    // VmHWM: the kernel's peak, which 1 s samples can miss.
    rss: Math.max(r.hwmMb, r.peakRssMb) < r.target.rssMb,
    exit: r.exit.code === 0,
  };
  const rssMb = Math.max(r.hwmMb, r.peakRssMb);
  if (json) {
    console.log(JSON.stringify({ ...r, verdict } satisfies ScaleBench, null, 2));
  } else {
    console.log(
      `scale benchmark${r.stretch ? ' (stretch)' : ''}: ${r.pdus} simulated PX3-5892 (${r.outlets} outlets) every ${r.interval} s, one daemon ` +
        `(node ${nodeFlags.join(' ')} bin/raritan2mqtt.js run, ${r.code}, pid ${r.pid}), ${r.broker === 'embedded' ? 'embedded broker' : 'external Mosquitto'}, ` +
        `${r.cycles} cycles measured from /proc and /metrics`,
    );
    row('daemon up (HTTP answers)', `${r.up.s.toFixed(1)} s, ${r.up.cpuS.toFixed(1)} s CPU`);
    row(
      'startup (first poll of every PDU, layout read)',
      `${r.startup.s.toFixed(1)} s, ${r.startup.cpuS.toFixed(1)} s CPU (from spawn)`,
    );
    row('polls done / expected', `${r.polls} / ${r.expectedPolls}`);
    row('missed cycles, failed polls', `${r.missed}, ${r.failures}`);
    row(
      'poll duration median / p95 / max',
      `${r.pollMs.median.toFixed(0)} / ${r.pollMs.p95.toFixed(0)} / ${r.pollMs.max.toFixed(0)} ms (${r.pollMs.n} polls, MQTT diagnostics)`,
    );
    row(
      'SNMP requests per poll (agent-counted / daemon)',
      `${r.requestsPerPoll.toFixed(2)} / ${r.requestsPerPollDaemon.toFixed(2)}`,
    );
    row(
      'MQTT messages to the subscriber',
      r.mqttMessages === undefined
        ? 'n/a (no mosquitto_sub)'
        : `${r.mqttMessages} (${(r.mqttMessages / r.seconds).toFixed(0)}/s)`,
    );
    row('bridge CPU (fraction of one core, /proc)', r.cpu.toFixed(3));
    row('simulated agents CPU (other process)', r.agentsCpu.toFixed(3));
    row(
      'layout re-read every 5 min, CPU at most',
      `${r.layoutRefreshCpuBound.toFixed(3)} core (first-poll CPU / names refresh period)`,
    );
    row(
      'bridge RSS: HTTP up / peak / peak in window',
      `${r.baseRssMb.toFixed(0)} / ${r.peakRssMb.toFixed(0)} / ${r.steadyPeakRssMb.toFixed(0)} MB (1 s samples)`,
    );
    row('bridge VmHWM (kernel peak RSS) at the end', `${r.hwmMb.toFixed(0)} MB`);
    row('bridge RSS in window, median (steady)', `${r.steadyMedianRssMb.toFixed(0)} MB`);
    row(
      'V8 heap used / reserved, external (at the end)',
      `${r.heapMb.used.toFixed(0)} / ${r.heapMb.total.toFixed(0)} MB, ${r.heapMb.external.toFixed(0)} MB`,
    );
    const w = r.windowRssMb;
    row(
      'bridge RSS window start → end (anon + file)',
      `${w.start.toFixed(0)} → ${w.end.toFixed(0)} MB (${w.anon.toFixed(0)} + ${w.file.toFixed(0)} MB)`,
    );
    row(
      'SIGTERM → exit',
      `${r.exit.killed ? 'KILLED after 30 s, ' : ''}code ${r.exit.code}${r.exit.signal ? ` signal ${r.exit.signal}` : ''}, ${r.exit.ms.toFixed(0)} ms`,
    );
    row('daemon log lines (level warn)', String(r.logLines));
    if (r.load) {
      const l = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
      row('machine load average window start → end', `${l(r.load.start)} → ${l(r.load.end)}`);
    }
    row('/metrics size (scraped at window start and end)', `${(r.metricsBytes / 1e6).toFixed(1)} MB`);
    console.log(
      `verdict: cycles ${pass(verdict.cycles)} (${r.missed} missed, ${r.failures} failed, ${r.polls}/${r.expectedPolls} polls), ` +
        `CPU ${pass(verdict.cpu)} (${r.cpu.toFixed(3)} < ${r.target.cpu.toFixed(3)} core), ` +
        `RSS ${pass(verdict.rss)} (${rssMb.toFixed(0)} MB < ${r.target.rssMb} MB), ` +
        `exit ${pass(verdict.exit)} (code ${r.exit.code})`,
    );
    console.log('where the memory goes, and what changed it: docs/architecture.md, "Memory"');
  }
  if (!verdict.cycles || !verdict.cpu || !verdict.rss || !verdict.exit) process.exitCode = 1;
}
