/**
 * Scale benchmark (DESIGN.md section 5): 200 simulated PX3-5892s (7,200 outlets) polled every 10 s by
 * ONE bridge, the real controller (createBridge): SNMP, energy tracking, history in SQLite, MQTT
 * publishing through the embedded broker to a subscriber, the HTTP server.
 *   npx tsx bench/scale.ts [--json] [--quick] [--seconds 60] [--count 200]
 * The agents run in a child process and the MQTT subscriber (mosquitto_sub, as Home Assistant would
 * subscribe) in another, so this process's CPU is the bridge's alone. The measurement window starts
 * 5 s after a cycle boundary once every PDU has been polled once (layout read), and lasts a whole
 * number of cycles; startup is reported apart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createBridge } from '../bridge/bridge.ts';
import { createLogger } from '../bridge/log.ts';
import { loadConfig } from '../config/load.ts';
import { startMosquitto } from '../test/helpers/mosquitto.ts';
import { freeTcpPort } from '../test/helpers/ports.ts';
import { forkSimAgents, median, pass, quantile, row, sum } from './lib.ts';

const TARGET_CPU = 1 / 3;
const TARGET_RSS_MB = 200;
const INTERVAL_S = 10;

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    seconds: { type: 'string' },
    count: { type: 'string' },
    broker: { type: 'string' },
  },
});
// 'embedded' (default: the whole system in one process, as `npm start` runs without R2M_MQTT_URL) or
// 'mosquitto' (the README's advice for large sites: the broker's retained copies live elsewhere).
const brokerKind = args.broker === 'mosquitto' ? 'mosquitto' : 'embedded';
const count = Number(args.count ?? 200);
const cycles = Math.max(1, Math.round(Number(args.seconds ?? (args.quick ? 20 : 60)) / INTERVAL_S));
const seconds = cycles * INTERVAL_S;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A subscriber to everything under the base topic, counting messages (null if mosquitto_sub is absent). */
function subscribe(port: number): { count: () => number; stop: () => Promise<void> } | null {
  let messages = 0;
  let child: ChildProcess;
  try {
    child = spawn(
      'mosquitto_sub',
      ['-h', '127.0.0.1', '-p', String(port), '-t', 'raritan2mqtt/#', '-F', '%t'],
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
  child.stdout?.on('data', (d: Buffer) => {
    for (const byte of d) if (byte === 10) messages++;
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-scale-'));
  const agents = await forkSimAgents(count);
  // A known port for the broker, so that the subscriber can find it.
  const mqttPort = await freeTcpPort();
  const mosquitto = brokerKind === 'mosquitto' ? await startMosquitto({ port: mqttPort }) : undefined;
  const config = loadConfig({
    env: {},
    overrides: {
      pdus: agents.ports.map((port, i) => ({
        id: `pdu${i + 1}`,
        host: '127.0.0.1',
        port,
        pollInterval: INTERVAL_S,
      })),
      mqtt: mosquitto ? { url: mosquitto.url } : { port: mqttPort, wsPort: 0 },
      http: { port: 0, host: '127.0.0.1' },
      db: { path: join(dir, 'scale.db') },
      log: { level: 'warn' },
    },
  });
  const bridge = createBridge({ config, log: createLogger('warn') });
  let peakRss = process.memoryUsage().rss;
  let peakRssWindow = 0;
  const baseRss = peakRss;
  const durations: number[] = [];
  const seen = new Map<string, number>();
  let measuring = false;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    if (measuring) peakRssWindow = Math.max(peakRssWindow, rss);
    // A poller's stats change once per cycle; sampling every second sees every poll's duration.
    for (const p of bridge.pollers) {
      if (p.stats.polls !== seen.get(p.id)) {
        seen.set(p.id, p.stats.polls);
        if (measuring && !p.stats.lastError) durations.push(p.stats.lastDurationMs);
      }
    }
  }, 1000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let sub: ReturnType<typeof subscribe> = null;
  try {
    const cpu0 = cpuMs();
    const t0 = performance.now();
    await bridge.start();
    sub = subscribe(mqttPort);
    // Startup: every PDU polled once (the layout read: names, decimals, availability).
    while (bridge.pollers.some((p) => p.stats.polls === 0)) await sleep(100);
    const startup = { s: (performance.now() - t0) / 1000, cpuS: (cpuMs() - cpu0) / 1000 };

    // The window: from 5 s past a cycle boundary, a whole number of cycles.
    const now = Date.now();
    const intervalMs = INTERVAL_S * 1000;
    let begin = now - (now % intervalMs) + intervalMs / 2;
    if (begin <= now) begin += intervalMs;
    await sleep(begin - Date.now());
    const stat = () => bridge.pollers.map((p) => ({ ...p.stats }));
    const before = stat();
    const agentsBefore = await agents.stats();
    const subBefore = sub?.count() ?? 0;
    const c0 = cpuMs();
    const w0 = performance.now();
    measuring = true;
    lag.enable();
    await sleep(seconds * 1000);
    const cpuWindowMs = cpuMs() - c0;
    const wallMs = performance.now() - w0;
    lag.disable();
    measuring = false;
    const after = stat();
    const agentsAfter = await agents.stats();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    const delta = (k: 'polls' | 'failures' | 'missed') => sum(after.map((s, i) => s[k] - before[i]![k]));
    const result = {
      pdus: count,
      outlets: count * 36,
      seconds,
      cycles,
      startup,
      polls: delta('polls'),
      expectedPolls: count * cycles,
      missed: delta('missed'),
      failures: delta('failures'),
      cpu: cpuWindowMs / wallMs,
      peakRssMb: peakRss / 1e6,
      steadyPeakRssMb: peakRssWindow / 1e6,
      baseRssMb: baseRss / 1e6,
      // A layout re-read costs no more than the whole startup cycle (which also announces discovery).
      layoutRefreshCpuBound: startup.cpuS / config.snmp.namesRefresh,
      pollMs: { median: median(durations), p95: quantile(durations, 0.95), max: Math.max(...durations) },
      eventLoopLagMs: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
      requestsPerPoll: (sum(agentsAfter.requests) - sum(agentsBefore.requests)) / Math.max(1, delta('polls')),
      agentsCpu: (agentsAfter.cpuMs - agentsBefore.cpuMs) / wallMs,
      mqttMessages: sub ? sub.count() - subBefore : undefined,
    };
    report(result);
  } finally {
    clearInterval(sampler);
    await bridge.stop();
    await sub?.stop();
    await agents.stop();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Result = {
  pdus: number;
  outlets: number;
  seconds: number;
  cycles: number;
  startup: { s: number; cpuS: number };
  polls: number;
  expectedPolls: number;
  missed: number;
  failures: number;
  cpu: number;
  peakRssMb: number;
  steadyPeakRssMb: number;
  baseRssMb: number;
  layoutRefreshCpuBound: number;
  pollMs: { median: number; p95: number; max: number };
  eventLoopLagMs: { p99: number; max: number };
  requestsPerPoll: number;
  agentsCpu: number;
  mqttMessages: number | undefined;
};

function report(r: Result): void {
  const verdict = {
    cycles: r.missed === 0 && r.failures === 0 && r.polls >= r.expectedPolls,
    cpu: r.cpu < TARGET_CPU,
    rss: r.peakRssMb < TARGET_RSS_MB,
  };
  if (args.json) {
    console.log(JSON.stringify({ ...r, broker: brokerKind, verdict }, null, 2));
  } else {
    console.log(
      `scale benchmark: ${r.pdus} simulated PX3-5892 (${r.outlets} outlets) every ${INTERVAL_S} s, one bridge ` +
        `(SNMP, history, MQTT, HTTP), ${brokerKind === 'embedded' ? 'embedded broker' : 'external Mosquitto'}, ${r.cycles} cycles measured`,
    );
    row(
      'startup (first poll of every PDU, layout read)',
      `${r.startup.s.toFixed(1)} s, ${r.startup.cpuS.toFixed(1)} s CPU`,
    );
    row('polls done / expected', `${r.polls} / ${r.expectedPolls}`);
    row('missed cycles, failed polls', `${r.missed}, ${r.failures}`);
    row(
      'poll duration median / p95 / max',
      `${r.pollMs.median.toFixed(0)} / ${r.pollMs.p95.toFixed(0)} / ${r.pollMs.max.toFixed(0)} ms`,
    );
    row(
      'event-loop lag p99 / max',
      `${r.eventLoopLagMs.p99.toFixed(0)} / ${r.eventLoopLagMs.max.toFixed(0)} ms`,
    );
    row('SNMP requests per poll (agent-counted)', r.requestsPerPoll.toFixed(2));
    row(
      'MQTT messages to the subscriber',
      r.mqttMessages === undefined
        ? 'n/a (no mosquitto_sub)'
        : `${r.mqttMessages} (${(r.mqttMessages / r.seconds).toFixed(0)}/s)`,
    );
    row('bridge CPU (fraction of one core)', r.cpu.toFixed(3));
    row('simulated agents CPU (other process)', r.agentsCpu.toFixed(3));
    row(
      'layout re-read every 5 min, CPU at most',
      `${r.layoutRefreshCpuBound.toFixed(3)} core (startup CPU / names refresh period)`,
    );
    row(
      'bridge RSS: before start / peak / peak in window',
      `${r.baseRssMb.toFixed(0)} / ${r.peakRssMb.toFixed(0)} / ${r.steadyPeakRssMb.toFixed(0)} MB`,
    );
    console.log(
      `verdict: cycles ${pass(verdict.cycles)} (${r.missed} missed, ${r.failures} failed, ${r.polls}/${r.expectedPolls} polls), ` +
        `CPU ${pass(verdict.cpu)} (${r.cpu.toFixed(3)} < ${TARGET_CPU.toFixed(3)} core), ` +
        `RSS ${pass(verdict.rss)} (${r.peakRssMb.toFixed(0)} MB < ${TARGET_RSS_MB} MB)`,
    );
  }
  if (!verdict.cycles || !verdict.cpu || !verdict.rss) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
