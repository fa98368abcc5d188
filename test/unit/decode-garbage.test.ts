import { describe, expect, it } from 'vitest';
import { decodeReadings } from '../../bridge/snmp/decode.ts';
import { decodeLayout, LayoutError } from '../../bridge/snmp/layout.ts';
import {
  OUTLET_CONFIG,
  OUTLET_MEASUREMENT,
  OUTLET_SENSOR_CONFIG,
  SYS_DESCR,
  SYS_OBJECT_ID,
} from '../../bridge/snmp/mib.ts';
import type { SnmpValue } from '../../bridge/snmp/session.ts';

/** A two-outlet PDU of our own, in the shape our SNMP client returns. */
function walk(): Map<string, SnmpValue> {
  const v = new Map<string, SnmpValue>([
    [SYS_DESCR, 'Raritan PDU, MD:PX3-5892 HW:0x10 FW:4.3.0'],
    [SYS_OBJECT_ID, '1.3.6.1.4.1.13742.6'],
  ]);
  for (const o of [1, 2]) {
    v.set(`${OUTLET_CONFIG.label}.1.${o}`, String(o));
    v.set(`${OUTLET_CONFIG.name}.1.${o}`, `srv${o}`);
    for (const [type, digits, value] of [
      [1, 3, 1234],
      [4, 0, 230],
      [5, 0, 280],
      [6, 0, 284],
      [7, 2, 98],
      [8, 0, 5000],
      [14, 0, 0],
    ] as const) {
      const i = `1.${o}.${type}`;
      v.set(`${OUTLET_SENSOR_CONFIG.decimals}.${i}`, digits);
      v.set(`${OUTLET_MEASUREMENT.isAvailable}.${i}`, 1);
      v.set(`${OUTLET_MEASUREMENT.state}.${i}`, type === 14 ? 7 : 4);
      v.set(`${OUTLET_MEASUREMENT.value}.${i}`, value);
    }
  }
  return v;
}

describe('decoding bad agent data', () => {
  it('decodes the good case', () => {
    const v = walk();
    const { units, problems } = decodeReadings(decodeLayout(v), v, { source: 'p', time: 0 });
    expect(problems).toEqual([]);
    expect(units[0]!.outlets[0]).toMatchObject({
      current: 1.234,
      voltage: 230,
      power: 280,
      apparent_power: 284,
      power_factor: 0.98,
      energy: 5,
      state: 'on',
    });
  });

  it('turns a missing value into null and names the OID, never a zero', () => {
    const v = walk();
    const layout = decodeLayout(v);
    v.delete(`${OUTLET_MEASUREMENT.value}.1.2.5`);
    const { units, problems } = decodeReadings(layout, v, { source: 'p', time: 0 });
    expect(units[0]!.outlets[1]!.power).toBeNull();
    expect(units[0]!.outlets[1]!.current).toBe(1.234);
    expect(problems).toEqual([`${OUTLET_MEASUREMENT.value}.1.2.5: no value`]);
  });

  it('turns a wrongly typed value into null with a clear problem', () => {
    const v = walk();
    const layout = decodeLayout(v);
    v.set(`${OUTLET_MEASUREMENT.value}.1.1.8`, 'garbage');
    const { units, problems } = decodeReadings(layout, v, { source: 'p', time: 0 });
    expect(units[0]!.outlets[0]!.energy).toBeNull();
    expect(units[0]!.outlets[0]!.energy_counter).toBeNull();
    expect(problems[0]).toMatch(/1\.1\.8: expected a number, got string/);
  });

  it('refuses a negative Integer in the Unsigned32 energy column: null, and a problem naming the OID', () => {
    const v = walk();
    const layout = decodeLayout(v);
    const oid = `${OUTLET_MEASUREMENT.value}.1.1.8`;
    v.set(oid, -2_000_000_000);
    const { units, problems } = decodeReadings(layout, v, { source: 'p', time: 0 });
    expect(units[0]!.outlets[0]!.energy).toBeNull();
    expect(units[0]!.outlets[0]!.energy_counter).toBeNull();
    expect(units[0]!.outlets[0]!.power).toBe(280);
    expect(problems).toEqual([`${oid}: -2000000000 is not an Unsigned32 (PDU2-MIB Value column)`]);
  });

  it('refuses values outside their physical range, each with its OID', () => {
    const v = walk();
    const layout = decodeLayout(v);
    const at = (o: number, type: number) => `${OUTLET_MEASUREMENT.value}.1.${o}.${type}`;
    v.set(at(1, 4), 4_294_967_295); // 4294967295 V: a valid Unsigned32, not a voltage
    v.set(at(1, 7), 250); // power factor 2.5
    v.set(at(2, 1), 4_000_000_000); // 4,000,000 A
    v.set(at(2, 6), 1.5); // not a whole number: no SNMP integer type
    const { units, problems } = decodeReadings(layout, v, { source: 'p', time: 0 });
    const [o1, o2] = units[0]!.outlets;
    expect(o1).toMatchObject({ voltage: null, power_factor: null, power: 280, current: 1.234 });
    expect(o2).toMatchObject({ current: null, apparent_power: null, voltage: 230 });
    expect(problems).toEqual([
      `${at(1, 4)}: 4294967295 V is outside 0..1000 V`,
      `${at(1, 7)}: 2.5 is outside 0..1`,
      `${at(2, 1)}: 4000000 A is outside 0..1000 A`,
      `${at(2, 6)}: 1.5 is not an Unsigned32 (PDU2-MIB Value column)`,
    ]);
  });

  it('refuses negative active power on an outlet (it would integrate into negative energy)', () => {
    const v = walk();
    v.set(`${OUTLET_SENSOR_CONFIG.signedMinimum}.1.1.5`, -1000);
    const layout = decodeLayout(v);
    v.set(`${OUTLET_MEASUREMENT.signedValue}.1.1.5`, -50);
    const { units, problems } = decodeReadings(layout, v, { source: 'p', time: 0 });
    expect(units[0]!.outlets[0]!.power).toBeNull();
    expect(problems).toEqual([`${OUTLET_MEASUREMENT.signedValue}.1.1.5: -50 W is outside 0..1000000 W`]);
  });

  it('treats state unavailable (-1) as no reading', () => {
    const v = walk();
    const layout = decodeLayout(v);
    v.set(`${OUTLET_MEASUREMENT.state}.1.2.7`, -1);
    const { units } = decodeReadings(layout, v, { source: 'p', time: 0 });
    expect(units[0]!.outlets[1]!.power_factor).toBeNull();
  });

  it('skips a sensor marked not available in the layout, and one without decimals', () => {
    const v = walk();
    v.set(`${OUTLET_MEASUREMENT.isAvailable}.1.1.4`, 2);
    v.delete(`${OUTLET_SENSOR_CONFIG.decimals}.1.2.4`);
    const { units, problems } = decodeReadings(decodeLayout(v), v, { source: 'p', time: 0 });
    expect(units[0]!.outlets[0]!.voltage).toBeNull();
    expect(units[0]!.outlets[1]!.voltage).toBeNull();
    expect(problems).toEqual([]);
  });

  it('reads an unknown on/off state as null', () => {
    const v = walk();
    const layout = decodeLayout(v);
    v.set(`${OUTLET_MEASUREMENT.state}.1.1.14`, 4);
    expect(decodeReadings(layout, v, { source: 'p', time: 0 }).units[0]!.outlets[0]!.state).toBeNull();
  });

  it('refuses an agent that is not a Raritan PDU', () => {
    const v = new Map<string, SnmpValue>([
      [SYS_DESCR, 'Linux'],
      [SYS_OBJECT_ID, '1.3.6.1.4.1.8072.3.2.10'],
    ]);
    expect(() => decodeLayout(v)).toThrow(LayoutError);
    expect(() => decodeLayout(v)).toThrow(/not a Raritan PDU/);
  });

  it('refuses a Raritan agent without any PDU2-MIB unit table (a PX1 speaks PDU-MIB)', () => {
    const v = new Map<string, SnmpValue>([[SYS_OBJECT_ID, '1.3.6.1.4.1.13742.4']]);
    expect(() => decodeLayout(v)).toThrow(
      /no PDU2-MIB unit tables \(sysObjectID 1\.3\.6\.1\.4\.1\.13742\.4,/,
    );
  });
});
