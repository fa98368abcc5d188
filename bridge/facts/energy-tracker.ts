import {
  type ChannelEnergy,
  type EnergyStep,
  type EnergyVerdict,
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
  const channels = new Map<string, EnergyState>();
  const key = (id: string, channel: number) => `${id}\u0000${channel}`;

  return {
    restore(saved) {
      for (const s of saved) channels.set(key(s.id, s.channel), s.state);
    },
    track(units) {
      const events: EnergyEvent[] = [];
      const step = <T extends ChannelEnergy>(id: string, channel: number, c: T, input: EnergyInput) => {
        const k = key(id, channel);
        const prev = channels.get(k);
        const s = energyStep(prev, input, opts);
        channels.set(k, s.state);
        if (NOTABLE.has(s.verdict))
          events.push({
            id,
            channel,
            verdict: s.verdict,
            counter: input.counter,
            baseline: prev?.counter ?? null,
          });
        return { ...c, energy: published(s, input.counter), energy_step: s };
      };
      const tracked = units.map(
        (u): PduReading => ({
          ...u,
          inlet: step(u.id, 0, u.inlet, {
            at: u.time,
            counter: u.inlet.energy_counter,
            power: unitPower(u),
            ratedPower: u.inlet.rated_power,
            kind: 'inlet',
          }),
          outlets: u.outlets.map((o) =>
            step(u.id, o.outlet, o, {
              at: u.time,
              counter: o.energy_counter,
              power: o.power,
              ratedPower: o.rated_power,
              kind: 'outlet',
            }),
          ),
        }),
      );
      return { units: tracked, events };
    },
  };
}
