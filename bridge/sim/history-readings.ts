import { parseRating, ratedPowerW } from '../facts/rating.ts';
import { type OutletReading, type PduReading, PLAIN_OUTLET, PLAIN_UNIT, unitId } from '../readings.ts';
import { SIM_RATINGS, type SimModel } from './model-types.ts';

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
  return (timeMs) => {
    const units: PduReading[] = [];
    for (let unit = 1; unit <= model.units; unit++) {
      const outlets: OutletReading[] = [];
      for (let o = 1; o <= model.outlets; o++) {
        const s = model.sample(unit, o, timeMs);
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
          ...PLAIN_OUTLET,
        });
      }
      const i = model.inletSample(unit, timeMs);
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
          rated_current: parseRating(SIM_RATINGS.inletCurrent),
        },
        outlets,
        outlets_on: outlets.filter((o) => o.state === 'on').length,
        ...PLAIN_UNIT,
      });
    }
    return units;
  };
}
