import {
  type InletReading,
  type OutletReading,
  type PduReading,
  PLAIN_OUTLET,
  PLAIN_UNIT,
} from '../readings.ts';
import { COUNTER_MODULUS } from '../snmp/mib.ts';

/**
 * A small deterministic PDU for tests, the benchmark and a fallback demo: each outlet draws
 * base + a daily sine, and its activeEnergy counter is the exact integral of that power (so a test
 * can compute the true energy of any interval in closed form). Pure: a function of time.
 */

export interface SyntheticOptions {
  id?: string;
  outlets?: number;
  /** Counter value at t = 0 per outlet, Wh; push one near 2^32 to exercise a wrap. */
  counterOffsetWh?: (outlet: number) => number;
  /** Leave the counter out (a PX2: only current and power). */
  noCounter?: boolean;
}

const DAY_S = 86_400;
const VOLTAGE = 230;

export interface OutletProfile {
  base: number;
  amp: number;
  phase: number;
}

export function profile(outlet: number): OutletProfile {
  // Fixed pseudo-random but readable: outlets 1..n draw 20..~400 W, some idle (base 0, amp 0).
  const idle = outlet % 7 === 0;
  return {
    base: idle ? 0 : 20 + ((outlet * 37) % 300),
    amp: idle ? 0 : 10 + ((outlet * 13) % 80),
    phase: (outlet * 0.7) % (2 * Math.PI),
  };
}

export function powerAt(p: OutletProfile, tS: number): number {
  return p.base + p.amp * Math.sin((2 * Math.PI * tS) / DAY_S + p.phase);
}

/** The exact integral of powerAt from 0 to t, Wh. */
export function energyWh(p: OutletProfile, tS: number): number {
  const w = (2 * Math.PI) / DAY_S;
  return (p.base * tS - (p.amp / w) * (Math.cos(w * tS + p.phase) - Math.cos(p.phase))) / 3600;
}

export function syntheticPdu(opts: SyntheticOptions = {}): (timeMs: number) => PduReading[] {
  const id = opts.id ?? 'pdu1';
  const n = opts.outlets ?? 36;
  const profiles = Array.from({ length: n }, (_, i) => profile(i + 1));
  const offsets = profiles.map((_, i) => opts.counterOffsetWh?.(i + 1) ?? 1000 * (i + 1));
  // sin and cos of (wt + phase) by angle addition: two trigonometric calls a poll instead of two per
  // outlet (the benchmark's year is 19 million outlet readings).
  const cosP = profiles.map((p) => Math.cos(p.phase));
  const sinP = profiles.map((p) => Math.sin(p.phase));
  const W = (2 * Math.PI) / DAY_S;
  const labels = profiles.map((_, i) => String(i + 1));
  return (timeMs) => {
    const t = timeMs / 1000;
    const sinT = Math.sin(W * t);
    const cosT = Math.cos(W * t);
    let total = 0;
    let totalWh = 0;
    const outlets: OutletReading[] = profiles.map((p, i) => {
      const cp = cosP[i] as number;
      const sp = sinP[i] as number;
      const power = Math.round(p.base + p.amp * (sinT * cp + cosT * sp));
      const exact = (p.base * t - (p.amp / W) * (cosT * cp - sinT * sp - cp)) / 3600;
      const wh = Math.floor(exact + (offsets[i] ?? 0));
      total += power;
      totalWh += exact;
      const on = p.base > 0;
      return {
        outlet: i + 1,
        label: labels[i] as string,
        name: i === 0 ? 'server-a' : '',
        state: on ? 'on' : 'off',
        switchable: true,
        power,
        apparent_power: Math.round(power * 1.05),
        current: Math.round((power / VOLTAGE) * 1000) / 1000,
        voltage: VOLTAGE,
        power_factor: power > 0 ? 0.95 : null,
        energy: opts.noCounter ? null : wh / 1000,
        energy_counter: opts.noCounter ? null : wh % COUNTER_MODULUS,
        rated_power: null,
        // Spelled out, not spread: a spread after other properties copies them one by one (it doubled
        // the cost of the benchmark's year, 19 million outlet readings).
        alarms: PLAIN_OUTLET.alarms,
        thresholds: PLAIN_OUTLET.thresholds,
        breaker: PLAIN_OUTLET.breaker,
        rated_current: PLAIN_OUTLET.rated_current,
      };
    });
    const reading: PduReading = {
      id,
      source: id,
      unit: 1,
      time: timeMs,
      identity: { name: 'Rack A', model: 'PX3-5892', serial: 'SIM0001', firmware: '4.0.0' },
      inlet: {
        power: total,
        apparent_power: Math.round(total * 1.05),
        current: Math.round((total / VOLTAGE) * 1000) / 1000,
        voltage: VOLTAGE,
        power_factor: 0.95,
        frequency: 50,
        energy: opts.noCounter ? null : Math.floor(totalWh) / 1000,
        energy_counter: opts.noCounter ? null : Math.floor(totalWh),
        rated_power: null,
        rated_current: null,
      },
      outlets,
      outlets_on: outlets.filter((o) => o.state === 'on').length,
      lines: PLAIN_UNIT.lines,
      breakers: PLAIN_UNIT.breakers,
      sensors: PLAIN_UNIT.sensors,
      alarms: PLAIN_UNIT.alarms,
      thresholds: PLAIN_UNIT.thresholds,
    };
    return [reading];
  };
}

/** A hand-made poll for tests: outlets default to an idle 'on' outlet with no counter. */
export function reading(
  id: string,
  timeMs: number,
  outlets: Partial<OutletReading>[],
  inlet: Partial<InletReading> = {},
): PduReading {
  const full: OutletReading[] = outlets.map((o, i) => ({
    outlet: i + 1,
    label: String(i + 1),
    name: '',
    state: 'on',
    switchable: true,
    power: null,
    apparent_power: null,
    current: null,
    voltage: null,
    power_factor: null,
    energy: null,
    energy_counter: null,
    rated_power: null,
    ...PLAIN_OUTLET,
    ...o,
  }));
  return {
    id,
    source: id,
    unit: 1,
    time: timeMs,
    identity: { name: '', model: 'PX3-5892', serial: `SN-${id}`, firmware: '4.0.0' },
    inlet: {
      power: null,
      apparent_power: null,
      current: null,
      voltage: null,
      power_factor: null,
      frequency: null,
      energy: null,
      energy_counter: null,
      rated_power: null,
      rated_current: null,
      ...inlet,
    },
    outlets: full,
    outlets_on: full.filter((o) => o.state === 'on').length,
    ...PLAIN_UNIT,
  };
}
