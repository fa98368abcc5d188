import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { silentLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { binaryState } from '../helpers/ha-template.ts';
import { validateDiscovery } from '../helpers/ha-validator.ts';
import { retained, type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * What Home Assistant and Node-RED see of a 3-phase PX3 with protectors and external sensors, and of
 * an inlet-metered PX with no outlets, through the whole bridge (simulator → poller → embedded broker):
 * the retained topics, their discovery, a trip, an alarm raised and cleared, a probe unplugged.
 */

const MINUTE = 60_000;
let clock = Date.UTC(2026, 5, 1, 14, 0);

type Json = Record<string, unknown>;
type Components = Record<string, Json>;

describe('the bridge on a 3-phase simulated PX3 and an inlet-metered one', () => {
  let phase3: SimAgent;
  let meter: SimAgent;
  let bridge: Bridge;
  let dir: string;
  let url: string;
  let watcher: Watcher;

  /** Advances the clock, polls both PDUs, and waits until MQTT carries the new PDU payloads. */
  async function pollAll(): Promise<void> {
    clock += MINUTE;
    const since = watcher.seen.length;
    for (const p of bridge.pollers) await p.pollNow();
    for (const id of ['ph3', 'meter'])
      await watcher.waitFor(
        (m) => m.topic === `raritan2mqtt/${id}/diagnostics` && watcher.seen.indexOf(m) >= since,
      );
  }

  const latest = (topic: string): Json | undefined => {
    for (let i = watcher.seen.length - 1; i >= 0; i--) {
      const m = watcher.seen[i]!;
      if (m.topic === topic) return m.payload === '' ? undefined : (JSON.parse(m.payload) as Json);
    }
    return undefined;
  };

  const lastRaw = (topic: string): string => {
    for (let i = watcher.seen.length - 1; i >= 0; i--)
      if (watcher.seen[i]!.topic === topic) return watcher.seen[i]!.payload;
    throw new Error(`nothing seen on ${topic}`);
  };

  /** The state Home Assistant shows for a binary_sensor of a device, from the last config and state seen. */
  function ha(device: string, component: string): string {
    const config = JSON.parse(lastRaw(`homeassistant/device/${device}/config`)) as {
      components: Components;
      state_topic?: string;
    };
    const c = config.components[component];
    if (!c) throw new Error(`${device} has no component ${component}`);
    return binaryState(c, lastRaw(String(c.state_topic ?? config.state_topic)));
  }

  async function discovery(): Promise<{ configs: Map<string, unknown>; states: Map<string, string> }> {
    const states = await retained(url, ['raritan2mqtt/#']);
    const raw = await retained(url, ['homeassistant/device/+/config']);
    const configs = new Map<string, unknown>([...raw].map(([t, p]) => [t, JSON.parse(p)]));
    return { configs, states };
  }

  beforeAll(async () => {
    phase3 = await startSimAgent({ model: { outlets: 36, phases: 3 }, clock: () => clock });
    meter = await startSimAgent({ model: { outlets: 0, seed: 7 }, clock: () => clock });
    dir = mkdtempSync(join(tmpdir(), 'r2m-hw-'));
    const pdu = (id: string, port: number) => ({ id, host: '127.0.0.1', port, pollInterval: 3600 });
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [pdu('ph3', phase3.port), pdu('meter', meter.port)],
        snmp: { namesRefresh: 300 },
        mqtt: { port: 0 },
        http: { port: 0, host: '127.0.0.1' },
        db: { path: join(dir, 'r2m.db') },
      },
    });
    bridge = createBridge({ config, log: silentLogger, now: () => clock });
    await bridge.start();
    url = bridge.mqtt.url!;
    watcher = await watch(url, ['raritan2mqtt/#', 'homeassistant/device/+/config']);
    await pollAll();
  });
  afterAll(async () => {
    await watcher?.close();
    await bridge?.stop();
    await phase3?.stop();
    await meter?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes lines, protectors and sensors, each with alarms, and no lines on a 1-phase inlet', async () => {
    const pdu = latest('raritan2mqtt/ph3')!;
    expect(Object.keys(pdu.lines as Json)).toEqual(['L1', 'L2', 'L3', 'N']);
    const lines = pdu.lines as Record<string, Json>;
    expect(Object.keys(lines.N!)).toEqual(['current']);
    expect(lines.L1).toMatchObject({ voltage: expect.any(Number), voltage_ln: expect.any(Number) });
    expect(lines.L1!.voltage as number).toBeGreaterThan((lines.L1!.voltage_ln as number) * 1.7);
    expect(pdu.unbalanced_current).toEqual(expect.any(Number));
    expect(pdu.alarms).toEqual({});
    const c3 = latest('raritan2mqtt/ph3/breaker/C3')!;
    expect(c3).toEqual({
      label: 'C3',
      name: '',
      type: 'breaker_1_pole',
      rated_current: 16,
      current: expect.any(Number),
      peak_current: expect.any(Number),
      state: 'closed',
      tripped: false,
      outlets: [13, 14, 15, 16, 17, 18],
      alarms: {},
    });
    const sensors = watcher.seen.filter((m) => m.topic.startsWith('raritan2mqtt/ph3/sensor/'));
    const ids = [...new Set(sensors.map((m) => m.topic.split('/').pop()))];
    expect(ids).toHaveLength(4);
    const temp = latest(`raritan2mqtt/ph3/sensor/${ids.find((i) => i!.endsWith('_temperature'))}`)!;
    expect(temp).toMatchObject({ type: 'temperature', unit: '°C', state: 'normal', alarms: {} });
    expect(latest('raritan2mqtt/ph3/outlet/1')!.alarms).toEqual({});

    const m = latest('raritan2mqtt/meter')!;
    expect(m).toMatchObject({ outlets_on: 0, alarms: {} });
    expect(m.power as number).toBeGreaterThan(0);
    expect('lines' in m).toBe(false);
    expect('unbalanced_current' in m).toBe(false);
    expect(watcher.seen.some((x) => x.topic.startsWith('raritan2mqtt/meter/outlet/'))).toBe(false);
  });

  it('announces every line, protector, sensor and problem entity, and HA accepts all of it', async () => {
    const { configs, states } = await discovery();
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', configs, states })).toEqual([]);
    const ph3 = (configs.get('homeassistant/device/raritan2mqtt_ph3/config') as { components: Components })
      .components;
    for (const id of ['l1_current', 'l2_voltage', 'l3_voltage_ln', 'n_current', 'unbalanced_current'])
      expect(ph3[id]?.platform).toBe('sensor');
    expect(ph3.problem).toMatchObject({ platform: 'binary_sensor', device_class: 'problem' });
    // A 3-phase inlet has current and voltage per line only: no inlet-wide entities that stay unknown.
    expect(ph3.current).toBeUndefined();
    expect(ph3.voltage).toBeUndefined();
    expect(ph3.power).toBeDefined();
    expect(ph3.breaker_c6_current).toMatchObject({ device_class: 'current', unit_of_measurement: 'A' });
    expect(ph3.breaker_c6_tripped).toMatchObject({
      platform: 'binary_sensor',
      device_class: 'problem',
      state_topic: 'raritan2mqtt/ph3/breaker/C6',
    });
    const classes = Object.entries(ph3)
      .filter(([id]) => id.startsWith('sensor_'))
      .map(([, c]) => `${c.platform}:${c.device_class}`)
      .sort();
    expect(classes).toEqual([
      'binary_sensor:door',
      'binary_sensor:moisture',
      'sensor:humidity',
      'sensor:temperature',
    ]);
    const outlet = configs.get('homeassistant/device/raritan2mqtt_ph3_outlet_1/config') as {
      components: Components;
    };
    expect(outlet.components.problem).toMatchObject({ platform: 'binary_sensor', device_class: 'problem' });
    // The inlet-metered unit is a device of its own, with its totals and no outlet devices.
    const meterDevice = configs.get('homeassistant/device/raritan2mqtt_meter/config') as {
      components: Components;
    };
    expect(meterDevice.components.power).toBeDefined();
    expect(meterDevice.components.current).toBeDefined();
    expect(meterDevice.components.l1_current).toBeUndefined();
    expect([...configs.keys()].some((t) => t.includes('raritan2mqtt_meter_outlet_'))).toBe(false);
  });

  it('carries a trip to the breaker topic and its problem entity, and the reset back', async () => {
    phase3.model.tripBreaker(1, 3, clock);
    await pollAll();
    expect(latest('raritan2mqtt/ph3/breaker/C3')).toMatchObject({
      state: 'open',
      tripped: true,
      current: 0,
      alarms: { state: 'open' },
    });
    expect(ha('raritan2mqtt_ph3', 'breaker_c3_tripped')).toBe('on');
    expect(ha('raritan2mqtt_ph3', 'breaker_c2_tripped')).toBe('off');
    expect(latest('raritan2mqtt/ph3/outlet/13')!.power).toBe(0);
    phase3.model.resetBreaker(1, 3, clock);
    await pollAll();
    expect(latest('raritan2mqtt/ph3/breaker/C3')).toMatchObject({ tripped: false, alarms: {} });
    expect(ha('raritan2mqtt_ph3', 'breaker_c3_tripped')).toBe('off');
  });

  it("raises and clears an outlet's alarm as the PDU's threshold state changes", async () => {
    phase3.model.addLoad(1, 2, 1900, clock); // past outlet 2's 8 A upper critical
    await pollAll();
    expect(latest('raritan2mqtt/ph3/outlet/2')!.alarms).toEqual({ current: 'above_upper_critical' });
    expect(ha('raritan2mqtt_ph3_outlet_2', 'problem')).toBe('on');
    expect(ha('raritan2mqtt_ph3_outlet_1', 'problem')).toBe('off');
    phase3.model.addLoad(1, 2, -1900, clock);
    await pollAll();
    expect(latest('raritan2mqtt/ph3/outlet/2')!.alarms).toEqual({});
    expect(ha('raritan2mqtt_ph3_outlet_2', 'problem')).toBe('off');
  });

  it('shows a door opening, a leak and a probe past its threshold as HA would', async () => {
    const ids = [...new Set(watcher.seen.map((m) => m.topic))]
      .filter((t) => t.startsWith('raritan2mqtt/ph3/sensor/'))
      .map((t) => t.split('/').pop()!);
    const id = (suffix: string) => `sensor_${ids.find((i) => i.endsWith(suffix))}`;
    phase3.model.setExternal(1, 3, { active: false });
    await pollAll();
    expect(ha('raritan2mqtt_ph3', id('_door_1'))).toBe('off');
    expect(ha('raritan2mqtt_ph3', id('_water'))).toBe('off');
    expect(ha('raritan2mqtt_ph3', 'problem')).toBe('off');
    phase3.model.setExternal(1, 3, { active: true });
    phase3.model.setExternal(1, 4, { active: true });
    phase3.model.setExternal(1, 1, { value: 31 });
    await pollAll();
    expect(ha('raritan2mqtt_ph3', id('_door_1'))).toBe('on');
    expect(ha('raritan2mqtt_ph3', id('_water'))).toBe('on');
    const temp = latest(`raritan2mqtt/ph3/${id('_temperature').replace('sensor_', 'sensor/')}`)!;
    expect(temp).toMatchObject({
      value: 31,
      state: 'above_upper_warning',
      alarms: { value: 'above_upper_warning' },
    });
    for (const s of [1, 3, 4]) phase3.model.setExternal(1, s, null);
  });

  it('clears the topic and the entity of a probe that is unplugged', async () => {
    const humidity = watcher.seen.find((m) =>
      m.topic.match(/^raritan2mqtt\/ph3\/sensor\/.*_humidity$/),
    )!.topic;
    phase3.model.setUnplugged(1, 2, true);
    clock += 10 * MINUTE; // past namesRefresh: the layout is read again
    await pollAll();
    await watcher.waitFor((m) => m.topic === humidity && m.payload === '');
    const { configs, states } = await discovery();
    expect(states.has(humidity)).toBe(false);
    const ph3 = (configs.get('homeassistant/device/raritan2mqtt_ph3/config') as { components: Components })
      .components;
    const id = `sensor_${humidity.split('/').pop()}`;
    expect(ph3[id]).toEqual({ platform: 'sensor' }); // HA removes the entity
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', configs, states })).toEqual([]);
    // Plugged back in, it is back at the next layout read, entity and all.
    phase3.model.setUnplugged(1, 2, false);
    clock += 10 * MINUTE;
    const since = watcher.seen.length;
    await pollAll();
    await watcher.waitFor(
      (m) => m.topic === humidity && m.payload !== '' && watcher.seen.indexOf(m) >= since,
    );
  });

  it('serves lines, protectors, sensors, alarms and enabled thresholds in the API', async () => {
    phase3.model.tripBreaker(1, 5, clock);
    await pollAll();
    const base = `http://127.0.0.1:${bridge.http!.port}`;
    const body = (await (await fetch(`${base}/api/current-status?pdu=ph3`)).json()) as {
      pdus: Json[];
    };
    const ph3 = body.pdus.find((p) => p.id === 'ph3')!;
    expect(Object.keys(ph3.lines as Json)).toEqual(['L1', 'L2', 'L3', 'N']);
    expect(ph3.unbalanced_current).toEqual(expect.any(Number));
    expect(ph3.thresholds).toMatchObject({
      'lines.L1.current': { upper_warning: 25.6, upper_critical: 28.8 },
    });
    const breakers = ph3.breakers as Json[];
    expect(breakers[4]).toMatchObject({
      label: 'C5',
      tripped: true,
      alarms: { state: 'open' },
      thresholds: { current: { upper_warning: 12.8, upper_critical: 14.4 } },
    });
    expect((ph3.sensors as Json[]).map((x) => x.type)).toEqual(['temperature', 'humidity', 'door', 'water']);
    const outlet = (ph3.outlets as Json[]).find((o) => o.outlet === 1)!;
    expect(outlet).toMatchObject({
      breaker: 'C1',
      thresholds: { current: { upper_warning: 6.5 } },
      alarms: {},
    });
    const meterBody = (await (await fetch(`${base}/api/current-status?pdu=meter`)).json()) as {
      pdus: Json[];
    };
    const meterPdu = meterBody.pdus.find((p) => p.id === 'meter')!;
    expect(meterPdu).toMatchObject({ lines: null, unbalanced_current: null, outlets: [], outlets_total: 0 });

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^raritan_line_voltage_ln_volts\{pdu="ph3",line="L2"\} 2\d\d$/m);
    expect(text).toMatch(/^raritan_line_current_amperes\{pdu="ph3",line="N"\} [\d.]+$/m);
    expect(text).not.toMatch(/^raritan_line_voltage_volts\{pdu="ph3",line="N"\}/m);
    expect(text).toMatch(/^raritan_breaker_tripped\{pdu="ph3",breaker="C5"\} 1$/m);
    expect(text).toMatch(/^raritan_breaker_tripped\{pdu="ph3",breaker="C1"\} 0$/m);
    expect(text).toMatch(
      /^raritan_alarm\{pdu="ph3",scope="breaker",id="C5",field="state",state="open"\} 1$/m,
    );
    expect(text).toMatch(/^raritan_pdu_alarms\{pdu="ph3"\} 1$/m);
    expect(text).toMatch(/^raritan_pdu_alarms\{pdu="meter"\} 0$/m);
    expect(text).toMatch(
      /^raritan_threshold\{pdu="ph3",scope="outlet",id="1",field="current",threshold="upper_warning"\} 6\.5$/m,
    );
    expect(text).toMatch(
      /^raritan_sensor_value\{pdu="ph3",sensor="[a-z0-9_]+_temperature",unit="°C"\} [\d.]+$/m,
    );
    expect(text).toMatch(
      /^raritan_sensor_state\{pdu="ph3",sensor="[a-z0-9_]+_door_1",state="(open|closed)"\} 1$/m,
    );
    phase3.model.resetBreaker(1, 5, clock);
  });

  it('records and serves the inlet-metered unit without outlets', async () => {
    const base = `http://127.0.0.1:${bridge.http!.port}`;
    const ports = (await (await fetch(`${base}/api/ports?pdu=meter`)).json()) as { ports: unknown[] };
    expect(ports.ports).toEqual([]);
    const status = await fetch(`${base}/api/current-status?pdu=meter`);
    expect(status.status).toBe(200);
    expect(bridge.history.outlets('meter')).toEqual([]);
    const power = await fetch(
      `${base}/api/power-data?pdu=meter&view=total&from=${clock - 2 * 3_600_000}&to=${clock}`,
    );
    expect(power.status).toBe(200);
    const series = (await power.json()) as { lines: { outlet: number; avg: (number | null)[] }[] };
    // The inlet is channel 0: its power is recorded for every poll like an outlet's.
    expect(series.lines.map((l) => l.outlet)).toEqual([0]);
    expect(series.lines[0]!.avg.some((p) => p !== null && p > 0)).toBe(true);
    const csv = await (
      await fetch(`${base}/api/export-data?pdu=meter&format=csv&from=${clock - 2 * 3_600_000}&to=${clock}`)
    ).text();
    expect(csv.split('\n')[0]).toMatch(/^time,pdu,outlet/);
    expect(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .some((l) => l.split(',')[2] === '0'),
    ).toBe(true);
  });
});
