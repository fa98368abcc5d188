/**
 * Serves the simulated PDU's instances of instances-extras.ts from the model: thresholds (values scaled
 * by the decimal digits, …EnabledThresholds as the octet a PX sends), the states a PX derives from them
 * (thresholds.ts), outletPowerSource, the 3-phase poles, the overcurrent protectors (trip: open = tripped)
 * and the external sensors.
 */
import snmp from 'net-snmp';
import { SensorState, SensorType, SensorUnits, TRUE } from '../snmp/mib.ts';
import { ExtraSensorType, OCP_CONFIG } from '../snmp/mib-extras.ts';
import type { LayoutEntry } from './instances.ts';
import type { InletSample, OutletSample, PoleSample, SimModel } from './model-types.ts';
import type { Served } from './responder.ts';
import {
  BREAKER_CURRENT,
  enabledOctet,
  INLET_CURRENT,
  INLET_VOLTAGE,
  OUTLET_CURRENT,
  type SimThresholds,
} from './thresholds.ts';
import { BREAKER_RATED_A, breakerOf } from './wiring.ts';

const { ObjectType } = snmp;
const str = (value: string): Served => ({ type: ObjectType.OctetString, value });
const int = (value: number): Served => ({ type: ObjectType.Integer, value });
const gauge = (value: number): Served => ({ type: ObjectType.Gauge, value });

/** The decimal digits a PX3 reports per sensor type (docs/snmp.md). */
export const SENSOR_DECIMALS: Readonly<Record<number, number>> = {
  [SensorType.rmsCurrent]: 3,
  [SensorType.peakCurrent]: 3,
  [SensorType.unbalancedCurrent]: 0,
  [SensorType.rmsVoltage]: 0,
  [ExtraSensorType.rmsVoltageLN]: 0,
  [SensorType.activePower]: 0,
  [SensorType.apparentPower]: 0,
  [SensorType.powerFactor]: 2,
  [SensorType.activeEnergy]: 0,
  [SensorType.onOff]: 0,
  [ExtraSensorType.trip]: 0,
  [SensorType.frequency]: 1,
};

export const SENSOR_UNITS: Readonly<Record<number, number>> = {
  [SensorType.rmsCurrent]: SensorUnits.amp,
  [SensorType.peakCurrent]: SensorUnits.amp,
  [SensorType.unbalancedCurrent]: SensorUnits.percent,
  [SensorType.rmsVoltage]: SensorUnits.volt,
  [ExtraSensorType.rmsVoltageLN]: SensorUnits.volt,
  [SensorType.activePower]: SensorUnits.watt,
  [SensorType.apparentPower]: SensorUnits.voltamp,
  [SensorType.powerFactor]: SensorUnits.none,
  [SensorType.activeEnergy]: SensorUnits.wattHour,
  [SensorType.onOff]: SensorUnits.none,
  [ExtraSensorType.trip]: SensorUnits.none,
  [SensorType.frequency]: SensorUnits.hertz,
};

/** Scale a physical value to the integer the PDU serves for this sensor type. */
export function scaled(sensorType: number, x: number): number {
  return Math.round(x * 10 ** (SENSOR_DECIMALS[sensorType] ?? 0));
}

/** Which simulated sensors have thresholds (as on the real PX3 walk: outlet and inlet current, inlet voltage). */
export function simThresholds(model: SimModel, e: LayoutEntry): SimThresholds | undefined {
  const t = e.sensorType;
  switch (e.table) {
    case 'ext':
      return model.sensors(e.unit).find((s) => s.id === e.outlet)?.thresholds;
    case 'pole':
      return t === SensorType.rmsCurrent && e.outlet <= 3 ? INLET_CURRENT : undefined;
    case 'ocp':
      return t === SensorType.rmsCurrent ? BREAKER_CURRENT : undefined;
    default:
      if (e.outlet > 0) return t === SensorType.rmsCurrent ? OUTLET_CURRENT : undefined;
      if (t === SensorType.rmsCurrent) return INLET_CURRENT;
      return t === SensorType.rmsVoltage ? INLET_VOLTAGE : undefined;
  }
}

const THRESHOLD_ORDER = ['lower_critical', 'lower_warning', 'upper_critical', 'upper_warning'] as const;

/**
 * Which field of a sample a PDU2-MIB sensor type reads: one table for outlets, the inlet and its poles,
 * so a sensor type means the same quantity wherever the simulator serves it.
 */
const SAMPLE_FIELD: Record<number, string> = {
  [SensorType.rmsCurrent]: 'current',
  [SensorType.rmsVoltage]: 'voltage',
  [ExtraSensorType.rmsVoltageLN]: 'voltageLN',
  [SensorType.activePower]: 'power',
  [SensorType.apparentPower]: 'apparentPower',
  [SensorType.powerFactor]: 'powerFactor',
  [SensorType.frequency]: 'frequency',
  [SensorType.unbalancedCurrent]: 'unbalancedCurrent',
};

/** The physical value a sensor of this type reads from the sample; null where the sample has none. */
export function sampleValue(s: OutletSample | InletSample | PoleSample, sensorType: number): number | null {
  const field = SAMPLE_FIELD[sensorType];
  if (field === undefined) return null;
  const v: unknown = (s as unknown as Record<string, unknown>)[field];
  return typeof v === 'number' ? v : null;
}

export interface ExtraContext {
  model: SimModel;
  now: number;
  sampleOf(unit: number, outlet: number): OutletSample | InletSample;
}

/** The state a PX derives for this sensor's reading: its thresholds with hysteresis, else normal. */
export function derivedState(ctx: ExtraContext, e: LayoutEntry, x: number): number {
  const th = simThresholds(ctx.model, e);
  if (!th) return SensorState.normal;
  return ctx.model.hardware.memory.state(`${e.unit}.${e.table ?? 'o'}.${e.outlet}.${e.sensorType}`, x, th);
}

/** The pole and protector measurement columns; undefined for entries of other tables. */
function measured(ctx: ExtraContext, e: LayoutEntry): { state: number; value: number } | undefined {
  const { model, now } = ctx;
  const t = e.sensorType;
  const cached = (u: number, o: number) => ctx.sampleOf(u, o) as OutletSample;
  if (e.table === 'pole') {
    const s = model.poleSample(e.unit, e.outlet, now, cached);
    if (t === SensorType.activeEnergy) return { state: SensorState.normal, value: s.energyCounter };
    const x = sampleValue(s, t);
    if (x === null) return { state: SensorState.unavailable, value: 0 };
    return { state: derivedState(ctx, e, x), value: scaled(t, x) };
  }
  if (e.table === 'ocp') {
    const s = model.breakerSample(e.unit, e.outlet, now, cached);
    if (t === ExtraSensorType.trip)
      return { state: s.tripped ? SensorState.open : SensorState.closed, value: 0 };
    const x = t === SensorType.peakCurrent ? s.peakCurrent : s.current;
    return { state: derivedState(ctx, e, x), value: scaled(t, x) };
  }
  return undefined;
}

/** Serves an entry of instances-extras.ts, or undefined for the outlet and inlet columns pdu-backend.ts serves. */
export function serveExtra(ctx: ExtraContext, e: LayoutEntry): Served | undefined {
  const { model } = ctx;
  const { unit, outlet: id, sensorType: t } = e;
  const ext = () => {
    const s = model.sensors(unit).find((x) => x.id === id);
    if (!s) throw new RangeError(`no external sensor ${id}`);
    return s;
  };
  switch (e.column) {
    case 'threshold': {
      const th = simThresholds(model, e);
      const x = th?.[THRESHOLD_ORDER[e.arg ?? 0]!] ?? 0;
      if (e.table === 'ext') return int(Math.round(x * 10 ** ext().decimals));
      return gauge(scaled(t, x));
    }
    case 'thresholdBits': {
      const th = simThresholds(model, e);
      return { type: ObjectType.OctetString, value: Buffer.from([th ? enabledOctet(th) : 0]) };
    }
    case 'outletPowerSource': {
      const b = breakerOf(model.wiring, id);
      // inletLabel.<pdu>.1 when no protector feeds it.
      return {
        type: ObjectType.OID,
        value: b === null ? `1.3.6.1.4.1.13742.6.3.3.3.1.2.${unit}.1` : `${OCP_CONFIG.label}.${unit}.${b}`,
      };
    }
    case 'ocpCount':
      return int(model.wiring.breakers);
    case 'extCount':
      return int(model.sensors(unit).length);
    case 'poleLine':
      return int(id);
    case 'ocpLabel':
      return str(`C${id}`);
    case 'ocpName':
      return str('');
    case 'ocpType':
      return int(1); // ocpBREAKER1POLE: a wye unit's protectors each sit on one line
    case 'ocpRated':
      return str(`${BREAKER_RATED_A}A`);
    case 'extType':
      return int(ext().type);
    case 'extSerial':
      return str(ext().serial);
    case 'extName':
      return str(ext().name);
    case 'extChannel':
      return int(ext().channel);
    case 'extUnits':
      return int(ext().units);
    case 'extDecimals':
      return gauge(ext().decimals);
    case 'extHysteresis':
      return gauge(Math.round((ext().thresholds?.hysteresis ?? 0) * 10 ** ext().decimals));
    default:
      break;
  }
  if (e.table === 'ext') {
    const s = model.externalSample(unit, id, ctx.now);
    if (e.column === 'isAvailable') return int(TRUE);
    if (e.column === 'state') return int(s.state);
    if (e.column === 'value') return int(s.value);
    return undefined;
  }
  if (e.table !== 'pole' && e.table !== 'ocp') return undefined;
  switch (e.column) {
    case 'sensorUnits':
      return int(SENSOR_UNITS[t] ?? SensorUnits.none);
    case 'sensorDecimals':
      return gauge(SENSOR_DECIMALS[t] ?? 0);
    case 'sensorSignedMinimum':
      return int(0);
    case 'isAvailable':
      return int(TRUE);
    case 'state':
      return int(measured(ctx, e)!.state);
    case 'value': {
      const m = measured(ctx, e)!;
      return gauge(Math.max(0, m.value));
    }
    case 'signedValue':
      return int(measured(ctx, e)!.value);
    default:
      return undefined;
  }
}
