import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { hardwareValues } from '../../bridge/history/hardware-channels.ts';
import { hardwareScanSql } from '../../bridge/history/hardware-scan.ts';
import type { SensorDataJson } from '../../bridge/http/api-hardware.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { withSimHardware } from '../../bridge/sim/history-hardware.ts';
import { readingsFromSim } from '../../bridge/sim/history-readings.ts';
import { loadConfig } from '../../config/load.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The 3-phase simulator through the whole bridge (poller → embedded broker and history → HTTP): what
 * /api/sensor-data and the CSV export answer for a poll is what MQTT published for that poll, for
 * every line, protector and numeric external sensor; a trip is in the unit's event log.
 */

const MINUTE = 60_000;
// Each poll in a minute of its own (the raw chart's cell), in the raw retention window.
let clock = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;

type Json = Record<string, unknown>;

describe('hardware history on the 3-phase simulator', () => {
  let agent: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let api: string;
  let watcher: Watcher;

  const latest = (topic: string): Json => {
    for (let i = watcher.seen.length - 1; i >= 0; i--) {
      const m = watcher.seen[i]!;
      if (m.topic === topic) return JSON.parse(m.payload) as Json;
    }
    throw new Error(`nothing seen on ${topic}`);
  };

  /** One poll at the next minute; resolves once MQTT carries it. */
  async function poll(): Promise<number> {
    clock += MINUTE;
    const since = watcher.seen.length;
    await bridge.pollers[0]!.pollNow();
    await watcher.waitFor(
      (m) => m.topic === 'raritan2mqtt/ph3/diagnostics' && watcher.seen.indexOf(m) >= since,
    );
    return clock;
  }

  /** The API's series for the minute of the poll at `t`, once the history has committed it. */
  async function seriesAt(kind: string, t: number): Promise<SensorDataJson> {
    const path = `/api/sensor-data?pdu=ph3&kind=${kind}&from=${t}&to=${t + MINUTE}`;
    for (let tries = 0; ; tries++) {
      const r = await fetch(`${api}${path}`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as SensorDataJson;
      if (body.series.length > 0 || tries > 200) return body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36, phases: 3 }, clock: () => clock });
    dir = mkdtempSync(join(tmpdir(), 'r2m-hw-history-'));
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [{ id: 'ph3', host: '127.0.0.1', port: agent.port, pollInterval: 3600 }],
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger, now: () => clock });
    await bridge.start();
    api = `http://127.0.0.1:${bridge.http!.port}`;
    watcher = await watch(bridge.mqtt.url!, ['raritan2mqtt/#']);
  });
  afterAll(async () => {
    await watcher?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers for a poll with the values MQTT published for it: sensors, protectors, lines', async () => {
    await poll();
    const t = await poll();
    const sensors = await seriesAt('sensor', t);
    expect(sensors.resolution).toBe('raw');
    expect(sensors.times).toEqual([t]);
    // The simulator's numeric probes (temperature and humidity); its door and leak sensors are events.
    expect(sensors.series.map((s) => s.field).sort()).toEqual(['humidity', 'temperature']);
    for (const s of sensors.series) {
      const m = latest(`raritan2mqtt/ph3/sensor/${s.key}`);
      expect(m.value).toEqual(expect.any(Number));
      expect(s).toMatchObject({ unit: m.unit, name: m.name, avg: [m.value], min: [m.value], max: [m.value] });
    }

    const breakers = await seriesAt('breaker', t);
    expect(breakers.series.map((s) => s.key)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    for (const s of breakers.series)
      expect(s.avg).toEqual([latest(`raritan2mqtt/ph3/breaker/${s.key}`).current]);

    const lines = await seriesAt('line', t);
    const published = latest('raritan2mqtt/ph3').lines as Record<string, Json>;
    expect(lines.series).toHaveLength(3 * 4 + 1);
    for (const s of lines.series)
      expect([s.key, s.field, s.avg]).toEqual([s.key, s.field, [published[s.key]![s.field]]]);

    // The raw CSV of that minute: the same values, one line per series.
    const csv = await (
      await fetch(`${api}/api/export-data?pdu=ph3&kind=breaker&from=${t}&to=${t + 1000}&resolution=raw`)
    ).text();
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('time,pdu,kind,id,name,field,unit,avg,min,max,samples');
    expect(rows).toHaveLength(7);
    const c1 = latest('raritan2mqtt/ph3/breaker/C1').current as number;
    expect(rows[1]).toBe(`${new Date(t).toISOString()},ph3,breaker,C1,,current,A,${c1},${c1},${c1},1`);
  });

  it('is backfilled by the demo with the series a live poll records, and the same values at the same time', async () => {
    const t = await poll();
    const live = hardwareValues(bridge.pollers[0]!.last[0]!);
    const past = hardwareValues(withSimHardware(agent.model, readingsFromSim(agent.model, 'ph3'))(t)[0]!);
    expect(live.length).toBe(3 * 4 + 1 + 6 + 2);
    expect(past).toEqual(live);
  });

  it('reads each range by a primary-key range of the packed rows, no sort', () => {
    const db = bridge.history.db();
    for (const res of ['raw', '15m', '1h', '1d', '1mo'] as const) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${hardwareScanSql(res)}`).all(1, 0, 1) as {
        detail: string;
      }[];
      const table = res === 'raw' ? 'hw_sample' : `hw_rollup_${res === '1mo' ? '1d' : res}`;
      expect(plan.map((p) => p.detail)).toEqual([
        `SEARCH ${table} USING PRIMARY KEY (pdu=? AND ts>? AND ts<?)`,
      ]);
    }
  });

  it('refuses bad parameters with a one-line 400, and keeps a trip in the unit’s event log', async () => {
    for (const [q, message] of [
      ['kind=door', 'querystring: kind must be one of line, breaker, sensor, got "door"'],
      ['period=decade', 'querystring: period must be one of hour, day, week, month, year, got "decade"'],
      ['pdu=nope', 'unknown pdu "nope"'],
      ['kind=line&view=total', 'querystring: unknown parameter "view"'],
    ] as const) {
      const r = await fetch(`${api}/api/sensor-data?${q}`);
      expect(r.status, q).toBe(400);
      expect(await r.json()).toEqual({ status: 'error', error: message });
    }
    const both = await fetch(`${api}/api/export-data?pdu=ph3&kind=line&view=ports`);
    expect(both.status).toBe(400);
    expect(await both.json()).toEqual({ status: 'error', error: 'give a view or a kind, not both' });

    agent.model.tripBreaker(1, 2, clock);
    await poll();
    const log = (await (await fetch(`${api}/api/event-log?pdu=ph3`)).json()) as {
      events: { type: string }[];
    };
    expect(log.events.map((e) => e.type)).toContain('breaker_tripped');
  });
});
