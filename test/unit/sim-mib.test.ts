import { describe, expect, it } from 'vitest';
import { varbindSize } from '../../bridge/sim/bersize.ts';
import { pduLayout } from '../../bridge/sim/instances.ts';
import { createSimModel } from '../../bridge/sim/model.ts';
import { createOidSpace } from '../../bridge/sim/oidspace.ts';
import { createPduBackend, measurement, scaled } from '../../bridge/sim/pdu-backend.ts';
import {
  FALSE,
  INLET_MEASUREMENT,
  OUTLET_CONFIG,
  OUTLET_MEASUREMENT,
  OUTLET_SENSOR_RESET,
  OUTLET_SWITCH,
  SensorState,
  SensorType,
  SYS_DESCR,
  TRUE,
  UNIT_CONFIG,
} from '../../bridge/snmp/mib.ts';
import { compareOids } from '../../bridge/snmp/oid.ts';

describe('sim OID space', () => {
  const space = createOidSpace([
    '1.3.6.1.2.1.1.1.0',
    '1.3.6.1.2.1.1.9.0',
    '1.3.6.1.2.1.1.10.0',
    '1.3.6.1.4.1.1',
  ]);

  it('finds exact OIDs and the next one in numeric order', () => {
    expect(space.indexOf('1.3.6.1.2.1.1.10.0')).toBe(2);
    expect(space.indexOf('.1.3.6.1.2.1.1.1.0')).toBe(0);
    expect(space.indexOf('1.3.6.1.2.1.1.1')).toBe(-1);
    expect(space.nextIndex('1.3.6.1.2.1.1.1')).toBe(0);
    expect(space.nextIndex('1.3.6.1.2.1.1.1.0')).toBe(1);
    expect(space.nextIndex('1.3.6.1.2.1.1.9.0')).toBe(2);
    expect(space.nextIndex('1.3.6.1.2.1.1.10.0')).toBe(3);
    expect(space.nextIndex('1.3.6.1.4.1.1')).toBe(-1);
    expect(space.nextIndex('1')).toBe(0);
  });

  it('refuses unsorted or duplicated OIDs', () => {
    expect(() => createOidSpace(['1.3.6.1.10', '1.3.6.1.9'])).toThrow(/order/);
    expect(() => createOidSpace(['1.3.6.1.9', '1.3.6.1.9'])).toThrow(/order/);
  });
});

describe('sim PDU2-MIB layout', () => {
  const layout = pduLayout(2, 36);
  const oids = layout.space.oids;

  it('serves each instance of the PDU2-MIB slice once, in walk order', () => {
    for (let i = 1; i < oids.length; i++) expect(compareOids(oids[i - 1]!, oids[i]!)).toBeLessThan(0);
    for (const oid of [
      SYS_DESCR,
      `${OUTLET_CONFIG.name}.2.36`,
      `${OUTLET_MEASUREMENT.signedValue}.1.36.14`,
      `${INLET_MEASUREMENT.value}.2.1.23`,
      `${OUTLET_SWITCH.state}.1.1`,
      `${OUTLET_SENSOR_RESET}.1.7.8`,
    ])
      expect(layout.space.indexOf(oid), oid).toBeGreaterThanOrEqual(0);
    expect(layout.space.indexOf(`${OUTLET_MEASUREMENT.value}.1.1.23`)).toBe(-1);
    const outletValues = oids.filter((o) => o.startsWith(`${OUTLET_MEASUREMENT.value}.`));
    expect(outletValues).toHaveLength(2 * 36 * 7);
    expect(pduLayout(2, 36)).toBe(layout); // shared by every PDU of this shape
  });
});

describe('sim value encoding', () => {
  const t = Date.UTC(2025, 0, 15, 12);

  it('scales by the PX3 decimal digits', () => {
    expect(scaled(SensorType.rmsCurrent, 1.2345)).toBe(1235);
    expect(scaled(SensorType.powerFactor, 0.934)).toBe(93);
    expect(scaled(SensorType.frequency, 50.04)).toBe(500);
    expect(scaled(SensorType.rmsVoltage, 229.6)).toBe(230);
  });

  it('encodes measurements as the real walk does', () => {
    const model = createSimModel();
    const idle = Array.from({ length: 36 }, (_, i) => i + 1).find(
      (o) => model.profile(1, o).kind === 'idle',
    )!;
    const s = model.sample(1, idle, t);
    expect(measurement(s, SensorType.powerFactor, true)).toEqual({
      available: true,
      state: SensorState.unavailable,
      value: 0,
      signedValue: 0,
    });
    expect(measurement(s, SensorType.onOff, true)).toMatchObject({ state: SensorState.on, value: 0 });
    expect(measurement(s, SensorType.activeEnergy, true)).toEqual({
      available: true,
      state: SensorState.normal,
      value: s.energyCounter,
      signedValue: 0,
    });
    expect(measurement(s, SensorType.rmsVoltage, false)).toMatchObject({ available: false, state: -1 });
  });

  it('reads outletSensorResetValue as 0 and refuses writes to read-only objects', () => {
    const model = createSimModel();
    const backend = createPduBackend(model);
    const read = backend.reader(t);
    expect(read(backend.space.indexOf(`${OUTLET_SENSOR_RESET}.1.1.8`))).toEqual({ type: 2, value: 0 });
    expect(backend.prepareSet?.(backend.space.indexOf(SYS_DESCR), 4, 'x', t)).toBe(17); // notWritable
    expect(backend.prepareSet?.(backend.space.indexOf(`${OUTLET_SWITCH.operation}.1.1`), 2, 3, t)).toBe(10); // wrongValue
  });

  it('serves outletSwitchable, the off-period objects and outletSwitchingTimeStamp as the PX3 walk has them', () => {
    const model = createSimModel({ unswitchable: [2] });
    const backend = createPduBackend(model);
    const at = (oid: string, when = t) => backend.reader(when)(backend.space.indexOf(oid)).value;
    expect(at(`${OUTLET_CONFIG.switchable}.1.1`)).toBe(TRUE);
    expect(at(`${OUTLET_CONFIG.switchable}.1.2`)).toBe(FALSE);
    expect(at(`${OUTLET_CONFIG.powerOffPeriod}.1.1`)).toBe(10);
    expect(at(`${OUTLET_CONFIG.useGlobalPowerOffPeriod}.1.1`)).toBe(TRUE);
    expect(at(`${UNIT_CONFIG.globalPowerOffPeriod}.1`)).toBe(10);
    const stamp = `${OUTLET_SWITCH.timeStamp}.1.1`;
    const before = at(stamp);
    const set = (oid: string, type: number, value: unknown) => {
      const plan = backend.prepareSet?.(backend.space.indexOf(oid), type, value, t);
      if (typeof plan === 'function') plan();
      return plan;
    };
    expect(typeof set(`${OUTLET_SWITCH.operation}.1.1`, 2, 2)).toBe('function');
    expect(at(stamp, t + 1000)).toBe(Math.floor(t / 1000));
    expect(at(stamp, t + 10_000)).toBe(Math.floor(t / 1000) + 10);
    expect(at(stamp, t + 10_000)).not.toBe(before);
    // Switching an outlet that is not switchable is refused; the period objects take 1..3600 only.
    expect(set(`${OUTLET_SWITCH.operation}.1.2`, 2, 0)).toBe(17);
    expect(set(`${OUTLET_CONFIG.powerOffPeriod}.1.1`, 66, 0)).toBe(10);
    expect(set(`${OUTLET_CONFIG.powerOffPeriod}.1.1`, 66, 4000)).toBe(10);
    expect(typeof set(`${OUTLET_CONFIG.powerOffPeriod}.1.1`, 66, 4)).toBe('function');
    expect(typeof set(`${OUTLET_CONFIG.useGlobalPowerOffPeriod}.1.1`, 2, FALSE)).toBe('function');
    expect(model.state.effectiveOffPeriod(1, 1)).toBe(4);
  });

  it('sizes varbinds like BER', () => {
    // 30 0b | 06 03 2b 06 01 | 02 04 7f ff ff ff
    expect(varbindSize('1.3.6.1', 2, 2 ** 31 - 1)).toBe(13);
    // 30 0a | 06 03 2b 06 01 | 42 03 00 80 00  (unsigned 32768 needs a leading 0)
    expect(varbindSize('1.3.6.1', 66, 32768)).toBe(12);
    expect(varbindSize('1.3.6.1.4.1.13742', 4, 'abc')).toBe(2 + 2 + 7 + 2 + 3);
    expect(varbindSize('1.3.6.1', 130, null)).toBe(9);
  });
});
