import {
  type EnergyStep,
  type EnergyVerdict,
  type InletReading,
  type OutletReading,
  type PduReading,
  unitPower,
} from '../readings.ts';
import { type EnergyInput, type EnergyOptions, type EnergyState, energyStep } from './energy.ts';

/**
 * The energy tracker of a running bridge: every channel's state (energy.ts), restored from the history
 * at start, stepped by each poll. A channel is a unit id ('pdu1', 'pdu1-2') and a number, 0 for the
 * inlet and n for outlet n, so a restart, a PDU reboot and an outlet that vanishes and comes back all
 * find their total again. It holds state but does no I/O: the history persists what it decided.
 */

export interface SavedEnergy {
  /** PduReading.id of the unit. */
  id: string;
  /** 0: the inlet; n: outlet n. */
  channel: number;
  state: EnergyState;
}

/** A step worth a line in the log: the counter did something other than count up. */
export interface EnergyEvent {
  id: string;
  channel: number;
  verdict: EnergyVerdict;
  /** The counter as read, Wh. */
  counter: number | null;
  /** The baseline it was compared with, Wh. */
  baseline: number | null;
}

export interface EnergyTracker {
  /** Adopt saved channel states (the history's, at start): later polls continue from them. */
  restore(saved: Iterable<SavedEnergy>): void;
  /** One poll's units with `energy` (the total, kWh) and `energy_step` set on every channel. */
  track(units: readonly PduReading[]): { units: PduReading[]; events: EnergyEvent[] };
}

const NOTABLE: ReadonlySet<EnergyVerdict> = new Set(['wrap', 'reset', 'glitch', 'rebaseline', 'refused']);

/**
 * `energy` as published: the total where the channel has a counter and this poll read one. A channel
 * without a counter has no energy reading of the PDU's own (its integrated estimate lives in history).
 */
function published(step: EnergyStep, counter: number | null): number | null {
  if (counter === null || step.verdict === 'refused' || step.state.counter === null) return null;
  return step.total / 1e6;
}

export function createEnergyTracker(opts: EnergyOptions = {}): EnergyTracker {
  const channels = new Map<string, Map<number, EnergyState>>();
  const unit = (id: string) => {
    let m = channels.get(id);
    if (!m) {
      m = new Map();
      channels.set(id, m);
    }
    return m;
  };

  function step(
    states: Map<number, EnergyState>,
    id: string,
    channel: number,
    input: EnergyInput,
    events: EnergyEvent[],
  ): EnergyStep {
    const prev = states.get(channel);
    const s = energyStep(prev, input, opts);
    states.set(channel, s.state);
    if (NOTABLE.has(s.verdict))
      events.push({
        id,
        channel,
        verdict: s.verdict,
        counter: input.counter,
        baseline: prev?.counter ?? null,
      });
    return s;
  }

  function trackUnit(u: PduReading, events: EnergyEvent[]): PduReading {
    const states = unit(u.id);
    const outlets = new Array<OutletReading>(u.outlets.length);
    for (let i = 0; i < u.outlets.length; i++) {
      const o = u.outlets[i]!;
      const counter = o.energy_counter;
      const input: EnergyInput = {
        at: u.time,
        counter,
        power: o.power,
        ratedPower: o.rated_power,
        kind: 'outlet',
      };
      const s = step(states, u.id, o.outlet, input, events);
      // Spelled out rather than spread: this runs for every channel of every poll (and of a year of
      // backfill), and a literal of one shape is several times cheaper to build.
      outlets[i] = {
        outlet: o.outlet,
        label: o.label,
        name: o.name,
        state: o.state,
        power: o.power,
        apparent_power: o.apparent_power,
        current: o.current,
        voltage: o.voltage,
        power_factor: o.power_factor,
        energy: published(s, counter),
        energy_counter: counter,
        rated_power: o.rated_power,
        rated_current: o.rated_current,
        switchable: o.switchable,
        alarms: o.alarms,
        thresholds: o.thresholds,
        breaker: o.breaker,
        energy_step: s,
      };
    }
    const i = u.inlet;
    const input: EnergyInput = {
      at: u.time,
      counter: i.energy_counter,
      power: unitPower(u),
      ratedPower: i.rated_power,
      kind: 'inlet',
    };
    const s = step(states, u.id, 0, input, events);
    const inlet: InletReading = {
      power: i.power,
      apparent_power: i.apparent_power,
      current: i.current,
      voltage: i.voltage,
      power_factor: i.power_factor,
      frequency: i.frequency,
      energy: published(s, i.energy_counter),
      energy_counter: i.energy_counter,
      rated_power: i.rated_power,
      rated_current: i.rated_current,
      energy_step: s,
    };
    // Only where the PDU has the sensor (a 3-phase inlet): absent means "not reported", not "no reading".
    if (i.unbalanced_current !== undefined) inlet.unbalanced_current = i.unbalanced_current;
    return { ...u, inlet, outlets };
  }

  return {
    restore(saved) {
      for (const s of saved) unit(s.id).set(s.channel, s.state);
    },
    track(units) {
      const events: EnergyEvent[] = [];
      const tracked = new Array<PduReading>(units.length);
      for (let i = 0; i < units.length; i++) tracked[i] = trackUnit(units[i]!, events);
      return { units: tracked, events };
    },
  };
}
