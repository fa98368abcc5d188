import { describe, expect, it } from 'vitest';
import { buildDiscovery, type DiscoveryOptions } from '../../bridge/mqtt/discovery.ts';
import { outletPayload, pduPayload } from '../../bridge/mqtt/payloads.ts';
import { breakerPayload, sensorPayload } from '../../bridge/mqtt/payloads-hardware.ts';
import { topics } from '../../bridge/mqtt/topics.ts';
import type { PduReading } from '../../bridge/readings.ts';
import { decodeReadings } from '../../bridge/snmp/decode.ts';
import { decodeLayout } from '../../bridge/snmp/layout.ts';
import { fixtureSkipMessage, hasFixture } from '../../support/fixtures.ts';
import { binaryState } from '../helpers/ha-template.ts';
import { validateDiscovery } from '../helpers/ha-validator.ts';
import { walkValues } from '../helpers/walk.ts';

/** Home Assistant discovery of the real PX3 walk's protectors, door/lock contacts and temperature probes. */

const px3 = hasFixture('raritan-pdu_px3.snmprec');
if (!px3) console.warn(fixtureSkipMessage('raritan-pdu_px3.snmprec'));

const opts: DiscoveryOptions = {
  baseTopic: 'raritan2mqtt',
  discoveryPrefix: 'homeassistant',
  bridgeId: 'raritan2mqtt',
  swVersion: '1',
  allowSwitching: false,
  canWrite: false,
  protectedOutlets: new Set<number>(),
  maxNameLength: 64,
};
const t = topics(opts);

function statesOf(r: PduReading): Map<string, string> {
  return new Map<string, string>([
    [t.pdu(r.id), JSON.stringify(pduPayload(r))],
    [t.diagnostics(r.id), JSON.stringify({ last_poll_duration: 1, requests: 1, last_poll: '' })],
    ...r.outlets.map((o) => [t.outlet(r.id, o.outlet), JSON.stringify(outletPayload(o))] as [string, string]),
    ...r.breakers.map(
      (b) => [t.breaker(r.id, b.label), JSON.stringify(breakerPayload(b))] as [string, string],
    ),
    ...r.sensors.map((s) => [t.sensor(r.id, s.id), JSON.stringify(sensorPayload(s))] as [string, string]),
  ]);
}

describe.runIf(px3)('discovery of the real PX3 walk', () => {
  const values = walkValues('raritan-pdu_px3.snmprec');
  const r = decodeReadings(decodeLayout(values), values, { source: 'px3', time: 0 }).units[0]!;
  const messages = buildDiscovery(r, opts);
  const pdu = messages[0]!.payload.components;

  it('passes the Home Assistant validator, every component and template', () => {
    const configs = new Map<string, unknown>(messages.map((m) => [m.topic, m.payload]));
    expect(validateDiscovery({ discoveryPrefix: 'homeassistant', configs, states: statesOf(r) })).toEqual([]);
  });

  it('shows the probes as temperature sensors and the contacts as door and lock binary sensors', () => {
    const sensors = Object.entries(pdu).filter(([id]) => id.startsWith('sensor_'));
    expect(sensors.map(([, c]) => [c.name, c.platform, c.device_class ?? null])).toEqual([
      ['R03 Inlet Temperature', 'sensor', 'temperature'],
      ['R03 Outlet Temperature', 'sensor', 'temperature'],
      ['R03 Front Door', 'binary_sensor', 'door'],
      ['R03 Front Door Lock', 'binary_sensor', 'lock'],
      ['R03 Front Door Handle Lock', 'binary_sensor', 'lock'],
      ['R03 Back Door', 'binary_sensor', 'door'],
      ['R03 Back Door Lock', 'binary_sensor', 'lock'],
      ['R03 Back Door Handle Lock', 'binary_sensor', 'lock'],
    ]);
    expect(pdu.sensor_1jx1800000_temperature_1).toMatchObject({
      unit_of_measurement: '°C',
      state_class: 'measurement',
      state_topic: 'raritan2mqtt/px3/sensor/1jx1800000_temperature_1',
    });
    // A closed door is off, open on; a state the PDU calls unavailable is HA's unknown ('None').
    expect(String(pdu.sensor_1ge1800000_door_1!.value_template)).toBe(
      "{{ 'ON' if value_json.state in ['open'] else ('OFF' if value_json.state in ['closed'] else 'None') }}",
    );
  });

  it('renders in HA as on, off or unknown from the states the PDU reports', () => {
    const door = pdu.sensor_1ge1800000_door_1!;
    const lock = pdu.sensor_1ge1800000_door_lock_1!;
    const state = (s: string) => JSON.stringify({ state: s });
    expect(binaryState(door, state('closed'))).toBe('off');
    expect(binaryState(door, state('open'))).toBe('on');
    expect(binaryState(door, state('unavailable'))).toBe('unknown');
    expect(binaryState(lock, state('open'))).toBe('on'); // HA's lock class: on is unlocked
    const tripped = pdu[`breaker_${r.breakers[0]!.label.toLowerCase()}_tripped`]!;
    expect(binaryState(tripped, JSON.stringify({ tripped: true }))).toBe('on');
    expect(binaryState(tripped, JSON.stringify({ tripped: false }))).toBe('off');
    expect(binaryState(tripped, JSON.stringify({ tripped: null }))).toBe('unknown');
    expect(binaryState(pdu.problem!, JSON.stringify({ alarms: {} }))).toBe('off');
    expect(binaryState(pdu.problem!, JSON.stringify({ alarms: { current: 'above_upper_warning' } }))).toBe(
      'on',
    );
  });

  it('has a current and a tripped problem entity per protector, and no lines on the 1-phase inlet', () => {
    expect(r.breakers.length).toBeGreaterThan(0);
    for (const b of r.breakers) {
      const id = `breaker_${b.label.toLowerCase()}`;
      expect(pdu[`${id}_current`]).toMatchObject({ platform: 'sensor', device_class: 'current' });
      expect(pdu[`${id}_tripped`]).toMatchObject({ platform: 'binary_sensor', device_class: 'problem' });
    }
    expect(Object.keys(pdu).filter((id) => /^(l\d|n)_/.test(id))).toEqual([]);
    expect(pdu.problem).toMatchObject({ platform: 'binary_sensor', device_class: 'problem' });
  });
});
