/**
 * Events benchmark: the time from a change on the (simulated) PDU itself, an outlet switched at its
 * web page, to the new state on MQTT, with SNMP traps and without, side by side.
 *   npx tsx bench/events.ts [--json] [--quick]
 * With traps the PDU's powerControl/outletSensorStateChange traps make the bridge poll at once
 * (bridge/traps/); without, the change waits for the next scheduled poll (here every POLL_S seconds:
 * on average half of it). Target: every change on MQTT in under 1 s with traps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { createBridge } from '../bridge/controller.ts';
import { silentLogger } from '../bridge/log.ts';
import { startSimAgent } from '../bridge/sim/agent.ts';
import { loadConfig } from '../config/load.ts';
import { freeUdpPort } from '../support/ports.ts';
import { TARGETS } from './targets.ts';

const TARGET_MS = TARGETS.trapToMqttMs;
const POLL_S = 5;
const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const CHANGES = quick ? 5 : 12;

export interface LatencyStats {
  n: number;
  median: number;
  p95: number;
  max: number;
}

/** What `--json` prints (scripts/bench-rows.ts renders the README's row from it). */
export interface EventsBench {
  pollIntervalS: number;
  withTraps: LatencyStats;
  withoutTraps: LatencyStats;
  verdict: { traps: boolean };
}

const stats = (ms: number[]): LatencyStats => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s.at(-1) ?? Number.NaN };
};

async function measure(traps: boolean): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-events-'));
  const trapPort = await freeUdpPort();
  const agent = await startSimAgent({
    model: { outlets: 36, seed: 9 },
    ...(traps ? { traps: { port: trapPort } } : {}),
  });
  const config = loadConfig({
    env: {},
    overrides: {
      pdus: [{ id: 'pdu1', host: '127.0.0.1', port: agent.port, pollInterval: POLL_S }],
      snmp: { trapPort: traps ? trapPort : 0, trapHost: '127.0.0.1' },
      mqtt: { port: 0, discovery: false },
      http: { port: 0, host: '127.0.0.1' },
      db: { path: join(dir, 'bench.db') },
    },
  });
  const bridge = createBridge({ config, log: silentLogger });
  await bridge.start();
  const client = await connectAsync(bridge.mqtt.url!, { protocolVersion: 4, reconnectPeriod: 0 });
  const waiting = new Map<string, { state: string; resolve: (t: number) => void }>();
  client.on('message', (topic, payload) => {
    const w = waiting.get(topic);
    if (!w) return;
    const state = (JSON.parse(payload.toString()) as { state?: string }).state;
    if (state === w.state) {
      waiting.delete(topic);
      w.resolve(performance.now());
    }
  });
  await client.subscribeAsync('raritan2mqtt/pdu1/outlet/+', { qos: 0 });
  // Past start-up: the first scheduled poll after the start poll has run.
  while ((bridge.status.pdus()[0]?.polls ?? 0) < 2) await new Promise((r) => setTimeout(r, 50));
  const out: number[] = [];
  try {
    for (let i = 0; i < CHANGES; i++) {
      const outlet = 1 + ((i * 5) % 36);
      const want = agent.model.isOn(1, outlet, Date.now()) ? 'off' : 'on';
      const topic = `raritan2mqtt/pdu1/outlet/${outlet}`;
      const arrived = new Promise<number>((resolve) => waiting.set(topic, { state: want, resolve }));
      const t0 = performance.now();
      agent.model.switchOutlet(1, outlet, want, Date.now());
      const t1 = await Promise.race([
        arrived,
        new Promise<number>((r) => setTimeout(() => r(Number.NaN), (POLL_S + 5) * 1000)),
      ]);
      out.push(t1 - t0);
      // Past the per-PDU rate limit, and off the scheduled poll's phase (a fair spread without traps).
      await new Promise((r) => setTimeout(r, 1100 + ((i * 1700) % (POLL_S * 1000))));
    }
  } finally {
    await client.endAsync();
    await bridge.stop();
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  const withTraps = stats(await measure(true));
  const withoutTraps = stats(await measure(false));
  const verdict = { traps: withTraps.max < TARGET_MS };
  if (json) {
    console.log(
      JSON.stringify(
        { pollIntervalS: POLL_S, withTraps, withoutTraps, verdict } satisfies EventsBench,
        null,
        2,
      ),
    );
  } else {
    const row = (name: string, s: ReturnType<typeof stats>) =>
      `${name.padEnd(16)} n=${String(s.n).padStart(2)}  median ${s.median.toFixed(0).padStart(5)} ms  p95 ${s.p95.toFixed(0).padStart(5)} ms  max ${s.max.toFixed(0).padStart(5)} ms`;
    console.log(`change on the PDU → new state on MQTT (scheduled poll every ${POLL_S} s)`);
    console.log(row('with traps', withTraps));
    console.log(row('without traps', withoutTraps));
    console.log(
      `verdict: traps ${verdict.traps ? 'PASS' : 'FAIL'} (max ${withTraps.max.toFixed(0)} ms < ${TARGET_MS} ms)`,
    );
  }
  if (!verdict.traps) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
