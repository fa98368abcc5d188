import { describe, expect, it } from 'vitest';
import { doorOpenAt } from '../../bridge/sim/environment.ts';
import { createSimModel } from '../../bridge/sim/model.ts';
import { HOUR, MINUTE } from '../../bridge/sim/profile.ts';
import { OUTLET_CURRENT, thresholdState } from '../../bridge/sim/thresholds.ts';
import { breakerOf, lineOf } from '../../bridge/sim/wiring.ts';
import { SensorState } from '../../bridge/snmp/mib.ts';

/** The simulated hardware beyond outlets: 3-phase poles, protectors, external sensors, threshold states. */

const T = Date.UTC(2026, 5, 1, 14, 0);

describe('a 3-phase 36-outlet simulated PX3 with 6 protectors', () => {
  const m = createSimModel({ outlets: 36, phases: 3 });

  it('wires 6 outlets to each protector and each protector to one line, L1, L2, L3 in turn', () => {
    expect(Array.from({ length: 36 }, (_, i) => breakerOf(m.wiring, i + 1))).toEqual(
      Array.from({ length: 36 }, (_, i) => Math.floor(i / 6) + 1),
    );
    expect([1, 7, 13, 19, 25, 31].map((o) => lineOf(m.wiring, o))).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('has poles whose sums are the inlet, L-L ≈ 394 V and L-N ≈ 228 V, and a neutral with a current only', () => {
    const inlet = m.inletSample(1, T);
    const poles = [1, 2, 3].map((p) => m.poleSample(1, p, T));
    const sum = (k: 'power' | 'apparentPower' | 'current') => poles.reduce((s, p) => s + p[k], 0);
    expect(sum('power')).toBeCloseTo(inlet.power, 6);
    expect(sum('apparentPower')).toBeCloseTo(inlet.apparentPower, 6);
    expect(sum('current')).toBeCloseTo(inlet.current, 6);
    for (const p of poles) {
      expect(p.voltageLN).toBeGreaterThan(225);
      expect(p.voltageLN).toBeLessThan(231);
      expect(p.voltage / p.voltageLN).toBeCloseTo(Math.sqrt(3), 2);
      expect(p.voltage).toBeGreaterThan(390);
      expect(p.voltage).toBeLessThan(400);
    }
    const n = m.poleSample(1, 4, T);
    expect(n.voltage).toBe(0);
    expect(n.power).toBe(0);
    expect(n.current).toBeGreaterThanOrEqual(0);
    expect(n.current).toBeLessThan(Math.max(...poles.map((p) => p.current)));
    // An outlet sees its line's line-to-neutral voltage.
    expect(Math.abs(m.sample(1, 7, T).voltage - poles[1]!.voltageLN)).toBeLessThan(0.3);
    expect(inlet.unbalancedCurrent).toBeGreaterThanOrEqual(0);
  });

  it('trips a protector whose load passes its 16 A rating, which cuts its outlets until reset', () => {
    const model = createSimModel({ outlets: 36, phases: 3 });
    const before = model.breakerSample(1, 2, T);
    expect(before.tripped).toBe(false);
    model.checkTrips(1, T);
    expect(model.breakerSample(1, 2, T).tripped).toBe(false);
    model.addLoad(1, 8, 3500, T + MINUTE); // ~15 A more on outlet 8 (protector 2)
    model.checkTrips(1, T + MINUTE);
    const tripped = model.breakerSample(1, 2, T + MINUTE);
    expect(tripped).toMatchObject({ tripped: true, current: 0 });
    for (let o = 7; o <= 12; o++) {
      expect(model.sample(1, o, T + 2 * MINUTE).power).toBe(0);
      expect(model.isOn(1, o, T + 2 * MINUTE)).toBe(model.isOn(1, o, T));
    }
    // Energy stops while tripped, and the other protectors carry on.
    const e1 = model.sample(1, 9, T + 2 * MINUTE).energyWh;
    expect(model.sample(1, 9, T + HOUR).energyWh).toBe(e1);
    expect(model.breakerSample(1, 1, T + MINUTE).tripped).toBe(false);
    model.addLoad(1, 8, -3500, T + 3 * MINUTE);
    model.resetBreaker(1, 2, T + 4 * MINUTE);
    expect(model.breakerSample(1, 2, T + 5 * MINUTE).tripped).toBe(false);
    expect(model.sample(1, 9, T + 2 * HOUR).energyWh).toBeGreaterThan(e1);
    // A test trips one by hand, too.
    model.tripBreaker(1, 5, T + 6 * MINUTE);
    expect(model.breakerSample(1, 5, T + 6 * MINUTE).tripped).toBe(true);
    expect(() => model.tripBreaker(1, 7, T)).toThrow(/no protector 7/);
  });
});

describe('the simulated environment', () => {
  const m = createSimModel({ outlets: 12 });

  it('has a temperature/humidity probe (one serial), a door contact and a leak detector', () => {
    const s = m.sensors(1);
    expect(s.map((x) => x.type)).toEqual([10, 11, 43, 17]);
    expect(s[0]!.serial).toBe(s[1]!.serial);
    const temps = Array.from({ length: 24 }, (_, h) => m.externalSample(1, 1, T + h * HOUR).value / 10);
    expect(Math.min(...temps)).toBeGreaterThan(15);
    expect(Math.max(...temps)).toBeLessThan(30);
    expect(Math.max(...temps) - Math.min(...temps)).toBeGreaterThan(3); // follows the day
    expect(m.externalSample(1, 4, T).state).toBe(SensorState.normal);
    m.setExternal(1, 4, { active: true });
    expect(m.externalSample(1, 4, T).state).toBe(SensorState.alarmed);
    m.setExternal(1, 4, null);
    m.setUnplugged(1, 2, true);
    expect(m.sensors(1).map((x) => x.id)).toEqual([1, 3, 4]);
  });

  it('opens the door now and then: a few minutes in every three hours', () => {
    let open = 0;
    const day = Array.from({ length: 24 * 60 }, (_, i) => doorOpenAt(1, 1, T + i * MINUTE));
    for (const o of day) if (o) open++;
    expect(open).toBeGreaterThanOrEqual(4 * 7);
    expect(open).toBeLessThanOrEqual(4 * 9);
  });

  it('derives threshold states with hysteresis, as a PX does', () => {
    let s = thresholdState(undefined, 6.4, OUTLET_CURRENT);
    expect(s).toBe(SensorState.normal);
    s = thresholdState(s, 6.6, OUTLET_CURRENT);
    expect(s).toBe(SensorState.aboveUpperWarning);
    s = thresholdState(s, 6.0, OUTLET_CURRENT); // back below, but within the 1 A hysteresis
    expect(s).toBe(SensorState.aboveUpperWarning);
    s = thresholdState(s, 8.1, OUTLET_CURRENT);
    expect(s).toBe(SensorState.aboveUpperCritical);
    s = thresholdState(s, 7.5, OUTLET_CURRENT);
    expect(s).toBe(SensorState.aboveUpperCritical);
    s = thresholdState(s, 6.9, OUTLET_CURRENT);
    expect(s).toBe(SensorState.aboveUpperWarning);
    s = thresholdState(s, 5.4, OUTLET_CURRENT);
    expect(s).toBe(SensorState.normal);
  });

  it('simulates an inlet-metered unit: no outlets, the inlet carries the load', () => {
    const z = createSimModel({ outlets: 0 });
    expect(z.outlets).toBe(0);
    expect(z.inletSample(1, T).power).toBeGreaterThan(500);
    expect(() => z.sample(1, 1, T)).not.toThrow(); // the hidden loads behind the inlet
    expect(() => z.outletName(1, 1)).toThrow(/no outlet 1/);
  });
});
