import { parseRating, ratedPowerW } from '../facts/rating.ts';
import { type OutletReading, type PduReading, PLAIN_OUTLET, PLAIN_UNIT, unitId } from '../readings.ts';
import { type OutletSample, SIM_RATINGS, type SimModel } from './model-types.ts';

/** The simulator's nameplate, as the layout decodes it from what the agent serves. */
const OUTLET_RATED_W = ratedPowerW({
  voltage: SIM_RATINGS.outletVoltage,
  current: SIM_RATINGS.outletCurrent,
});
const INLET_RATED_W = ratedPowerW({
  voltage: SIM_RATINGS.inletVoltage,
  current: SIM_RATINGS.inletCurrent,
  poles: SIM_RATINGS.inletPoles,
});

/**
 * The simulated PDU as a function of time, in the reading model: the demo's backfill source. It
 * reads the same model the simulated SNMP agent serves, so the backfilled year joins the live polls
 * without a seam. Values are rounded as the PX3 reports them (power, voltage and energy in whole
 * units, current in mA, power factor in hundredths: PDU2-MIB outletSensorDecimalDigits).
 */
export function readingsFromSim(model: SimModel, source: string): (timeMs: number) => PduReading[] {
  const r = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  const inletRatedCurrent = parseRating(SIM_RATINGS.inletCurrent);
  return (timeMs) => {
    const units: PduReading[] = [];
    for (let unit = 1; unit <= model.units; unit++) {
      const outlets: OutletReading[] = [];
      const samples: OutletSample[] = [];
      for (let o = 1; o <= model.outlets; o++) {
        const s = model.sample(unit, o, timeMs);
        samples.push(s);
        outlets.push({
          outlet: o,
          label: String(o),
          name: model.outletName(unit, o),
          state: s.on ? 'on' : 'off',
          switchable: true,
          power: r(s.power, 0),
          apparent_power: r(s.apparentPower, 0),
          current: r(s.current, 3),
          voltage: r(s.voltage, 0),
          power_factor: s.powerFactor === null ? null : r(s.powerFactor, 2),
          energy: Math.floor(s.energyWh) / 1000,
          energy_counter: s.energyCounter,
          rated_power: OUTLET_RATED_W,
          // Spelled out, not spread: a spread after other properties copies them one by one, and this
          // runs for every outlet of a year of polls (the demo's backfill).
          alarms: PLAIN_OUTLET.alarms,
          thresholds: PLAIN_OUTLET.thresholds,
          breaker: PLAIN_OUTLET.breaker,
          rated_current: PLAIN_OUTLET.rated_current,
        });
      }
      // The inlet sums the outlets just sampled (each load's sample costs a dozen sines).
      const i = model.inletSample(unit, timeMs, samples);
      const id = model.identity(unit);
      units.push({
        id: unitId(source, unit),
        source,
        unit,
        time: timeMs,
        identity: { name: model.pduName(unit), model: id.model, serial: id.serial, firmware: id.firmware },
        inlet: {
          power: r(i.power, 0),
          apparent_power: r(i.apparentPower, 0),
          current: r(i.current, 3),
          voltage: r(i.voltage, 0),
          power_factor: i.powerFactor === null ? null : r(i.powerFactor, 2),
          frequency: r(i.frequency, 1),
          energy: Math.floor(i.energyWh) / 1000,
          energy_counter: i.energyCounter,
          rated_power: INLET_RATED_W,
          rated_current: inletRatedCurrent,
        },
        outlets,
        outlets_on: outlets.filter((o) => o.state === 'on').length,
        lines: PLAIN_UNIT.lines,
        breakers: PLAIN_UNIT.breakers,
        sensors: PLAIN_UNIT.sensors,
        alarms: PLAIN_UNIT.alarms,
        thresholds: PLAIN_UNIT.thresholds,
      });
    }
    return units;
  };
}
