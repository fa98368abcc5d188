import type { BreakerReading, ExternalSensorReading, LineId, LineReading, PduReading } from '../readings.ts';
import { stableSensorIds } from '../snmp/layout-extras.ts';
import { externalType, UNIT_TEXT } from '../snmp/mib-extras.ts';
import type { OutletSample, SimModel } from './model-types.ts';
import { BREAKER_RATED_A } from './wiring.ts';

/**
 * The simulated PDU's lines, protectors and external sensors as a function of time, added to the
 * readings of history-readings.ts: the demo's backfill then has a year of temperature, humidity,
 * per-line and per-breaker current (bridge/history/hardware-channels.ts records them). Ids, labels and
 * rounding are those the live decode gives for what the agent serves (the protector label `C<n>`,
 * the stable sensor id of snmp/layout-extras.ts, PDU2-MIB decimals: current in mA, the rest whole), so
 * the backfilled past and the live polls are one series. The history keeps no discrete state nor
 * alarm of a reading: those stay out, and the values are read without touching the simulated sensors'
 * threshold memory (SimModel.externalValue), so filling the past never moves a live alarm state.
 */

const LINES: readonly LineId[] = ['L1', 'L2', 'L3', 'N'];
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function withSimHardware(
  model: SimModel,
  readings: (timeMs: number) => PduReading[],
): (timeMs: number) => PduReading[] {
  const sensorIds = new Map<number, Map<number, string>>();
  const idsOf = (unit: number) => {
    let ids = sensorIds.get(unit);
    if (!ids) {
      ids = stableSensorIds(
        model.sensors(unit).map((s) => ({
          sensor: s.id,
          serial: s.serial,
          channel: s.channel,
          typeName: externalType(s.type, s.units).name,
        })),
      );
      sensorIds.set(unit, ids);
    }
    return ids;
  };
  return (timeMs) =>
    readings(timeMs).map((r) => {
      const u = r.unit;
      // Every pole and protector sums outlet samples: each outlet sampled once for all of them.
      const samples: (OutletSample | undefined)[] = [];
      const sampleOf = (unit: number, o: number) => {
        let x = samples[o];
        if (!x) {
          x = model.sample(unit, o, timeMs);
          samples[o] = x;
        }
        return x;
      };
      const lines: Partial<Record<LineId, LineReading>> = {};
      if (model.wiring.phases === 3)
        LINES.forEach((l, i) => {
          const p = model.poleSample(u, i + 1, timeMs, sampleOf);
          lines[l] = {
            current: round(p.current, 3),
            voltage: l === 'N' ? null : round(p.voltage, 0),
            voltage_ln: l === 'N' ? null : round(p.voltageLN, 0),
            power: l === 'N' ? null : round(p.power, 0),
            apparent_power: l === 'N' ? null : round(p.apparentPower, 0),
            power_factor: p.powerFactor === null || l === 'N' ? null : round(p.powerFactor, 2),
            energy: null,
          };
        });
      const breakers: BreakerReading[] = [];
      for (let b = 1; b <= model.wiring.breakers; b++) {
        const s = model.breakerSample(u, b, timeMs, sampleOf);
        breakers.push({
          index: b,
          label: `C${b}`,
          name: '',
          type: null,
          rated_current: BREAKER_RATED_A,
          current: round(s.current, 3),
          peak_current: round(s.peakCurrent, 3),
          state: s.tripped ? 'open' : 'closed',
          tripped: s.tripped,
          outlets: [],
          alarms: {},
          thresholds: {},
        });
      }
      const ids = idsOf(u);
      const sensors: ExternalSensorReading[] = model.sensors(u).map((s) => {
        const { name: type, discrete } = externalType(s.type, s.units);
        return {
          index: s.id,
          id: ids.get(s.id) ?? String(s.id),
          name: s.name,
          type,
          value: discrete ? null : model.externalValue(u, s.id, timeMs) / 10 ** s.decimals,
          unit: discrete ? null : (UNIT_TEXT[s.units] ?? null),
          state: null,
          serial: s.serial,
          discrete,
          alarms: {},
          thresholds: {},
        };
      });
      return { ...r, lines, breakers, sensors };
    });
}
