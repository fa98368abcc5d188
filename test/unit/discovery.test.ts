import { describe, expect, it } from 'vitest';
import { buildDiscovery, type DiscoveryOptions, nodeId, withRemovals } from '../../bridge/mqtt/discovery.ts';
import { outletPayload, pduPayload } from '../../bridge/mqtt/payloads.ts';
import { topics } from '../../bridge/mqtt/topics.ts';
import { validateDiscovery } from '../helpers/ha-validator.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';

const opts: DiscoveryOptions = {
  baseTopic: 'raritan2mqtt',
  discoveryPrefix: 'homeassistant',
  bridgeId: 'raritan2mqtt',
  swVersion: '0.1.0',
  allowSwitching: false,
  canWrite: true,
  protectedOutlets: new Set<number>(),
  maxNameLength: 64,
};

function statesFor(r: ReturnType<typeof sampleReading>) {
  const t = topics(opts);
  const states = new Map<string, string>();
  states.set(t.pdu(r.id), JSON.stringify(pduPayload(r)));
  states.set(t.diagnostics(r.id), JSON.stringify({ last_poll_duration: 12, requests: 5, last_poll: 'x' }));
  for (const o of r.outlets) states.set(t.outlet(r.id, o.outlet), JSON.stringify(outletPayload(o)));
  return states;
}

describe('device-based discovery', () => {
  const r = sampleReading();
  const messages = buildDiscovery(r, opts);
  const byOutlet = (n: number) => messages.find((m) => m.outlet === n);

  it('builds one device for the PDU and one per outlet, on homeassistant/device/<id>/config', () => {
    expect(messages).toHaveLength(1 + r.outlets.length);
    expect(messages[0]?.topic).toBe('homeassistant/device/raritan2mqtt_pdu1/config');
    expect(byOutlet(3)?.topic).toBe('homeassistant/device/raritan2mqtt_pdu1_outlet_3/config');
  });

  it('passes the Home Assistant validator', () => {
    const configs = new Map(messages.map((m) => [m.topic, m.payload as unknown]));
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', configs, states: statesFor(r) })).toEqual(
      [],
    );
  });

  it('passes the validator with switching enabled, on several PDUs at once', () => {
    const a = sampleReading({ id: 'pdu1', serial: 'A1' });
    const b = sampleReading({ id: 'rack-2', serial: 'B2', outlets: 2 });
    const on = { ...opts, allowSwitching: true };
    const all = [...buildDiscovery(a, on), ...buildDiscovery(b, on)];
    const states = new Map([...statesFor(a), ...statesFor(b)]);
    const configs = new Map(all.map((m) => [m.topic, m.payload as unknown]));
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', configs, states })).toEqual([]);
    expect(Object.keys(byOutletOf(all, 'rack-2', 1).payload.components)).toContain('switch');
  });

  it('uses stable unique ids from the serial, never the name', () => {
    const renamed = sampleReading({ names: ['Router', 'x', 'y', 'z'] });
    const a = byOutlet(1)?.payload.components.power;
    const b = buildDiscovery(renamed, opts).find((m) => m.outlet === 1)?.payload.components.power;
    expect(a?.unique_id).toBe('raritan_qv12345678_outlet_1_power');
    expect(b?.unique_id).toBe(a?.unique_id);
  });

  it('names the outlet device after its PDU and the outlet name (a rename renames the device)', () => {
    // The PDU's name (here none: its id) keeps two PDUs with the same outlet names apart.
    expect(byOutlet(1)?.payload.device.name).toBe('pdu1: NAS');
    expect(byOutlet(2)?.payload.device.name).toBe('pdu1 outlet 2');
    expect(messages[0]?.payload.device.identifiers).toEqual(['raritan_qv12345678']);
    expect(byOutlet(2)?.payload.device.via_device).toBe('raritan_qv12345678');
  });

  it('keeps the outlets of two PDUs with the same outlet names apart (A and B feeds)', () => {
    const feed = (id: string, name: string) => {
      const base = sampleReading({ names: ['NAS', '', '', ''] });
      const reading = { ...base, id, identity: { ...base.identity, name, serial: `S-${id}` } };
      return buildDiscovery(reading, opts).find((m) => m.outlet === 1);
    };
    expect(feed('pdua', 'Rack 4 A')?.payload.device.name).toBe('Rack 4 A: NAS');
    expect(feed('pdub', 'Rack 4 B')?.payload.device.name).toBe('Rack 4 B: NAS');
  });

  it('sets default_entity_id and never object_id', () => {
    const power = byOutlet(2)?.payload.components.power;
    expect(power?.default_entity_id).toBe('sensor.pdu1_outlet_2_power');
    expect(JSON.stringify(messages)).not.toContain('object_id"');
    expect(messages[0]?.payload.components.power?.default_entity_id).toBe('sensor.pdu1_power');
  });

  it('announces energy for the Energy dashboard and power factor without a unit', () => {
    const c = byOutlet(1)?.payload.components;
    expect(c?.energy).toMatchObject({
      device_class: 'energy',
      unit_of_measurement: 'kWh',
      state_class: 'total_increasing',
    });
    expect(c?.power_factor?.device_class).toBe('power_factor');
    expect(c?.power_factor).not.toHaveProperty('unit_of_measurement');
  });

  it('requires both the bridge and the PDU to be online (availability mode all), shared by every component', () => {
    const p = byOutlet(1)!.payload;
    expect(p.availability).toEqual([
      { topic: 'raritan2mqtt/bridge/state' },
      { topic: 'raritan2mqtt/pdu1/availability' },
    ]);
    expect(p.availability_mode).toBe('all');
    expect(p.state_topic).toBe('raritan2mqtt/pdu1/outlet/1');
    for (const c of Object.values(p.components)) {
      expect(c).not.toHaveProperty('availability');
      expect(c).not.toHaveProperty('state_topic');
    }
  });

  it('keeps a component its own state topic where it differs from the shared one', () => {
    const pdu = buildDiscovery(r, opts)[0]!.payload;
    expect(pdu.state_topic).toBe('raritan2mqtt/pdu1');
    expect(pdu.components.power).not.toHaveProperty('state_topic');
    expect(pdu.components.last_poll_duration?.state_topic).toBe('raritan2mqtt/pdu1/diagnostics');
  });

  it('offers a switch and a power-cycle button only when switching is allowed', () => {
    expect(byOutlet(1)?.payload.components).not.toHaveProperty('switch');
    const on = buildDiscovery(r, { ...opts, allowSwitching: true }).find((m) => m.outlet === 1)?.payload
      .components;
    expect(on?.switch).toMatchObject({
      platform: 'switch',
      device_class: 'outlet',
      command_topic: 'raritan2mqtt/pdu1/outlet/1/set',
    });
    expect(on?.cycle).toMatchObject({ platform: 'button', payload_press: 'CYCLE' });
  });

  it('offers them only where a switch command would be carried out: switchable, not protected, writable', () => {
    const reading = sampleReading({ outlets: 4, unswitchable: [3] });
    const on = { ...opts, allowSwitching: true, protectedOutlets: new Set([2]) };
    const components = (o: DiscoveryOptions, n: number) =>
      Object.keys(buildDiscovery(reading, o).find((m) => m.outlet === n)?.payload.components ?? {});
    expect(components(on, 1)).toEqual(expect.arrayContaining(['switch', 'cycle']));
    expect(components(on, 4)).toEqual(expect.arrayContaining(['switch', 'cycle']));
    for (const n of [2, 3]) {
      expect(components(on, n)).not.toContain('switch');
      expect(components(on, n)).not.toContain('cycle');
      // The rest of the outlet stays: its state, measurements and the rename entity.
      expect(components(on, n)).toEqual(expect.arrayContaining(['state', 'power', 'energy', 'name']));
    }
    for (const n of [1, 2, 3, 4]) expect(components({ ...on, canWrite: false }, n)).not.toContain('switch');
    // A reading of a PDU that does not report outletSwitchable (the PX2 walk) gets none.
    const unknown = { ...reading, outlets: reading.outlets.map((o) => ({ ...o, switchable: false })) };
    expect(
      Object.keys(buildDiscovery(unknown, on).find((m) => m.outlet === 1)?.payload.components ?? {}),
    ).not.toContain('switch');
  });

  it('caps the text entity at the PDU name length and 255', () => {
    expect(byOutlet(1)?.payload.components.name?.max).toBe(64);
    const long = buildDiscovery(r, { ...opts, maxNameLength: 1000 }).find((m) => m.outlet === 1);
    expect(long?.payload.components.name?.max).toBe(255);
  });

  it('PDU device has frequency, apparent power and a diagnostic last-poll duration', () => {
    const c = messages[0]?.payload.components;
    expect(c?.frequency).toMatchObject({ device_class: 'frequency', unit_of_measurement: 'Hz' });
    expect(c?.apparent_power).toMatchObject({ device_class: 'apparent_power', unit_of_measurement: 'VA' });
    expect(c?.last_poll_duration).toMatchObject({
      device_class: 'duration',
      unit_of_measurement: 'ms',
      entity_category: 'diagnostic',
      state_topic: 'raritan2mqtt/pdu1/diagnostics',
    });
  });

  it('marks components a previous config had for removal ({platform} only)', () => {
    const withSwitch = buildDiscovery(r, { ...opts, allowSwitching: true })[1]?.payload;
    const without = buildDiscovery(r, opts)[1]?.payload;
    if (!withSwitch || !without) throw new Error('no payloads');
    const merged = withRemovals(without, withSwitch);
    expect(merged.components.switch).toEqual({ platform: 'switch' });
    expect(merged.components.cycle).toEqual({ platform: 'button' });
    // an old marker is not carried on
    expect(withRemovals(without, merged).components).not.toHaveProperty('switch');
  });

  it('slugs node ids and entity ids', () => {
    expect(nodeId('My Bridge', 'rack-2', 3)).toBe('my_bridge_rack_2_outlet_3');
  });
});

function byOutletOf(all: ReturnType<typeof buildDiscovery>, pdu: string, n: number) {
  const m = all.find((x) => x.pdu === pdu && x.outlet === n);
  if (!m) throw new Error(`no discovery for ${pdu} outlet ${n}`);
  return m;
}
