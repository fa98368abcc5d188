/**
 * The simulated PDU's thresholds and the states it derives from them, as a PX does: a state is asserted
 * when the reading crosses an enabled threshold and deasserted only once it is back by the sensor's
 * hysteresis (…SensorHysteresis), so a reading hovering at a threshold does not flap. The bridge never
 * recomputes this: it publishes the state the PDU serves (bridge/facts/alarms.ts).
 */
import { SensorState } from '../snmp/mib.ts';

export interface SimThresholds {
  lower_critical?: number;
  lower_warning?: number;
  upper_warning?: number;
  upper_critical?: number;
  /** Physical units, like the thresholds. */
  hysteresis: number;
}

/** outletSensor thresholds of the real PX3 walk's 10 A outlets: 65 % and 80 % of the rating, 1 A hysteresis. */
export const OUTLET_CURRENT: SimThresholds = { upper_warning: 6.5, upper_critical: 8, hysteresis: 1 };
/** A 32 A inlet (and each line of a 3-phase one): 80 % and 90 % (the real walk warns at 65 %, which the demo load passes). */
export const INLET_CURRENT: SimThresholds = { upper_warning: 25.6, upper_critical: 28.8, hysteresis: 1 };
/** The real walk's inlet voltage thresholds (all four enabled, 2 V hysteresis). */
export const INLET_VOLTAGE: SimThresholds = {
  lower_critical: 188,
  lower_warning: 194,
  upper_warning: 251,
  upper_critical: 254,
  hysteresis: 2,
};
/** A 16 A protector: warning at 80 %, critical at 90 % (it trips past its rating). */
export const BREAKER_CURRENT: SimThresholds = { upper_warning: 12.8, upper_critical: 14.4, hysteresis: 0.5 };
/** The real walk's inlet temperature probe. */
export const TEMPERATURE: SimThresholds = {
  lower_critical: 10,
  lower_warning: 15,
  upper_warning: 30,
  upper_critical: 35,
  hysteresis: 1,
};
export const HUMIDITY: SimThresholds = {
  lower_critical: 10,
  lower_warning: 20,
  upper_warning: 70,
  upper_critical: 80,
  hysteresis: 2,
};

const ORDER = ['lower_critical', 'lower_warning', 'upper_warning', 'upper_critical'] as const;

/** …EnabledThresholds as the octet a live agent sends: bit 0 (lowerCritical) is the most significant bit. */
export function enabledOctet(t: SimThresholds): number {
  let octet = 0;
  ORDER.forEach((name, bit) => {
    if (t[name] !== undefined) octet |= 0x80 >> bit;
  });
  return octet;
}

/** The state after `previous` for this reading: what a PX's threshold evaluation would say now. */
export function thresholdState(previous: number | undefined, value: number, t: SimThresholds): number {
  const h = t.hysteresis;
  const { upper_critical: uc, upper_warning: uw, lower_critical: lc, lower_warning: lw } = t;
  const was = previous ?? SensorState.normal;
  // A state already asserted holds until the reading is back past its threshold by the hysteresis.
  if (uc !== undefined && (value > uc || (was === SensorState.aboveUpperCritical && value > uc - h)))
    return SensorState.aboveUpperCritical;
  if (
    uw !== undefined &&
    (value > uw ||
      ((was === SensorState.aboveUpperWarning || was === SensorState.aboveUpperCritical) && value > uw - h))
  )
    return SensorState.aboveUpperWarning;
  if (lc !== undefined && (value < lc || (was === SensorState.belowLowerCritical && value < lc + h)))
    return SensorState.belowLowerCritical;
  if (
    lw !== undefined &&
    (value < lw ||
      ((was === SensorState.belowLowerWarning || was === SensorState.belowLowerCritical) && value < lw + h))
  )
    return SensorState.belowLowerWarning;
  return SensorState.normal;
}

/** The states of many sensors, each remembered between reads (keys: "<unit>.<table>.<entity>.<type>"). */
export function createStateMemory() {
  const last = new Map<string, number>();
  return {
    state(key: string, value: number, t: SimThresholds): number {
      const s = thresholdState(last.get(key), value, t);
      last.set(key, s);
      return s;
    },
  };
}
