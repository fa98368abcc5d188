/**
 * Serves the layout's PDU2-MIB instances from the model: values as the PX3 encodes them (integers
 * scaled by the decimal digits it reports), states as its walk shows them, and the writable objects
 * (outletName, pduName, switchingOperation, outletSensorResetValue) wired to the model's state.
 */
import snmp from 'net-snmp';
import {
  FALSE,
  RARITAN_PDU2_OBJECT_ID,
  SensorState,
  SensorType,
  SensorUnits,
  SwitchOperation,
  TRUE,
} from '../snmp/mib.ts';
import {
  derivedState,
  SENSOR_DECIMALS,
  SENSOR_UNITS,
  sampleValue,
  scaled,
  serveExtra,
} from './backend-extras.ts';
import { type Layout, pduLayout } from './instances.ts';

export { SENSOR_DECIMALS, scaled };

import { MAX_NAME_LENGTH } from './model.ts';
import {
  type InletSample,
  type OutletSample,
  SIM_RATINGS,
  SIM_RATINGS_3PHASE,
  type SimModel,
} from './model-types.ts';
import { MODEL_EPOCH } from './profile.ts';
import type { Backend, Served, SetPlan } from './responder.ts';

const { ErrorStatus, ObjectType } = snmp;

export interface Measurement {
  available: boolean;
  state: number;
  value: number;
  signedValue: number;
}

/** One sensor's four measurement columns, as the PX3 walk shows them. */
export function measurement(
  s: OutletSample | InletSample,
  sensorType: number,
  available: boolean,
): Measurement {
  if (!available) return { available: false, state: SensorState.unavailable, value: 0, signedValue: 0 };
  if (sensorType === SensorType.onOff) {
    const on = 'on' in s ? s.on : true;
    return { available: true, state: on ? SensorState.on : SensorState.off, value: 0, signedValue: 0 };
  }
  // The real PX3 serves the energy counter in the unsigned column only; its signed column reads 0.
  if (sensorType === SensorType.activeEnergy)
    return { available: true, state: SensorState.normal, value: s.energyCounter, signedValue: 0 };
  const x = sampleValue(s, sensorType);
  // e.g. the power factor of an idle outlet: available, but state unavailable(-1), value 0.
  if (x === null) return { available: true, state: SensorState.unavailable, value: 0, signedValue: 0 };
  const v = scaled(sensorType, x);
  return { available: true, state: SensorState.normal, value: Math.max(0, v), signedValue: v };
}

const str = (value: string): Served => ({ type: ObjectType.OctetString, value });
const int = (value: number): Served => ({ type: ObjectType.Integer, value });
const gauge = (value: number): Served => ({ type: ObjectType.Gauge, value });

function text(value: unknown): string | null {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : null;
}

export function createPduBackend(model: SimModel): Backend {
  // The instances depend on which external sensors are plugged in: a layout per set (cached by shape).
  const layout = (): Layout => {
    const sensors: number[][] = [];
    for (let u = 1; u <= model.units; u++) sensors[u] = model.sensors(u).map((s) => s.id);
    return pduLayout(model.units, model.outlets, {
      phases: model.wiring.phases,
      breakers: model.wiring.breakers,
      sensors,
    });
  };

  function reader(now: number) {
    const { entries } = layout();
    // A PX evaluates its protectors continuously; the simulator does so whenever it is asked.
    for (let u = 1; u <= model.units; u++) model.checkTrips(u, now);
    const outletSamples = new Map<number, OutletSample>();
    const inletSamples = new Map<number, InletSample>();
    const sampleOf = (unit: number, outlet: number): OutletSample | InletSample => {
      if (outlet === 0) {
        const hit = inletSamples.get(unit);
        if (hit) return hit;
        const s = model.inletSample(unit, now);
        inletSamples.set(unit, s);
        return s;
      }
      const key = unit * 1024 + outlet;
      const hit = outletSamples.get(key);
      if (hit) return hit;
      const s = model.sample(unit, outlet, now);
      outletSamples.set(key, s);
      return s;
    };
    const measure = (unit: number, outlet: number, t: number) =>
      measurement(sampleOf(unit, outlet), t, model.isSensorAvailable(unit, outlet, t));

    const ctx = { model, now, sampleOf };
    return (index: number): Served => {
      const e = entries[index]!;
      const { unit, outlet, sensorType: t } = e;
      const extra = serveExtra(ctx, e);
      if (extra) return extra;
      switch (e.column) {
        case 'sysDescr':
          return str(model.identity(1).sysDescr);
        case 'sysObjectID':
          return { type: ObjectType.OID, value: RARITAN_PDU2_OBJECT_ID };
        case 'pduCount':
          return int(model.units);
        case 'manufacturer':
          return str(model.identity(unit).manufacturer);
        case 'model':
          return str(model.identity(unit).model);
        case 'serial':
          return str(model.identity(unit).serial);
        case 'inletCount':
          return int(1);
        case 'outletCount':
          return int(model.state.outletCounts.get(unit) ?? model.outlets);
        case 'pduName':
          return str(model.pduName(unit));
        case 'macAddress':
          return {
            type: ObjectType.OctetString,
            value: Buffer.from(
              model
                .identity(unit)
                .mac.split(':')
                .map((h) => Number.parseInt(h, 16)),
            ),
          };
        case 'outletLabel':
          return str(String(outlet));
        case 'outletName':
          return str(model.outletName(unit, outlet));
        case 'outletRatedVoltage':
          return str(SIM_RATINGS.outletVoltage);
        case 'outletRatedCurrent':
          return str(SIM_RATINGS.outletCurrent);
        case 'inletPoleCount':
          return int(model.wiring.phases === 3 ? SIM_RATINGS_3PHASE.inletPoles : SIM_RATINGS.inletPoles);
        case 'inletRatedVoltage':
          return str(model.wiring.phases === 3 ? SIM_RATINGS_3PHASE.inletVoltage : SIM_RATINGS.inletVoltage);
        case 'inletRatedCurrent':
          return str(SIM_RATINGS.inletCurrent);
        case 'sensorUnits':
          return int(SENSOR_UNITS[t] ?? SensorUnits.none);
        case 'sensorDecimals':
          return gauge(SENSOR_DECIMALS[t] ?? 0);
        case 'sensorSignedMinimum':
          return int(0);
        case 'isAvailable':
          return int(measure(unit, outlet, t).available ? TRUE : FALSE);
        case 'state': {
          const m = measure(unit, outlet, t);
          const x = sampleValue(sampleOf(unit, outlet), t);
          // The sensor's thresholds, as the PX evaluates them (thresholds.ts).
          return int(m.state === SensorState.normal && x !== null ? derivedState(ctx, e, x) : m.state);
        }
        case 'value': {
          const o = model.state.takeOverride(unit, outlet, t);
          if (o) return o.type === 'integer' ? int(o.value) : gauge(o.value);
          return gauge(measure(unit, outlet, t).value);
        }
        case 'signedValue':
          return int(measure(unit, outlet, t).signedValue);
        case 'switchOperation':
          return int(model.isOn(unit, outlet, now) ? SwitchOperation.on : SwitchOperation.off);
        case 'switchState':
          return int(model.isOn(unit, outlet, now) ? SensorState.on : SensorState.off);
        case 'resetValue':
          return int(0); // "This variable will always read as 0" (PDU2-MIB)
        case 'outletSwitchable':
          return int(model.isSwitchable(unit, outlet) ? TRUE : FALSE);
        case 'outletOffPeriod':
          return gauge(model.state.outletOffPeriod(unit, outlet).own);
        case 'outletUseGlobalOffPeriod':
          return int(model.state.outletOffPeriod(unit, outlet).useGlobal ? TRUE : FALSE);
        case 'globalOffPeriod':
          return gauge(model.state.globalOffPeriod(unit));
        case 'switchTimeStamp': {
          // Seconds since the Unix epoch of the last switching; the model's epoch before any.
          const last = model.state.lastSwitch(unit, outlet, now) ?? MODEL_EPOCH;
          return gauge(Math.floor(last / 1000));
        }
        default:
          // Every other column is served by backend-extras.ts: reaching here is a layout bug.
          throw new Error(`sim: no value for ${e.column} (${e.oid})`);
      }
    };
  }

  function prepareSet(index: number, type: number, value: unknown, now: number): SetPlan {
    const e = layout().entries[index]!;
    const { unit, outlet } = e;
    switch (e.column) {
      case 'outletName':
      case 'pduName': {
        const name = type === ObjectType.OctetString ? text(value) : null;
        if (name === null) return ErrorStatus.WrongType;
        if (name.length > MAX_NAME_LENGTH) return ErrorStatus.WrongLength;
        return e.column === 'outletName'
          ? () => model.setOutletName(unit, outlet, name)
          : () => model.setPduName(unit, name);
      }
      case 'switchOperation': {
        if (type !== ObjectType.Integer) return ErrorStatus.WrongType;
        const op = (['off', 'on', 'cycle'] as const)[Number(value)];
        if (!op) return ErrorStatus.WrongValue;
        // outletSwitchable false: the PDU has no relay for it (the bridge never asks).
        if (!model.isSwitchable(unit, outlet)) return ErrorStatus.NotWritable;
        return () => model.switchOutlet(unit, outlet, op, now);
      }
      case 'outletOffPeriod':
      case 'globalOffPeriod': {
        if (type !== ObjectType.Gauge && type !== ObjectType.Integer) return ErrorStatus.WrongType;
        const seconds = Number(value);
        // Unsigned32 (1..3600), PDU2-MIB.
        if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) return ErrorStatus.WrongValue;
        return e.column === 'globalOffPeriod'
          ? () => model.state.setGlobalOffPeriod(unit, seconds)
          : () => model.state.setOutletOffPeriod(unit, outlet, { own: seconds });
      }
      case 'outletUseGlobalOffPeriod': {
        if (type !== ObjectType.Integer) return ErrorStatus.WrongType;
        if (value !== TRUE && value !== FALSE) return ErrorStatus.WrongValue;
        return () => model.state.setOutletOffPeriod(unit, outlet, { useGlobal: value === TRUE });
      }
      case 'resetValue':
        if (type !== ObjectType.Integer) return ErrorStatus.WrongType;
        // "currently the only supported value is 0. Writing any other value returns an error."
        if (value !== 0) return ErrorStatus.WrongValue;
        return () => model.resetEnergy(unit, outlet, now);
      default:
        return ErrorStatus.NotWritable;
    }
  }

  return {
    get space() {
      return layout().space;
    },
    reader,
    prepareSet,
  };
}
