/**
 * The simulated PDU's physics, as pure functions of time. Every quantity is a constant plus a sum of
 * sinusoids (day, week, and a few short "noise" periods), so active power integrates in closed form:
 * a year of energy history is as cheap to compute as one sample, with no per-minute state walk.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** Counters start here (a Thursday, 00:00 UTC); earlier times still work, they just count down. */
export const MODEL_EPOCH = Date.UTC(2015, 0, 1);

const TAU = 2 * Math.PI;

/** amp · sin(2π t / period + phase), t in ms since MODEL_EPOCH. */
export interface Wave {
  amp: number;
  period: number;
  phase: number;
}

function angle(w: Wave, t: number): number {
  // Reduce t modulo the period first: keeps the angle small and exact over decades of ms.
  const rel = (t - MODEL_EPOCH) % w.period;
  return (TAU * rel) / w.period + w.phase;
}

export function waveAt(waves: readonly Wave[], t: number): number {
  let sum = 0;
  for (const w of waves) sum += w.amp * Math.sin(angle(w, t));
  return sum;
}

/** ∫ waveAt dt from MODEL_EPOCH to t (ms), in closed form. */
export function waveIntegral(waves: readonly Wave[], t: number): number {
  let sum = 0;
  for (const w of waves) {
    const k = (w.amp * w.period) / TAU;
    sum += k * (Math.cos(w.phase) - Math.cos(angle(w, t)));
  }
  return sum;
}

/** Deterministic PRNG (mulberry32) keyed by a few integers: same keys, same stream. */
export function rng(...keys: number[]): () => number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    h = Math.imul(h ^ (k | 0), 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();

export type OutletKind = 'server' | 'network' | 'idle';

export interface OutletProfile {
  kind: OutletKind;
  /** Mean active power when on, W (0 for idle outlets). */
  p0: number;
  /** Relative variation of power around p0; 1 + waveAt(...) stays well above 0. */
  powerWaves: Wave[];
  pf0: number;
  pfWaves: Wave[];
  /** Outlet's voltage reading relative to the unit's line voltage, V. */
  voltageOffset: number;
  /** activeEnergy counter at MODEL_EPOCH, Wh. */
  initialWh: number;
  /** Switched on unless someone switches it (a few outlets ship switched off). */
  initiallyOn: boolean;
}

/** Phase that puts a wave's peak at `peakMs` into its period (local time = UTC + tz). */
function peakPhase(period: number, peakMs: number): number {
  return TAU / 4 - (TAU * (((peakMs % period) + period) % period)) / period;
}

/** Busier by day (peak 14:00 local), quieter at night and at weekends. */
function businessWaves(r: () => number, amplitude: number, tzMs: number): Wave[] {
  const peak = 14 * HOUR - tzMs;
  // MODEL_EPOCH is a Thursday 00:00 UTC: the week's peak lands on Tuesday/Wednesday.
  const weekPeak = 5.5 * DAY - tzMs;
  const noise = [7.3 * MINUTE, 23 * MINUTE, 71 * MINUTE, 5.1 * HOUR].map((p) => ({
    amp: between(r, 0.01, 0.035),
    period: Math.round(p * between(r, 0.8, 1.25)),
    phase: between(r, 0, TAU),
  }));
  return [
    { amp: amplitude, period: DAY, phase: peakPhase(DAY, peak) },
    { amp: amplitude * 0.25, period: DAY / 2, phase: peakPhase(DAY / 2, peak) },
    { amp: amplitude * 0.3, period: WEEK, phase: peakPhase(WEEK, weekPeak) },
    ...noise,
  ];
}

/** Which outlets are idle (on, 0 A) and which ship switched off: a seeded shuffle, fixed counts. */
export function outletRoles(
  seed: number,
  unit: number,
  outlets: number,
): { idle: Set<number>; off: Set<number> } {
  const r = rng(seed, unit, 0x0de);
  const order = Array.from({ length: outlets }, (_, i) => i + 1);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const idleCount = outlets >= 4 ? Math.max(1, Math.round(outlets * 0.12)) : 0;
  const offCount = outlets >= 4 ? Math.max(1, Math.round(outlets * 0.08)) : 0;
  return {
    idle: new Set(order.slice(0, idleCount)),
    off: new Set(order.slice(idleCount, idleCount + offCount)),
  };
}

export function outletProfile(
  seed: number,
  unit: number,
  outlet: number,
  roles: { idle: Set<number>; off: Set<number> },
  tzMs: number,
): OutletProfile {
  const r = rng(seed, unit, outlet, 0x5eed);
  const idle = roles.idle.has(outlet);
  const kind: OutletKind = idle ? 'idle' : r() < 0.2 ? 'network' : 'server';
  // Servers 40–500 W (most small, a few heavy; peaks stay under 4 A) with a strong day cycle;
  // switches/routers 20–80 W, nearly flat. 36 outlets then load a 32 A inlet to about 15–25 A.
  const p0 = kind === 'idle' ? 0 : kind === 'network' ? between(r, 20, 80) : 40 + 460 * r() ** 3;
  const amplitude = kind === 'server' ? between(r, 0.12, 0.35) : 0.03;
  return {
    kind,
    p0,
    powerWaves: businessWaves(r, amplitude, tzMs),
    pf0: kind === 'network' ? between(r, 0.88, 0.93) : between(r, 0.9, 0.975),
    pfWaves: [{ amp: 0.01, period: Math.round(between(r, 40, 90) * MINUTE), phase: between(r, 0, TAU) }],
    voltageOffset: between(r, -0.2, 0.2),
    initialWh: Math.round(between(r, 1e5, 2e7)),
    initiallyOn: !roles.off.has(outlet),
  };
}

/** Active power of an outlet that is on, W. */
export function powerAt(p: OutletProfile, t: number): number {
  return p.p0 === 0 ? 0 : p.p0 * (1 + waveAt(p.powerWaves, t));
}

/** Energy an always-on outlet used from MODEL_EPOCH to t, Wh (closed form). */
export function energyAt(p: OutletProfile, t: number): number {
  if (p.p0 === 0) return 0;
  return (p.p0 * (t - MODEL_EPOCH + waveIntegral(p.powerWaves, t))) / HOUR;
}

export function powerFactorAt(p: OutletProfile, t: number): number {
  return p.pf0 + waveAt(p.pfWaves, t);
}

/** The unit's line: voltage 228–232 V and frequency ~50.0 Hz. */
export interface LineProfile {
  v0: number;
  voltageWaves: Wave[];
  frequencyWaves: Wave[];
  /** inlet activeEnergy counter at MODEL_EPOCH, Wh. */
  inletInitialWh: number;
}

export function lineProfile(seed: number, unit: number): LineProfile {
  const r = rng(seed, unit, 0x1173);
  return {
    v0: 230 + between(r, -0.3, 0.3),
    voltageWaves: [
      { amp: 0.7, period: DAY, phase: between(r, 0, TAU) },
      { amp: 0.35, period: Math.round(37 * MINUTE), phase: between(r, 0, TAU) },
      { amp: 0.2, period: Math.round(3.1 * MINUTE), phase: between(r, 0, TAU) },
    ],
    frequencyWaves: [
      { amp: 0.04, period: 17 * MINUTE, phase: between(r, 0, TAU) },
      { amp: 0.02, period: Math.round(2.3 * MINUTE), phase: between(r, 0, TAU) },
    ],
    inletInitialWh: Math.round(between(r, 5e7, 9e7)),
  };
}

export const lineVoltageAt = (l: LineProfile, t: number): number => l.v0 + waveAt(l.voltageWaves, t);
export const frequencyAt = (l: LineProfile, t: number): number => 50 + waveAt(l.frequencyWaves, t);

const DEMO_HOSTS = ['web', 'db', 'app', 'cache', 'backup', 'build', 'nas', 'k8s', 'mail', 'vpn'];

/** A plausible name for the demo panel: servers have two PSUs on alternate outlets. */
export function demoName(seed: number, unit: number, outlet: number, kind: OutletProfile['kind']): string {
  const r = rng(seed, unit, outlet, 0x4a3e);
  if (kind === 'network') return `${r() < 0.5 ? 'switch' : 'router'}-${Math.ceil(r() * 4)}`;
  const host = DEMO_HOSTS[Math.floor(r() * DEMO_HOSTS.length)] ?? 'srv';
  return `${host}-${String(Math.ceil(r() * 12)).padStart(2, '0')} PSU${outlet % 2 === 0 ? 2 : 1}`;
}
