import { describe, expect, it } from 'vitest';
import { decodeReadings, pollOids } from '../../bridge/snmp/decode.ts';
import { decodeLayout } from '../../bridge/snmp/layout.ts';
import { fixtureSkipMessage, hasFixture, readFixture } from '../../support/fixtures.ts';
import { walkValues } from '../helpers/walk.ts';

interface LibreSensor {
  sensor_class: string;
  sensor_oid: string;
  sensor_current: number;
  group: string;
}

const px3 = hasFixture('raritan-pdu_px3.snmprec') && hasFixture('raritan-pdu_px3.json');
const px2 = hasFixture('raritan-pdu_px2.snmprec');
if (!px3 || !px2) console.warn(fixtureSkipMessage('raritan-pdu_px2/px3'));

describe.skipIf(!px3)('decoding the real PX3 walk (24 outlets)', () => {
  const values = px3 ? walkValues('raritan-pdu_px3.snmprec') : new Map();
  const layout = px3 ? decodeLayout(values) : undefined;
  const { units, problems } = layout
    ? decodeReadings(layout, values, { source: 'px3', time: 0 })
    : { units: [], problems: [] };
  const unit = units[0]!;

  it('finds one unit with 24 outlets and its identity', () => {
    expect(units).toHaveLength(1);
    expect(unit.outlets).toHaveLength(24);
    expect(unit.identity).toEqual({
      name: '',
      model: 'PX3-5493U-K2',
      serial: '1S12300000',
      firmware: '4.2.0.5-50274',
    });
    expect(problems).toEqual([]);
  });

  it('matches every inlet and outlet value LibreNMS expects', () => {
    const expected = (
      JSON.parse(readFixture('raritan-pdu_px3.json')) as {
        sensors: { discovery: { sensors: LibreSensor[] } };
      }
    ).sensors.discovery.sensors;
    const metric: Record<string, 'current' | 'voltage' | 'power' | 'frequency'> = {
      current: 'current',
      voltage: 'voltage',
      power: 'power',
      frequency: 'frequency',
    };
    let compared = 0;
    for (const s of expected) {
      const key = metric[s.sensor_class];
      if (!key || (s.group !== 'Inlet' && s.group !== 'Outlet')) continue;
      const parts = s.sensor_oid.split('.');
      const entity = Number(parts.at(-2));
      if (s.group === 'Inlet') {
        expect(unit.inlet[key], s.sensor_oid).toBeCloseTo(s.sensor_current, 6);
      } else if (key === 'frequency') {
        // Outlets' frequency is not part of the outlet payload; check the inlet's agrees instead.
        expect(unit.inlet.frequency).toBeCloseTo(s.sensor_current, 6);
      } else {
        const outlet = unit.outlets.find((o) => o.outlet === entity)!;
        expect(outlet[key], s.sensor_oid).toBeCloseTo(s.sensor_current, 6);
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(4 + 24 * 4);
  });

  it('agrees with LibreNMS on power factor, as 0..1, and says null where LibreNMS books a bogus 0', () => {
    const expected = (
      JSON.parse(readFixture('raritan-pdu_px3.json')) as {
        sensors: { discovery: { sensors: LibreSensor[] } };
      }
    ).sensors.discovery.sensors.filter((s) => s.sensor_class === 'power_factor' && s.group === 'Outlet');
    expect(expected).toHaveLength(24);
    for (const s of expected) {
      const outlet = unit.outlets.find((o) => o.outlet === Number(s.sensor_oid.split('.').at(-2)))!;
      // LibreNMS shows percent and reads the unavailable sensors' value column as 0.
      if (s.sensor_current === 0) expect(outlet.power_factor, s.sensor_oid).toBeNull();
      else expect(outlet.power_factor! * 100, s.sensor_oid).toBeCloseTo(s.sensor_current, 6);
    }
  });

  it('scales power factor by the reported decimals (0.99, not 99) and nulls unavailable ones', () => {
    expect(unit.outlets[0]!.power_factor).toBe(0.99);
    const idle = unit.outlets.filter((o) => o.power_factor === null);
    expect(idle.length).toBe(15);
    expect(
      unit.outlets
        .filter((o) => o.power_factor !== null)
        .every((o) => o.power_factor! > 0 && o.power_factor! <= 1),
    ).toBe(true);
    expect(unit.inlet.power_factor).toBe(0.98);
  });

  it('reads names and labels, on/off from the onOff state, energy in kWh', () => {
    expect(unit.outlets.map((o) => o.label)).toEqual(Array.from({ length: 24 }, (_, i) => String(i + 1)));
    expect(unit.outlets[1]!.name).toBe('DEVICE 8:PS1:Planned');
    expect(unit.outlets[0]!.name).toBe('');
    expect(unit.outlets[0]!.state).toBe('on');
    expect(unit.outlets[0]!.energy).toBe(5812.658);
    expect(unit.outlets[0]!.energy_counter).toBe(5812658);
    expect(unit.inlet.energy).toBe(74057.676);
    expect(unit.inlet.energy_counter).toBe(74057676);
    expect(unit.outlets_on).toBe(unit.outlets.filter((o) => o.state === 'on').length);
  });

  it('reads the nameplate the energy bound comes from: 10 A and 16 A outlets, a 32 A inlet, 200-240 V', () => {
    const rated = unit.outlets.map((o) => o.rated_power);
    expect(rated.filter((w) => w === 10 * 240)).toHaveLength(20);
    expect(rated.filter((w) => w === 16 * 240)).toHaveLength(4);
    expect(unit.inlet.rated_power).toBe(32 * 240);
    expect(unit.inlet.rated_current).toBe(32);
    expect(unit.outlets.filter((o) => o.rated_current === 16)).toHaveLength(4);
  });

  it('polls with few OIDs: values and the states that can change', () => {
    const oids = pollOids(layout!);
    // 24 outlets × (6 values + the power factor's, onOff's and the thresholded current's states) + inlet
    // (7 values + 7 states) + 2 temperature probes (value, state) + 6 door, lock and handle contacts (state).
    expect(oids.length).toBe(24 * 9 + 14 + 2 * 2 + 6);
  });

  it('keeps one spec object per distinct sensor spec, shared by the outlets (the layout lives as long as the PDU)', () => {
    const outlets = layout!.units[0]!.outlets;
    const all = outlets.flatMap((o) => [...o.sensors.values()]);
    const distinct = new Set(all);
    expect(all.length).toBeGreaterThanOrEqual(24 * 6);
    expect(distinct.size).toBeLessThan(all.length / 10);
    // Equal specs are one object, unequal ones stay apart (the 16 A outlets' current thresholds).
    const byContent = new Map<string, unknown>();
    for (const o of outlets)
      for (const [type, spec] of o.sensors) {
        const content = JSON.stringify([type, spec]);
        if (!byContent.has(content)) byContent.set(content, spec);
        expect(spec).toBe(byContent.get(content));
      }
    expect(byContent.size).toBe(distinct.size);
    const firstSpec = [...outlets[0]!.sensors.values()][0]!;
    expect(Object.keys(firstSpec)).toEqual([
      'decimals',
      'units',
      'signed',
      'available',
      'enabled',
      'thresholds',
    ]);
  });
});

describe.skipIf(!px2)('decoding the real PX2 walk (12 outlets, current and power only)', () => {
  const values = px2 ? walkValues('raritan-pdu_px2.snmprec') : new Map();
  const layout = px2 ? decodeLayout(values) : undefined;
  const { units, problems } = layout
    ? decodeReadings(layout, values, { source: 'px2', time: 0 })
    : { units: [], problems: [] };

  it('decodes current and power without inventing the rest', () => {
    expect(problems).toEqual([]);
    const unit = units[0]!;
    expect(unit.outlets).toHaveLength(12);
    expect(unit.identity.firmware).toBe('030004');
    expect(unit.identity.model).toBe('PX2');
    const o3 = unit.outlets[2]!;
    expect(o3).toMatchObject({
      current: 0.311,
      power: 68,
      voltage: null,
      apparent_power: null,
      power_factor: null,
      energy: null,
      state: null,
    });
    expect(unit.outlets[1]!.name).toBe('OUTLET2');
    // No nameplate in this walk: the energy tracker's fallback applies.
    expect(unit.outlets[2]!.rated_power).toBeNull();
    expect(unit.inlet.rated_power).toBeNull();
    expect(unit.inlet.rated_current).toBeNull();
    expect(unit.inlet).toMatchObject({
      current: 0.68,
      voltage: 233,
      power: 138,
      frequency: 50,
      energy: null,
      power_factor: null,
    });
  });
});
