import { createEnergyTracker, type EnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import type { History, RecordResult } from '../../bridge/history/history.ts';
import type { PduReading } from '../../bridge/readings.ts';

/**
 * Records hand-made polls into a started history the way the bridge does: each poll through an
 * energy tracker restored from that history, so the history stores what the tracker decided.
 */
export interface Tracked {
  readonly energy: EnergyTracker;
  record(units: PduReading | PduReading[]): RecordResult;
  recordMany(polls: PduReading[][]): RecordResult;
  /** The poll as the poller hands it on (energy and energy_step set), without recording it. */
  track(units: PduReading | PduReading[]): PduReading[];
}

export function tracked(h: History): Tracked {
  const energy = createEnergyTracker();
  energy.restore(h.energyStates());
  const track = (u: PduReading | PduReading[]) => energy.track(Array.isArray(u) ? u : [u]).units;
  return {
    energy,
    track,
    record: (u) => h.record(track(u)),
    recordMany: (polls) => h.recordMany(polls.map((p) => track(p))),
  };
}
