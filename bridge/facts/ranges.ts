import { SensorType } from '../snmp/mib.ts';

/**
 * What a PDU2-MIB sensor value can be: the SNMP type of the column it comes from, and the physical
 * range of the quantity once scaled into the reading model's units. The one table every consumer asks
 * (decode before anything is published or recorded; the energy tracker for its own inputs). A value
 * outside it is not a measurement: it becomes null plus a problem naming the OID, never a number that
 * Home Assistant, the history or a Node-RED flow would take for real. See docs/energy.md.
 */

export interface Range {
  min: number;
  max: number;
  unit: string;
}

/** measurementsOutletSensorValue / measurementsInletSensorValue: Unsigned32. */
export const UNSIGNED32: Range = { min: 0, max: 2 ** 32 - 1, unit: '' };
/** measurementsOutletSensorSignedValue / …InletSensorSignedValue: Integer32. */
export const INTEGER32: Range = { min: -(2 ** 31), max: 2 ** 31 - 1, unit: '' };

/**
 * Generous physical limits, far beyond any PDU channel (a 3-phase 63 A inlet draws ~45 kW), so that no
 * real reading is ever refused while the garbage seen from agents (4294967295 V, -2,000,000,000 Wh) is.
 * What one channel could plausibly draw is a different, tighter question: the energy tracker's bound
 * from the channel's rating (bridge/facts/rating.ts).
 */
const PHYSICAL: Readonly<Record<number, Range>> = {
  [SensorType.rmsCurrent]: { min: 0, max: 1000, unit: 'A' },
  [SensorType.rmsVoltage]: { min: 0, max: 1000, unit: 'V' },
  // An outlet only ever draws power: a negative reading would integrate into negative energy.
  [SensorType.activePower]: { min: 0, max: 1_000_000, unit: 'W' },
  [SensorType.apparentPower]: { min: 0, max: 1_000_000, unit: 'VA' },
  [SensorType.powerFactor]: { min: 0, max: 1, unit: '' },
  // activeEnergy is an Unsigned32 Wh counter; the reading model holds it in kWh.
  [SensorType.activeEnergy]: { min: 0, max: UNSIGNED32.max / 1000, unit: 'kWh' },
  [SensorType.frequency]: { min: 0, max: 100, unit: 'Hz' },
  [SensorType.peakCurrent]: { min: 0, max: 1000, unit: 'A' },
  // unbalancedCurrent, %: the largest deviation of a line current from the lines' average, in % of the
  // average. One loaded line of three deviates by 2/3 of the total from an average of 1/3: 200 %.
  [SensorType.unbalancedCurrent]: { min: 0, max: 200, unit: '%' },
  // rmsVoltageLN (25): a pole's line-to-neutral voltage.
  25: { min: 0, max: 1000, unit: 'V' },
};

/** An inlet may be metered in both directions where the PDU says so (SignedMinimum < 0). */
const INLET: Readonly<Record<number, Range>> = {
  [SensorType.activePower]: { min: -1_000_000, max: 1_000_000, unit: 'W' },
};

/** Where a sensor sits: an inlet pole measures the inlet's power per line, so it shares the inlet's range. */
export type Channel = 'outlet' | 'inlet' | 'pole' | 'breaker';

export function physicalRange(type: number, channel: Channel): Range | undefined {
  return (channel === 'inlet' || channel === 'pole' ? INLET[type] : undefined) ?? PHYSICAL[type];
}

const inRange = (v: number, r: Range) => v >= r.min && v <= r.max;

/** Why a raw value is not of its column's SNMP type (Unsigned32, or Integer32 for the signed column). */
export function refuseRaw(raw: number, signed: boolean): string | undefined {
  const type = signed ? INTEGER32 : UNSIGNED32;
  if (Number.isInteger(raw) && inRange(raw, type)) return undefined;
  return `${raw} is not ${signed ? 'an Integer32' : 'an Unsigned32'} (PDU2-MIB ${signed ? 'SignedValue' : 'Value'} column)`;
}

/** Why a scaled value is outside what the quantity can physically be. */
export function refuseValue(type: number, value: number, channel: Channel): string | undefined {
  const r = physicalRange(type, channel);
  if (!r || inRange(value, r)) return undefined;
  const u = r.unit ? ` ${r.unit}` : '';
  return `${value}${u} is outside ${r.min}..${r.max}${u}`;
}

/** An activeEnergy counter as the energy tracker accepts it: a whole, non-negative number of Wh. */
export function isCounterWh(wh: number): boolean {
  return Number.isSafeInteger(wh) && wh >= 0;
}
