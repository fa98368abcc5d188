/**
 * What happened to the simulated PDU's protectors, loads and external sensors: trips and resets (by
 * overload or a test), extra loads a test puts on an outlet, sensors a test overrides or unplugs, and
 * the threshold states the PDU derives (thresholds.ts). Trips and loads are time-stamped events, so the
 * model can still answer "what did outlet 7 draw at time t".
 */
import { createStateMemory } from './thresholds.ts';

export interface BreakerEvent {
  time: number;
  closed: boolean;
}

interface LoadEvent {
  time: number;
  watts: number;
}

/** A test's override of an external sensor: a numeric value, or a discrete sensor's alarm (water, door open). */
export interface ExternalOverride {
  value?: number;
  active?: boolean;
}

const NONE: readonly BreakerEvent[] = [];

export function createHardwareState() {
  const breakers = new Map<string, BreakerEvent[]>();
  const loads = new Map<string, LoadEvent[]>();
  const overrides = new Map<string, ExternalOverride>();
  const unplugged = new Set<string>();
  const memory = createStateMemory();
  const key = (unit: number, n: number) => `${unit}.${n}`;

  function breakerEvents(unit: number, breaker: number): readonly BreakerEvent[] {
    return breakers.get(key(unit, breaker)) ?? NONE;
  }
  function isTripped(unit: number, breaker: number, t: number): boolean {
    let tripped = false;
    for (const e of breakerEvents(unit, breaker)) {
      if (e.time > t) break;
      tripped = !e.closed;
    }
    return tripped;
  }
  function addBreaker(unit: number, breaker: number, t: number, closed: boolean): void {
    const list = [...breakerEvents(unit, breaker).filter((e) => e.time <= t), { time: t, closed }];
    breakers.set(key(unit, breaker), list);
  }
  return {
    memory,
    breakerEvents,
    isTripped,
    trip: (unit: number, breaker: number, t: number) => addBreaker(unit, breaker, t, false),
    reset: (unit: number, breaker: number, t: number) => addBreaker(unit, breaker, t, true),
    /** Extra active power a test put on an outlet at time t and later, W. */
    extraPower(unit: number, outlet: number, t: number): number {
      let w = 0;
      for (const e of loads.get(key(unit, outlet)) ?? []) if (e.time <= t) w += e.watts;
      return w;
    },
    addLoad(unit: number, outlet: number, watts: number, t: number): void {
      const list = loads.get(key(unit, outlet)) ?? [];
      list.push({ time: t, watts });
      list.sort((a, b) => a.time - b.time);
      loads.set(key(unit, outlet), list);
    },
    override: (unit: number, sensor: number) => overrides.get(key(unit, sensor)),
    setOverride(unit: number, sensor: number, o: ExternalOverride | null): void {
      if (o === null) overrides.delete(key(unit, sensor));
      else overrides.set(key(unit, sensor), o);
    },
    isUnplugged: (unit: number, sensor: number) => unplugged.has(key(unit, sensor)),
    setUnplugged(unit: number, sensor: number, gone: boolean): void {
      if (gone) unplugged.add(key(unit, sensor));
      else unplugged.delete(key(unit, sensor));
    },
    /** Changes whenever the set of sensors present changes: the agent's OID layout depends on it. */
    pluggedKey: () => [...unplugged].sort().join(','),
  };
}

export type HardwareState = ReturnType<typeof createHardwareState>;
