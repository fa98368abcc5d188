import { describe, expect, it } from 'vitest';
import { createSimModel } from '../../bridge/sim/model.ts';
import { HOUR, MINUTE } from '../../bridge/sim/profile.ts';
import { COUNTER_MODULUS, SensorType } from '../../bridge/snmp/mib.ts';

const T0 = Date.UTC(2025, 5, 2, 0, 0); // a Monday
const model = createSimModel();
const kinds = (m = model) => Array.from({ length: m.outlets }, (_, i) => m.profile(1, i + 1));
const loaded = kinds().findIndex((p) => p.kind === 'server' && p.initiallyOn) + 1;

describe('sim model: one PX3-5892', () => {
  it('is deterministic per seed', () => {
    const again = createSimModel();
    const other = createSimModel({ seed: 2 });
    expect(again.sample(1, 5, T0)).toEqual(model.sample(1, 5, T0));
    expect(again.identity(1)).toEqual(model.identity(1));
    expect(other.identity(1).serial).not.toBe(model.identity(1).serial);
    expect(other.sample(1, loaded, T0).power).not.toBe(model.sample(1, loaded, T0).power);
  });

  it('looks like a PX3-5892', () => {
    expect(model.outlets).toBe(36);
    const id = model.identity(1);
    expect(id.model).toBe('PX3-5892');
    expect(id.serial).toMatch(/^SIM\d{7}$/);
    expect(id.sysDescr).toBe(`Raritan PDU, MD:PX3-5892 HW:0x10 FW:${id.firmware}`);
    const roles = kinds();
    expect(roles.filter((p) => p.kind === 'idle').length).toBeGreaterThanOrEqual(2);
    expect(roles.filter((p) => !p.initiallyOn).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps every reading in a realistic range, with apparent = V·I and active = apparent·pf', () => {
    for (let t = T0; t < T0 + 2 * 24 * HOUR; t += 37 * MINUTE) {
      for (let o = 1; o <= 36; o++) {
        const s = model.sample(1, o, t);
        expect(s.current).toBeGreaterThanOrEqual(0);
        expect(s.current).toBeLessThan(4);
        expect(s.voltage).toBeGreaterThan(228);
        expect(s.voltage).toBeLessThan(232);
        expect(s.apparentPower).toBeCloseTo(s.voltage * s.current, 6);
        if (s.powerFactor === null) {
          expect(s.power).toBe(0);
        } else {
          expect(s.powerFactor).toBeGreaterThanOrEqual(0.85);
          expect(s.powerFactor).toBeLessThanOrEqual(0.99);
          expect(s.power).toBeCloseTo(s.apparentPower * s.powerFactor, 6);
        }
      }
      const inlet = model.inletSample(1, t);
      expect(inlet.frequency).toBeGreaterThan(49.9);
      expect(inlet.frequency).toBeLessThan(50.1);
      expect(inlet.current).toBeLessThan(32);
    }
  });

  it('reports idle outlets at 0 A with no power factor, and off outlets at 0 W with energy stopped', () => {
    const idle = kinds().findIndex((p) => p.kind === 'idle') + 1;
    const off = kinds().findIndex((p) => !p.initiallyOn) + 1;
    const s = model.sample(1, idle, T0);
    expect(s).toMatchObject({ on: true, current: 0, power: 0, powerFactor: null });
    const a = model.sample(1, off, T0);
    const b = model.sample(1, off, T0 + 5 * HOUR);
    expect(a).toMatchObject({ on: false, power: 0, current: 0, powerFactor: null });
    expect(b.energyCounter).toBe(a.energyCounter);
  });

  it('integrates power into a monotone energy counter', () => {
    const from = T0 + 7 * HOUR;
    const step = 10_000;
    let integral = 0;
    let prev = model.sample(1, loaded, from);
    for (let t = from + step; t <= from + 6 * HOUR; t += step) {
      const s = model.sample(1, loaded, t);
      integral += ((prev.power + s.power) / 2) * (step / HOUR);
      expect(s.energyWh).toBeGreaterThan(prev.energyWh);
      expect(s.energyCounter).toBeGreaterThanOrEqual(prev.energyCounter);
      prev = s;
    }
    const delta = prev.energyWh - model.sample(1, loaded, from).energyWh;
    expect(integral).toBeGreaterThan(100);
    expect(delta).toBeCloseTo(integral, 3);
  });

  it('makes the inlet the sum of its outlets', () => {
    const t = T0 + 13 * HOUR;
    const inlet = model.inletSample(1, t);
    let power = 0;
    let energy = 0;
    for (let o = 1; o <= 36; o++) {
      power += model.sample(1, o, t).power;
      energy += model.sample(1, o, t).energyWh;
    }
    expect(inlet.power).toBeCloseTo(power, 6);
    expect(inlet.energyWh).toBeCloseTo(energy, 3);
    expect(inlet.powerFactor).toBeCloseTo(inlet.power / inlet.apparentPower, 9);
  });

  it('gives the same inlet from the outlet samples a caller already took, switched and tripped ones too', () => {
    const m = createSimModel({ phases: 3 });
    m.switchOutlet(1, loaded, 'off', T0 + HOUR);
    m.tripBreaker(1, 2, T0 + 2 * HOUR);
    m.resetBreaker(1, 2, T0 + 3 * HOUR);
    for (const t of [T0, T0 + 90 * MINUTE, T0 + 150 * MINUTE, T0 + 5 * HOUR]) {
      const samples = Array.from({ length: m.outlets }, (_, i) => m.sample(1, i + 1, t));
      expect(m.inletSample(1, t, samples)).toEqual(m.inletSample(1, t));
      // Energy across the events is the closed form between them, from the epoch on.
      expect(samples.map((s) => s.energyWh)).toEqual(samples.map((s) => m.sample(1, s.outlet, t).energyWh));
    }
    // Samples of another time or too few are not taken for the inlet's.
    const early = Array.from({ length: m.outlets }, (_, i) => m.sample(1, i + 1, T0));
    expect(m.inletSample(1, T0 + 5 * HOUR, early)).toEqual(m.inletSample(1, T0 + 5 * HOUR));
    expect(m.inletSample(1, T0, early.slice(1))).toEqual(m.inletSample(1, T0));
  });

  it('is busier by day than by night, in local time', () => {
    for (let day = 0; day < 5; day++) {
      const base = T0 + day * 24 * HOUR;
      expect(model.inletSample(1, base + 14 * HOUR).power).toBeGreaterThan(
        model.inletSample(1, base + 3 * HOUR).power * 1.1,
      );
    }
    const tokyo = createSimModel({ tzOffsetMinutes: 9 * 60 });
    // 14:00 in Tokyo is 05:00 UTC.
    expect(tokyo.inletSample(1, T0 + 5 * HOUR).power).toBeGreaterThan(
      tokyo.inletSample(1, T0 + 18 * HOUR).power,
    );
  });
});

describe('sim model: state and test hooks', () => {
  it('switching off stops power and energy; on resumes; cycle is off for the off-period', () => {
    const m = createSimModel({ powerOffPeriod: 5 });
    const t = T0 + 10 * HOUR;
    m.switchOutlet(1, loaded, 'off', t);
    const offA = m.sample(1, loaded, t + MINUTE);
    const offB = m.sample(1, loaded, t + HOUR);
    expect(offA).toMatchObject({ on: false, power: 0, powerFactor: null });
    expect(offB.energyWh).toBe(offA.energyWh);
    expect(m.sample(1, loaded, t - MINUTE).on).toBe(true); // history before the switch is unchanged
    m.switchOutlet(1, loaded, 'on', t + HOUR);
    expect(m.sample(1, loaded, t + 2 * HOUR).energyWh).toBeGreaterThan(offB.energyWh);
    m.switchOutlet(1, loaded, 'cycle', t + 3 * HOUR);
    expect(m.isOn(1, loaded, t + 3 * HOUR + 1000)).toBe(false);
    expect(m.isOn(1, loaded, t + 3 * HOUR + 4999)).toBe(false);
    expect(m.isOn(1, loaded, t + 3 * HOUR + 5000)).toBe(true);
    expect(m.state.lastSwitch(1, loaded, t + 3 * HOUR + 4999)).toBe(t + 3 * HOUR);
    expect(m.state.lastSwitch(1, loaded, t + 3 * HOUR + 5000)).toBe(t + 3 * HOUR + 5000);
  });

  it("cycles for the off-period the PDU is configured with: 10 s by default, the outlet's own when not global", () => {
    const m = createSimModel();
    const t = T0 + 10 * HOUR;
    m.switchOutlet(1, loaded, 'cycle', t);
    expect(m.isOn(1, loaded, t + 9999)).toBe(false);
    expect(m.isOn(1, loaded, t + 10_000)).toBe(true);
    m.state.setGlobalOffPeriod(1, 3);
    m.switchOutlet(1, loaded, 'cycle', t + HOUR);
    expect(m.isOn(1, loaded, t + HOUR + 2999)).toBe(false);
    expect(m.isOn(1, loaded, t + HOUR + 3000)).toBe(true);
    // The outlet's own period counts only once outletUseGlobalPowerCyclingPowerOffPeriod is false.
    m.state.setOutletOffPeriod(1, loaded, { own: 7 });
    expect(m.state.effectiveOffPeriod(1, loaded)).toBe(3);
    m.state.setOutletOffPeriod(1, loaded, { useGlobal: false });
    m.switchOutlet(1, loaded, 'cycle', t + 2 * HOUR);
    expect(m.isOn(1, loaded, t + 2 * HOUR + 6999)).toBe(false);
    expect(m.isOn(1, loaded, t + 2 * HOUR + 7000)).toBe(true);
    expect(() => createSimModel({ powerOffPeriod: 0.3 })).toThrow(/whole seconds/);
  });

  it('acts a configured delay after the SET, and refuses to switch an outlet that is not switchable', () => {
    const m = createSimModel({ powerOffPeriod: 2, switchDelayMs: 500, unswitchable: [3] });
    const t = T0 + 10 * HOUR;
    m.switchOutlet(1, loaded, 'cycle', t);
    expect(m.isOn(1, loaded, t + 499)).toBe(true);
    expect(m.isOn(1, loaded, t + 500)).toBe(false);
    expect(m.isOn(1, loaded, t + 2500)).toBe(true);
    expect(m.isSwitchable(1, 3)).toBe(false);
    expect(() => m.switchOutlet(1, 3, 'off', t)).toThrow(/not switchable/);
    m.setSwitchable(1, 3, true);
    expect(m.isSwitchable(1, 3)).toBe(true);
  });

  it('resets the energy counter to 0 without touching earlier readings', () => {
    const m = createSimModel();
    const t = T0 + 9 * HOUR;
    const before = m.sample(1, loaded, t - MINUTE).energyCounter;
    m.resetEnergy(1, loaded, t);
    expect(m.sample(1, loaded, t).energyCounter).toBe(0);
    expect(m.sample(1, loaded, t - MINUTE).energyCounter).toBe(before);
    expect(m.sample(1, loaded, t + HOUR).energyCounter).toBeGreaterThan(10);
  });

  it('wraps the Unsigned32 counter when forced near 2^32', () => {
    const m = createSimModel();
    const t = T0 + 12 * HOUR;
    const physical = m.sample(1, loaded, t + HOUR).energyWh;
    m.setEnergyCounter(1, loaded, COUNTER_MODULUS - 5, t);
    expect(m.sample(1, loaded, t).energyCounter).toBe(COUNTER_MODULUS - 5);
    const after = m.sample(1, loaded, t + HOUR);
    expect(after.energyCounter).toBeLessThan(1000);
    expect(after.energyWh).toBe(physical);
    m.setEnergyCounter(1, 0, COUNTER_MODULUS - 1, t);
    expect(m.inletSample(1, t + HOUR).energyCounter).toBeLessThan(20_000);
  });

  it('renames, marks sensors unavailable and pauses', () => {
    const m = createSimModel({ presetNames: false });
    expect(m.outletName(1, 3)).toBe('');
    m.setOutletName(1, 3, 'rack A / db-01');
    expect(m.outletName(1, 3)).toBe('rack A / db-01');
    expect(() => m.setOutletName(1, 3, 'x'.repeat(65))).toThrow(RangeError);
    m.setSensorAvailable(1, 3, SensorType.rmsCurrent, false);
    expect(m.isSensorAvailable(1, 3, SensorType.rmsCurrent)).toBe(false);
    expect(m.isSensorAvailable(1, 3, SensorType.rmsVoltage)).toBe(true);
    m.setSensorAvailable(1, 0, '*', false);
    expect(m.isSensorAvailable(1, 0, SensorType.frequency)).toBe(false);
    m.pause();
    expect(m.state.paused).toBe(true);
    m.resume();
    expect(m.state.paused).toBe(false);
  });

  it('gives linked units their own serials and outlets', () => {
    const m = createSimModel({ units: 3, outlets: 8 });
    const serials = new Set([1, 2, 3].map((u) => m.identity(u).serial));
    expect(serials.size).toBe(3);
    expect(m.sample(3, 8, T0).outlet).toBe(8);
    expect(() => m.sample(4, 1, T0)).toThrow(RangeError);
    expect(() => m.sample(1, 9, T0)).toThrow(RangeError);
  });
});
