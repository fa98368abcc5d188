import type { SimModel } from './model-types.ts';
import { createStateMemory, INLET_CURRENT, OUTLET_CURRENT } from './thresholds.ts';

/**
 * What a PX notices on its own and sends a state-change trap for, with nobody calling the model: an
 * outlet's or the inlet's current crossing a threshold (outletSensorStateChange traps.63,
 * inletSensorStateChange traps.61), a protector tripping on overload (traps.65), an external sensor
 * changing state (a probe past its threshold, a door opening by itself: traps.66). Looked at once a
 * second while traps have a destination; the first look only learns the states.
 */

export interface TrapWatch {
  stop(): void;
}

export function watchForTraps(
  model: SimModel,
  send: (notification: number, unit: number, outlet?: number) => void,
  everyMs = 1000,
): TrapWatch {
  const memory = createStateMemory();
  const last = new Map<string, number | boolean>();
  /** True when `key` changed since the last look (never on the first). */
  const changed = (key: string, value: number | boolean): boolean => {
    const was = last.get(key);
    last.set(key, value);
    return was !== undefined && was !== value;
  };
  const look = () => {
    const now = Date.now();
    for (let u = 1; u <= model.units; u++) {
      // Overload trips happen in real time on a PDU, not when someone reads it.
      model.checkTrips(u, now);
      for (let o = 1; o <= model.outlets; o++) {
        const state = memory.state(`o.${u}.${o}`, model.sample(u, o, now).current, OUTLET_CURRENT);
        if (changed(`o.${u}.${o}`, state)) send(63, u, o);
      }
      const inlet = memory.state(`i.${u}`, model.inletSample(u, now).current, INLET_CURRENT);
      if (changed(`i.${u}`, inlet)) send(61, u);
      for (let b = 1; b <= model.wiring.breakers; b++)
        if (changed(`b.${u}.${b}`, model.breakerSample(u, b, now).tripped)) send(65, u);
      for (const s of model.sensors(u))
        if (changed(`s.${u}.${s.id}`, model.externalSample(u, s.id, now).state)) send(66, u);
    }
  };
  look();
  const timer = setInterval(look, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
