import { describe, expect, it } from 'vitest';
import { buildDiscovery, type DiscoveryOptions } from '../../bridge/mqtt/discovery.ts';
import { outletPayload, pduPayload } from '../../bridge/mqtt/payloads.ts';
import { topics } from '../../bridge/mqtt/topics.ts';
import { validateDiscovery } from '../helpers/ha-validator.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';

// The validator guards the discovery tests: each rule must catch the payload that breaks it.

const opts: DiscoveryOptions = {
  baseTopic: 'r2m',
  discoveryPrefix: 'homeassistant',
  bridgeId: 'b',
  swVersion: '1',
  allowSwitching: true,
  canWrite: true,
  protectedOutlets: new Set<number>(),
  maxNameLength: 64,
};
const r = sampleReading({ outlets: 2 });
const t = topics(opts);

function fixture() {
  const messages = buildDiscovery(r, opts);
  const configs = new Map<string, unknown>(messages.map((m) => [m.topic, structuredClone(m.payload)]));
  const states = new Map<string, string>([
    [t.pdu(r.id), JSON.stringify(pduPayload(r))],
    [t.diagnostics(r.id), JSON.stringify({ last_poll_duration: 1, requests: 1, last_poll: '' })],
    ...r.outlets.map((o) => [t.outlet(r.id, o.outlet), JSON.stringify(outletPayload(o))] as [string, string]),
  ]);
  return { configs, states };
}

type Payload = {
  components: Record<string, Record<string, unknown>>;
  device: Record<string, unknown>;
} & Record<string, unknown>;

function c(p: Payload, id: string): Record<string, unknown> {
  const comp = p.components[id];
  if (!comp) throw new Error(`no component ${id}`);
  return comp;
}

function set(p: Payload, id: string, key: string, value: unknown): void {
  const comp = c(p, id);
  if (value === undefined) delete comp[key];
  else comp[key] = value;
}

function broken(
  mutate: (outlet1: Payload, pdu: Payload) => void,
  states?: (s: Map<string, string>) => void,
): string[] {
  const f = fixture();
  mutate(
    f.configs.get(`homeassistant/device/b_pdu1_outlet_1/config`) as Payload,
    f.configs.get('homeassistant/device/b_pdu1/config') as Payload,
  );
  states?.(f.states);
  return validateDiscovery({ discoveryPrefix: 'homeassistant', ...f });
}

describe('the HA discovery validator', () => {
  it('accepts the real payloads', () => {
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', ...fixture() })).toEqual([]);
  });

  const cases: Array<[string, (o: Payload, p: Payload) => void, RegExp]> = [
    [
      'a unit the device class does not allow',
      (o) => set(o, 'power', 'unit_of_measurement', 'kWh'),
      /unit kWh not allowed for device_class power/,
    ],
    [
      'power factor in a made-up unit',
      (o) => set(o, 'power_factor', 'unit_of_measurement', 'pf'),
      /not allowed for device_class power_factor/,
    ],
    [
      'a missing unit where one is required',
      (o) => set(o, 'voltage', 'unit_of_measurement', undefined),
      /unit null not allowed for device_class voltage/,
    ],
    [
      'energy as a measurement',
      (o) => set(o, 'energy', 'state_class', 'measurement'),
      /state_class measurement not allowed for device_class energy/,
    ],
    [
      'power as total_increasing',
      (o) => set(o, 'power', 'state_class', 'total_increasing'),
      /not allowed for device_class power/,
    ],
    [
      'a duplicate unique_id',
      (o, p) => set(o, 'power', 'unique_id', c(p, 'power').unique_id),
      /also used by/,
    ],
    ['a missing unique_id', (o) => set(o, 'current', 'unique_id', undefined), /unique_id is required/],
    ['the deprecated object_id', (o) => set(o, 'current', 'object_id', 'x'), /object_id/],
    [
      'an entity id in the wrong domain',
      (o) => set(o, 'state', 'default_entity_id', 'sensor.x'),
      /not in domain binary_sensor/,
    ],
    ['a wildcard in a state topic', (o) => set(o, 'power', 'state_topic', 'r2m/+/outlet/1'), /wildcard/],
    [
      'a missing command topic',
      (o) => set(o, 'name', 'command_topic', undefined),
      /command_topic is required/,
    ],
    ['a text max above 255', (o) => set(o, 'name', 'max', 300), /text max/],
    ['a bad availability mode', (o) => set(o, 'power', 'availability_mode', 'some'), /availability_mode/],
    [
      'a switch device class on a sensor',
      (o) => set(o, 'power', 'device_class', 'outlet'),
      /device_class outlet not valid for sensor/,
    ],
    [
      'a template naming a field the state lacks',
      (o) => set(o, 'power', 'value_template', '{{ value_json.watts }}'),
      /field watts missing/,
    ],
    [
      'a dotted field path the state lacks',
      (_o, p) => set(p, 'power', 'value_template', '{{ value_json.lines.L1.current }}'),
      /field lines.L1.current missing/,
    ],
    [
      'a template that is neither a field nor a conditional',
      (o) => set(o, 'power', 'value_template', '{{ value_json.power | float * 2 }}'),
      /neither/,
    ],
    [
      'a binary_sensor template rendering what is not its payload',
      (o) => set(o, 'problem', 'payload_on', 'on'),
      /renders 'ON', not a payload/,
    ],
    [
      'a device class binary_sensor does not have',
      (o) => set(o, 'problem', 'device_class', 'temperature'),
      /device_class temperature not valid for binary_sensor/,
    ],
    [
      'an unknown top-level key',
      (o) => {
        o.extra = 1;
      },
      /unknown top-level key extra/,
    ],
    [
      'a device without identifiers',
      (o) => {
        delete o.device.identifiers;
      },
      /identifiers or connections/,
    ],
    [
      'a missing origin',
      (o) => {
        delete o.origin;
      },
      /origin.name/,
    ],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`rejects ${what}`, () => {
      const errors = broken(mutate);
      expect(errors.join('\n')).toMatch(expected);
    });
  }

  it('rejects a template whose state topic never got a payload', () => {
    const errors = broken(
      () => {},
      (s) => s.delete('r2m/pdu1/outlet/1'),
    );
    expect(errors.join('\n')).toMatch(/no state published on r2m\/pdu1\/outlet\/1/);
  });

  it('accepts a removal marker ({platform} only)', () => {
    expect(
      broken((o) => {
        o.components.gone = { platform: 'switch' };
      }),
    ).toEqual([]);
  });

  it('rejects a discovery topic with characters HA refuses', () => {
    const f = fixture();
    f.configs.set('homeassistant/device/bad.id/config', f.configs.get('homeassistant/device/b_pdu1/config'));
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', ...f }).join('\n')).toMatch(/TOPIC_MATCHER/);
  });
});
