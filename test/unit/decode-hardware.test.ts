import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import { diffAlarms } from '../../bridge/facts/alarms.ts';
import { decodeBits } from '../../bridge/snmp/bits.ts';
import { decodeReadings } from '../../bridge/snmp/decode.ts';
import { decodeLayout } from '../../bridge/snmp/layout.ts';
import { OUTLET_CONFIG, OUTLET_MEASUREMENT } from '../../bridge/snmp/mib.ts';
import {
  EXTERNAL_CONFIG,
  EXTERNAL_MEASUREMENT,
  INLET_THRESHOLDS,
  OUTLET_THRESHOLDS,
} from '../../bridge/snmp/mib-extras.ts';
import type { SnmpValue } from '../../bridge/snmp/session.ts';
import { toValue } from '../../bridge/snmp/wire.ts';
import { fixtureSkipMessage, hasFixture } from '../../support/fixtures.ts';
import { walkValues } from '../helpers/walk.ts';

/**
 * What the real PX3 walk knows besides outlets: 8 external sensors, enabled thresholds on the inlet and
 * every outlet, outlets wired to two overcurrent protectors (docs/snmp.md).
 */

const px3 = hasFixture('raritan-pdu_px3.snmprec');
if (!px3) console.warn(fixtureSkipMessage('raritan-pdu_px3.snmprec'));

const decode = (v: Map<string, SnmpValue>) => decodeReadings(decodeLayout(v), v, { source: 'px3', time: 0 });

describe('BITS in both encodings', () => {
  it('reads a live agent octet and a walk text alike', () => {
    expect([...decodeBits('30 2 3')!]).toEqual([2, 3]);
    expect([...decodeBits('0')!]).toEqual([2, 3]); // the octet 0x30
    expect([...decodeBits('F0 0 1 2 3')!]).toEqual([0, 1, 2, 3]);
    expect([...decodeBits('00')!]).toEqual([]);
    expect([...decodeBits('\u0000')!]).toEqual([]);
    // Multi-octet text, as LibreNMS captures inletDeviceCapabilities.
    expect([...decodeBits('9F 00 02 00 00 00 00 00 00 00 0 3 4 5 6 7 22')!]).toEqual([0, 3, 4, 5, 6, 7, 22]);
    // A text whose bit numbers disagree with its octets is not the text form.
    expect(decodeBits('30 1')!.has(1)).toBe(false);
    expect(decodeBits(undefined)).toBeUndefined();
    expect(decodeBits(7)).toBeUndefined();
  });

  it('keeps octets that are not UTF-8 whole on the wire (0xF0: all four thresholds)', () => {
    const value = toValue({ oid: '1.3', type: snmp.ObjectType.OctetString, value: Buffer.from([0xf0]) });
    expect([...decodeBits(value)!]).toEqual([0, 1, 2, 3]);
    const name = toValue({
      oid: '1.3',
      type: snmp.ObjectType.OctetString,
      value: Buffer.from('Küche', 'utf8'),
    });
    expect(name).toBe('Küche');
  });
});

describe.skipIf(!px3)('the real PX3 walk: sensors, thresholds, protectors', () => {
  const values = px3 ? walkValues('raritan-pdu_px3.snmprec') : new Map<string, SnmpValue>();
  const unit = px3 ? decode(values).units[0]! : undefined;

  it('has eight external sensors: two temperature probes and six door, lock and handle contacts', () => {
    const s = unit!.sensors;
    expect(s.map((x) => [x.index, x.type, x.name, x.value, x.unit, x.state])).toEqual([
      [1, 'temperature', 'R03 Inlet Temperature', 23.1, '°C', 'normal'],
      [2, 'temperature', 'R03 Outlet Temperature', 29.8, '°C', 'normal'],
      [3, 'door', 'R03 Front Door', null, null, 'closed'],
      [4, 'door_lock', 'R03 Front Door Lock', null, null, 'closed'],
      [5, 'door_handle', 'R03 Front Door Handle Lock', null, null, 'closed'],
      [6, 'door', 'R03 Back Door', null, null, 'closed'],
      [7, 'door_lock', 'R03 Back Door Lock', null, null, 'closed'],
      [8, 'door_handle', 'R03 Back Door Handle Lock', null, null, 'closed'],
    ]);
    // Serial + type + contact channel; the walk's masked serials make the two probes collide.
    expect(s.map((x) => x.id)).toEqual([
      '1jx1800000_temperature_1',
      '1jx1800000_temperature_2',
      '1ge1800000_door_1',
      '1ge1800000_door_lock_1',
      '1ge1800000_door_handle_1',
      '1ge1800000_door_2',
      '1ge1800000_door_lock_2',
      '1ge1800000_door_handle_2',
    ]);
    expect(new Set(s.map((x) => x.id)).size).toBe(8);
    expect(s.every((x) => Object.keys(x.alarms).length === 0)).toBe(true);
  });

  it('scales the enabled thresholds by the sensor decimals, and only those whose bit is set', () => {
    // outletSensorEnabledThresholds "30 2 3": upperWarning and upperCritical, in mA (3 decimals): 65 % and
    // 80 % of the outlet's rating, 6.5 / 8.0 A on the 10 A outlets and 10.4 / 12.8 A on the four 16 A ones.
    const byRating = new Map<number | null, unknown[]>();
    for (const o of unit!.outlets)
      byRating.set(o.rated_power, [...(byRating.get(o.rated_power) ?? []), o.thresholds]);
    expect(byRating.get(10 * 240)).toHaveLength(20);
    for (const t of byRating.get(10 * 240)!)
      expect(t).toEqual({ current: { upper_warning: 6.5, upper_critical: 8 } });
    expect(byRating.get(16 * 240)).toHaveLength(4);
    for (const t of byRating.get(16 * 240)!)
      expect(t).toEqual({ current: { upper_warning: 10.4, upper_critical: 12.8 } });
    // The outlets' voltage thresholds hold values (188, 194, 254, 247 V) but no bit is set: absent.
    expect(values.get(`${OUTLET_THRESHOLDS.lowerCritical}.1.1.4`)).toBe(188);
    expect(unit!.outlets[0]!.thresholds.voltage).toBeUndefined();
    expect(unit!.thresholds).toEqual({
      current: { upper_warning: 20.8, upper_critical: 25.6 },
      voltage: { lower_critical: 188, lower_warning: 194, upper_warning: 251, upper_critical: 254 },
    });
    // The inlet's activePower has thresholds 300/400 W but "00": absent.
    expect(values.get(`${INLET_THRESHOLDS.upperWarning}.1.1.5`)).toBe(300);
    expect(unit!.thresholds.power).toBeUndefined();
    expect(unit!.sensors[0]!.thresholds).toEqual({
      value: { lower_critical: 10, lower_warning: 15, upper_warning: 30, upper_critical: 35 },
    });
    expect(unit!.sensors[1]!.thresholds.value).toEqual({
      lower_critical: 10,
      lower_warning: 15,
      upper_warning: 40,
      upper_critical: 45,
    });
    expect(unit!.sensors[2]!.thresholds).toEqual({});
  });

  it('decodes the same thresholds from the octets a live agent sends', () => {
    const live = new Map(values);
    for (const [oid, v] of live)
      if (typeof v === 'string' && /\.(3\.5\.4\.1\.25|3\.3\.4\.1\.25|3\.6\.3\.1\.35)\./.test(oid))
        live.set(oid, Buffer.from(v.split(' ')[0]!, 'hex').toString('latin1'));
    expect(live.get(`${EXTERNAL_CONFIG.enabledThresholds}.1.1`)).toBe('\u00f0');
    const u = decode(live).units[0]!;
    expect(u.thresholds).toEqual(unit!.thresholds);
    expect(u.outlets.map((o) => o.thresholds)).toEqual(unit!.outlets.map((o) => o.thresholds));
    expect(u.sensors.map((s) => s.thresholds)).toEqual(unit!.sensors.map((s) => s.thresholds));
  });

  it('wires outlets 1–12 to protector 1 and 13–24 to protector 2 (outletPowerSource)', () => {
    const b = unit!.breakers;
    expect(b.map((x) => x.index)).toEqual([1, 2]);
    expect(b[0]!.outlets).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(b[1]!.outlets).toEqual(Array.from({ length: 12 }, (_, i) => i + 13));
    // The walk has the pointers but not the protector table: no label, no reading, no trip state.
    expect(b[0]).toMatchObject({ label: '1', current: null, state: null, tripped: null, alarms: {} });
    expect(unit!.outlets[0]!.breaker).toBe('1');
    expect(unit!.outlets[23]!.breaker).toBe('2');
  });

  it("publishes the PDU's own alarm states, never recomputed, and nothing else", () => {
    const v = new Map(values);
    v.set(`${OUTLET_MEASUREMENT.state}.1.3.1`, 5); // outlet 3 current aboveUpperWarning
    v.set(`${OUTLET_MEASUREMENT.state}.1.4.7`, -1); // power factor unavailable: not an alarm
    v.set(`${EXTERNAL_MEASUREMENT.state}.1.2`, 6); // outlet temperature aboveUpperCritical (value 29.8!)
    v.set(`${EXTERNAL_MEASUREMENT.state}.1.3`, 0); // front door open: a reading, not an alarm
    const u = decode(v).units[0]!;
    expect(u.outlets[2]!.alarms).toEqual({ current: 'above_upper_warning' });
    expect(u.outlets[3]!.alarms).toEqual({});
    expect(u.outlets[3]!.power_factor).toBeNull();
    expect(u.sensors[1]).toMatchObject({ value: 29.8, state: 'above_upper_critical' });
    expect(u.sensors[1]!.alarms).toEqual({ value: 'above_upper_critical' });
    expect(u.sensors[2]).toMatchObject({ state: 'open', alarms: {} });
    expect(diffAlarms(unit!.outlets[2]!.alarms, u.outlets[2]!.alarms)).toEqual({
      raised: [{ field: 'current', state: 'above_upper_warning' }],
      cleared: [],
    });
  });

  it('turns garbage in the external sensor columns into nulls and problems, never an alarm or a throw', () => {
    const v = new Map(values);
    v.set(`${EXTERNAL_MEASUREMENT.value}.1.1`, 'hot'); // not a number
    v.set(`${EXTERNAL_MEASUREMENT.value}.1.2`, 2 ** 31); // past Integer32
    v.set(`${EXTERNAL_MEASUREMENT.state}.1.3`, 99); // a state the MIB does not define
    v.delete(`${EXTERNAL_MEASUREMENT.state}.1.4`); // no answer
    const { units, problems } = decode(v);
    const s = units[0]!.sensors;
    expect(s[0]).toMatchObject({ value: null, state: 'normal', alarms: {} });
    expect(s[1]).toMatchObject({ value: null, alarms: {} });
    expect(s[2]).toMatchObject({ state: null, alarms: {} });
    expect(s[3]).toMatchObject({ state: null, alarms: {} });
    expect(problems.join('\n')).toContain(`${EXTERNAL_MEASUREMENT.value}.1.1: hot is not an Integer32`);
    expect(problems.join('\n')).toContain(
      `${EXTERNAL_MEASUREMENT.value}.1.2: 2147483648 is not an Integer32`,
    );
    // The other sensors and the outlets are untouched.
    expect(s.slice(4).map((x) => x.state)).toEqual(['closed', 'closed', 'closed', 'closed']);
    expect(units[0]!.outlets[0]!.current).toBe(unit!.outlets[0]!.current);
  });

  it('takes the walk without its outlet table (an inlet-metered PDU) as a unit with what it has', () => {
    const v = new Map(values);
    for (const oid of [...v.keys()])
      if (oid.startsWith('1.3.6.1.4.1.13742.6.3.5.') || oid.startsWith('1.3.6.1.4.1.13742.6.5.4.'))
        v.delete(oid);
    expect([...v.keys()].some((k) => k.startsWith(`${OUTLET_CONFIG.label}.`))).toBe(false);
    const { units, problems } = decode(v);
    expect(problems).toEqual([]);
    expect(units).toHaveLength(1);
    expect(units[0]!.outlets).toEqual([]);
    expect(units[0]!.outlets_on).toBe(0);
    expect(units[0]!.identity.serial).toBe('1S12300000');
    expect(units[0]!.inlet.power).toBe(unit!.inlet.power);
    expect(units[0]!.sensors).toHaveLength(8);
    expect(units[0]!.breakers).toEqual([]);
  });
});
