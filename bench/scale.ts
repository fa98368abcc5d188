/**
 * Scale benchmark (targets in bench/targets.ts): 200 simulated PX3-5892s (7,200 outlets) polled every 10 s by
 * ONE bridge, the real daemon as a user runs it: `node <nodeFlags> bin/raritan2mqtt.js run -c <file>` (bin/code.js), with SNMP,
 * energy tracking, history in SQLite, MQTT publishing (embedded broker, or an external Mosquitto with
 * --broker mosquitto) to a subscriber, and the HTTP server.
 *   npx tsx bench/scale.ts [--json] [--quick] [--seconds 60] [--count 200] [--interval 10]
 *                          [--broker embedded|mosquitto] [--stretch]
 * --stretch: the stretch target, 1,000 PDUs (36,000 outlets) every 60 s under 300 MB, measured over
 * three cycles (one with --quick); --count, --interval and --seconds still override it.
 * Measured black-box, so none of this process's modules count against the bridge: CPU from
 * /proc/<pid>/stat, RSS from /proc/<pid>/status each second (and VmHWM, the true peak), polls, missed
 * cycles, failures and poll durations from the daemon's /metrics. The agents run in a child process of
 * their own, the MQTT subscriber (mosquitto_sub, as Home Assistant would subscribe) in another. The
 * window starts 5 s after a cycle boundary once every PDU has been polled once, and lasts a whole
 * number of cycles; startup is reported apart. The daemon is stopped with SIGTERM and must exit 0.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from '../bin/code.js';
import { startMosquitto } from '../support/mosquitto.ts';
import { freeTcpPort } from '../support/ports.ts';
import { clockTicks, cpuTicks, daemonCode, memory, scrape, spawnDaemon, total } from './daemon.ts';
import { forkSimAgents, median, quantile, sum } from './lib.ts';
import { report, subscribe } from './scale-report.ts';
import { TARGETS } from './targets.ts';

/** The default snmp.namesRefresh, written out so that the layout re-read bound below matches the file. */
const NAMES_REFRESH_S = 300;

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    seconds: { type: 'string' },
    count: { type: 'string' },
    broker: { type: 'string' },
    interval: { type: 'string' },
    stretch: { type: 'boolean' },
  },
});
// 'embedded' (default: the whole system in one process, as `npm start` runs without an mqtt.url) or
// 'mosquitto' (the README's advice for large sites: the broker's retained copies live elsewhere).
const brokerKind = args.broker === 'mosquitto' ? 'mosquitto' : 'embedded';
const stretch = Boolean(args.stretch);
const count = Number(args.count ?? (stretch ? 1000 : 200));
const intervalS = Number(args.interval ?? (stretch ? 60 : 10));
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(intervalS) || intervalS < 1) {
  console.error('scale: --count and --interval must be whole numbers of at least 1');
  process.exit(2);
}
const defaultSeconds = stretch ? (args.quick ? 1 : 3) * intervalS : args.quick ? 20 : 60;
const cycles = Math.max(1, Math.round(Number(args.seconds ?? defaultSeconds) / intervalS));
const seconds = cycles * intervalS;
const hz = clockTicks();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-scale-'));
  const agents = await forkSimAgents(count);
  const mqttPort = await freeTcpPort();
  const httpPort = await freeTcpPort();
  const mosquitto = brokerKind === 'mosquitto' ? await startMosquitto({ port: mqttPort }) : undefined;
  const ids = agents.ports.map((_, i) => `pdu${i + 1}`);
  const configFile = join(dir, 'raritan2mqtt.json');
  const fileConfig = {
    pdus: agents.ports.map((port, i) => ({ id: ids[i], host: '127.0.0.1', port, pollInterval: intervalS })),
    mqtt: mosquitto ? { url: mosquitto.url } : { host: '127.0.0.1', port: mqttPort, wsPort: 0 },
    snmp: { namesRefresh: NAMES_REFRESH_S },
    http: { host: '127.0.0.1', port: httpPort },
    db: { path: join(dir, 'scale.db') },
    log: { level: 'warn' },
  };
  writeFileSync(configFile, JSON.stringify(fileConfig, null, 2));
  const base = `http://127.0.0.1:${httpPort}`;

  // The daemon as it ships (the bundle, no TypeScript loader) unless R2M_BUNDLE=0 asks for the sources.
  if (process.env.R2M_BUNDLE !== '0') {
    execFileSync('npm', ['run', '--silent', 'build:bridge'], { cwd: root, stdio: 'inherit' });
    process.env.R2M_BUNDLE = '1';
  }
  const code = daemonCode();
  const t0 = performance.now();
  const daemon = spawnDaemon(configFile);
  const { pid } = daemon;
  let alive = true;
  void daemon.exited.then(() => {
    alive = false;
  });
  const check = () => {
    if (!alive) throw new Error(`the daemon exited early:\n${daemon.logLines().slice(-20).join('\n')}`);
  };
  let peakRss = 0;
  let peakRssWindow = 0;
  const windowRss: number[] = [];
  let measuring = false;
  const sampler = setInterval(() => {
    if (!alive) return;
    try {
      const { rss } = memory(pid);
      peakRss = Math.max(peakRss, rss);
      if (measuring) {
        peakRssWindow = Math.max(peakRssWindow, rss);
        windowRss.push(rss);
      }
    } catch {
      // The process exited between the check and the read.
    }
  }, 1000);
  let sub: ReturnType<typeof subscribe> = null;
  try {
    // Up: the HTTP server answers (it starts after the broker / MQTT connection, before the first poll).
    for (;;) {
      check();
      if (performance.now() - t0 > 120_000) throw new Error('the daemon did not answer HTTP within 120 s');
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(100);
    }
    const up = { s: (performance.now() - t0) / 1000, cpuS: cpuTicks(pid) / hz, rss: memory(pid).rss };
    peakRss = Math.max(peakRss, up.rss);
    // Poll durations: each poll's diagnostics payload published in the window.
    const durations: number[] = [];
    const requests: number[] = [];
    sub = subscribe(mqttPort, (d) => {
      if (!measuring) return;
      durations.push(d.last_poll_duration);
      requests.push(d.requests);
    });

    // Startup: every PDU polled once (the layout read: names, decimals, availability): /healthz says
    // online true/false from a PDU's first poll on. Small, unlike /metrics; checked on /metrics below.
    for (;;) {
      check();
      const health = (await fetch(`${base}/healthz`).then((r) => r.json())) as {
        pdus: Record<string, unknown>;
      };
      if (ids.every((id) => health.pdus[id] !== null && health.pdus[id] !== undefined)) break;
      await sleep(250);
    }
    const startup = { s: (performance.now() - t0) / 1000, cpuS: cpuTicks(pid) / hz };

    // The window: from 5 s past a cycle boundary, a whole number of cycles.
    const now = Date.now();
    const intervalMs = intervalS * 1000;
    let begin = now - (now % intervalMs) + intervalMs / 2;
    if (begin <= now) begin += intervalMs;
    await sleep(begin - Date.now());
    const first = await scrape(base);
    const m0 = first.metrics;
    const firstPolls = m0.get('raritan_pdu_polls_total');
    const unpolled = ids.filter((id) => (firstPolls?.get(id) ?? 0) < 1);
    if (unpolled.length > 0) throw new Error(`raritan_pdu_polls_total < 1 for ${unpolled.join(', ')}`);
    const agentsBefore = await agents.stats();
    const subBefore = sub?.count() ?? 0;
    const load0 = loadavg();
    const rss0 = memory(pid).rss;
    const c0 = cpuTicks(pid);
    const w0 = performance.now();
    measuring = true;
    await sleep(seconds * 1000);
    check();
    const cpuWindowS = (cpuTicks(pid) - c0) / hz;
    const wallS = (performance.now() - w0) / 1000;
    const load1 = loadavg();
    measuring = false;
    const agentsAfter = await agents.stats();
    const mqttMessages = sub ? sub.count() - subBefore : undefined;
    // Memory before the closing scrape, which builds ~5 MB of text: its growth is the bench's doing.
    const mem = memory(pid);
    peakRss = Math.max(peakRss, mem.rss);
    const last = await scrape(base);
    const m1 = last.metrics;

    clearInterval(sampler);
    const stopped = await daemon.stop();
    const delta = (family: string) => total(m1, family) - total(m0, family);
    const polls = delta('raritan_pdu_polls_total');
    report(
      {
        pdus: count,
        outlets: count * 36,
        interval: intervalS,
        seconds,
        cycles,
        broker: brokerKind,
        stretch,
        target: { rssMb: stretch ? TARGETS.stretchRssMb : TARGETS.scaleRssMb, cpu: TARGETS.scaleCpu },
        pid,
        code,
        clockTicks: hz,
        up: { s: up.s, cpuS: up.cpuS },
        startup,
        layoutRefreshCpuBound: (startup.cpuS - up.cpuS) / NAMES_REFRESH_S,
        polls,
        expectedPolls: count * cycles,
        missed: delta('raritan_pdu_polls_missed_total'),
        failures: delta('raritan_pdu_poll_failures_total'),
        cpu: cpuWindowS / wallS,
        metricsBytes: last.bytes,
        baseRssMb: up.rss / 1e6,
        peakRssMb: peakRss / 1e6,
        steadyPeakRssMb: peakRssWindow / 1e6,
        hwmMb: mem.hwm / 1e6,
        windowRssMb: { start: rss0 / 1e6, end: mem.rss / 1e6, anon: mem.anon / 1e6, file: mem.file / 1e6 },
        steadyMedianRssMb: median(windowRss) / 1e6,
        heapMb: {
          used: total(m1, 'raritan2mqtt_heap_used_bytes') / 1e6,
          total: total(m1, 'raritan2mqtt_heap_total_bytes') / 1e6,
          external: total(m1, 'raritan2mqtt_external_memory_bytes') / 1e6,
        },
        pollMs: {
          n: durations.length,
          median: median(durations),
          p95: quantile(durations, 0.95),
          max: Math.max(...durations),
        },
        // Over the polls published in the window (the agents' window); the /metrics counters' window is
        // a scrape's time longer (its snapshots are taken just before and just after).
        requestsPerPoll:
          (sum(agentsAfter.requests) - sum(agentsBefore.requests)) /
          Math.max(1, sub ? requests.length : polls),
        requestsPerPollDaemon: sum(requests) / Math.max(1, requests.length),
        agentsCpu: (agentsAfter.cpuMs - agentsBefore.cpuMs) / 1000 / wallS,
        mqttMessages,
        logLines: daemon.logLines().length,
        exit: { code: stopped.code, signal: stopped.signal, ms: stopped.ms, killed: stopped.killed },
        load: { start: load0, end: load1 },
      },
      Boolean(args.json),
    );
    if (daemon.logLines().length > 0 && !args.json) {
      console.log(`daemon log (last lines of ${daemon.logLines().length}):`);
      for (const l of daemon.logLines().slice(-5)) console.log(`  ${l.slice(0, 300)}`);
    }
  } finally {
    clearInterval(sampler);
    if (alive) await daemon.stop();
    await sub?.stop();
    await agents.stop();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
