import type { EnergyState } from './facts/energy.ts';
import type {
  Alarms,
  BreakerReading,
  ExternalSensorReading,
  FieldThresholds,
  LineId,
  LineReading,
} from './readings-hardware.ts';

export type {
  Alarms,
  BreakerReading,
  BreakerView,
  ExternalSensorReading,
  FieldThresholds,
  LineId,
  LineReading,
  LinesView,
  SensorView,
  Thresholds,
} from './readings-hardware.ts';
export { breakerView, linesView, sensorView } from './readings-hardware.ts';

/**
 * The one typed reading model. Everything downstream (MQTT, history, HTTP, panel) consumes these
 * shapes and nothing else from SNMP. Units are SI as published on MQTT: W, VA, A, V, power factor
 * 0..1, Hz, kWh. `null` always means "the PDU has no reading", never zero.
 */

export type OnOff = 'on' | 'off';

/** The measurements an outlet and an inlet share. */
export interface Metrics {
  /** Active power, W. */
  power: number | null;
  /** Apparent power, VA. */
  apparent_power: number | null;
  /** RMS current, A. */
  current: number | null;
  /** RMS voltage, V (line-to-neutral on outlets, line-to-line on 3-phase inlets). */
  voltage: number | null;
  /** Power factor, 0..1. */
  power_factor: number | null;
  /**
   * Active energy, kWh. Once the poll has been through the energy tracker (bridge/facts/energy.ts):
   * the channel's total, which never decreases and never jumps (docs/energy.md), null when this poll
   * read no counter. Straight from the PDU's counter in a bare decode (`probe`).
   */
  energy: number | null;
}

/** What the energy tracker decided for one channel in one poll (docs/energy.md). */
export type EnergyVerdict =
  | 'first'
  | 'normal'
  | 'wrap'
  | 'reset'
  | 'glitch'
  | 'rebaseline'
  | 'gap'
  | 'integrated'
  | 'none'
  | 'refused';

export interface EnergyStep {
  verdict: EnergyVerdict;
  /** Energy this step books, mWh (a whole number, never negative): the history's `de`. */
  de: number;
  /** `de` was integrated from power (no counter): an estimate. */
  est: boolean;
  /** The channel's total after this step, mWh: `energy` is this in kWh where the channel has a counter. */
  total: number;
  /** Where the step leaves the channel: what the history persists, and restores the tracker from. */
  state: EnergyState;
}

/** Per channel (an outlet, or a unit's inlet), for the energy tracker and the history; never published. */
export interface ChannelEnergy {
  /** The PDU's raw activeEnergy counter, Wh (Unsigned32), or null (none, or the value was refused). */
  energy_counter: number | null;
  /** Nameplate power, W (outlet/inletRatedVoltage × …RatedCurrent), or null when the PDU does not say. */
  rated_power: number | null;
  /** The energy tracker's decision for this poll, set by the poller (absent in a bare decode). */
  energy_step?: EnergyStep;
}

export interface OutletReading extends Metrics, ChannelEnergy {
  /** 1-based outlet number (outletId). */
  outlet: number;
  /** outletLabel, read-only, printed on the PDU ("1".."36"). */
  label: string;
  /** outletName, user-defined, '' when unset. */
  name: string;
  state: OnOff | null;
  /**
   * outletSwitchable: the PDU says this outlet can be switched. False: no switch entity, and every
   * switch command for it is refused (bridge/commands.ts, docs/commands.md). Not published.
   */
  switchable: boolean;
  /** Its sensors in an alarm state (bridge/facts/alarms.ts): `{ current: 'above_upper_warning' }`, or `{}`. */
  alarms: Alarms;
  /** The enabled thresholds of its sensors, per field, scaled. */
  thresholds: FieldThresholds;
  /** The label of the overcurrent protector that feeds it (outletPowerSource), or null. */
  breaker: string | null;
  /** outletRatedCurrent, A (the nameplate), or null when the PDU does not say. */
  rated_current: number | null;
}

/** What the PDU topic and the API publish of the inlet. */
export interface InletMetrics extends Metrics {
  /** Line frequency, Hz. */
  frequency: number | null;
}

export interface InletReading extends InletMetrics, ChannelEnergy {
  /** unbalancedCurrent, %: undefined where the PDU has no such sensor (1-phase inlets), null without a reading. */
  unbalanced_current?: number | null;
  /** inletRatedCurrent, A (per line on a multi-pole inlet), or null when the PDU does not say. */
  rated_current: number | null;
}

export interface PduIdentity {
  /**
   * The unit's display name (displayName below): the configured `pdus[].name`, else pduName, or ''
   * when neither is set (walks often lack pduName).
   */
  name: string;
  model: string;
  serial: string;
  firmware: string;
  /** pxMACAddress, `aa:bb:cc:dd:ee:ff`, where the PDU serves it (Home Assistant's device connections). */
  mac?: string;
}

/**
 * One physical PDU unit at one moment. A daisy-chained host yields one of these per linked unit:
 * unit 1 keeps the configured id, unit n > 1 is `<id>-<n>`, so each has its own topics and HA device.
 */
export interface PduReading {
  /** Topic id: the configured PDU id, or `<id>-<unit>` for linked units. */
  id: string;
  /** The configured PDU id this unit was read through. */
  source: string;
  /** pduId in PDU2-MIB: 1 without daisy-chaining. */
  unit: number;
  /** Time of the poll, ms since the epoch. */
  time: number;
  identity: PduIdentity;
  /** Inlet totals (inlet 1; PX units have one inlet, multi-inlet units sum into inlet 1's place). */
  inlet: InletReading;
  /** Empty on an inlet-metered unit (no outlet table). */
  outlets: OutletReading[];
  /** Outlets whose state is 'on'. */
  outlets_on: number;
  /** The inlet's lines (L1, L2, L3, N); empty on a 1-phase inlet. */
  lines: Partial<Record<LineId, LineReading>>;
  breakers: readonly BreakerReading[];
  sensors: readonly ExternalSensorReading[];
  /**
   * The inlet's and its lines' sensors in an alarm state: `current`, `voltage`, `unbalanced_current`,
   * `lines.L2.current`, … (bridge/facts/alarms.ts); `{}` when none.
   */
  alarms: Alarms;
  /** The enabled thresholds of the inlet's and its lines' sensors, keyed like `alarms`. */
  thresholds: FieldThresholds;
}

const NONE: Alarms = Object.freeze({});
const NO_THRESHOLDS: FieldThresholds = Object.freeze({});

/** An outlet without alarms, thresholds or known protector (hand-made and synthetic readings). */
export const PLAIN_OUTLET: Pick<OutletReading, 'alarms' | 'thresholds' | 'breaker' | 'rated_current'> =
  Object.freeze({
    alarms: NONE,
    thresholds: NO_THRESHOLDS,
    breaker: null,
    rated_current: null,
  });

/** A unit without lines, protectors, external sensors or alarms (hand-made and synthetic readings). */
export const PLAIN_UNIT: Pick<PduReading, 'lines' | 'breakers' | 'sensors' | 'alarms' | 'thresholds'> =
  Object.freeze({
    lines: Object.freeze({}),
    breakers: [],
    sensors: [],
    alarms: NONE,
    thresholds: NO_THRESHOLDS,
  });

/** What a poll of one configured PDU produced. */
export type PollResult =
  | {
      ok: true;
      source: string;
      time: number;
      units: PduReading[];
      /** The poller's availability after this poll (always true after a good one). */
      online: true;
      /** The PDU's poll interval, ms (freshness is judged against it). */
      intervalMs: number;
      /** Wall time of the poll, ms. */
      durationMs: number;
      /** SNMP requests sent (retries and tooBig splits included). */
      requests: number;
    }
  | {
      ok: false;
      source: string;
      time: number;
      error: string;
      /**
       * The poller's debounced availability after this failure: still true (or undefined before the
       * first answer) until `snmp.offlineAfter` polls in a row have failed. One failed poll is not an
       * outage: consumers never mark anything offline from `ok: false` alone.
       */
      online: boolean | undefined;
      intervalMs: number;
      durationMs: number;
      requests: number;
    };

/** The topic id of a unit (unit 1 keeps the configured id, linked unit n is `<id>-<n>`): the one format. */
export function unitId(source: string, unit: number): string {
  return unit === 1 ? source : `${source}-${unit}`;
}

/** The configured source a unit id belongs to (`src` itself or a linked unit `src-<n>`): unitId's inverse. */
export function sourceOfUnit(id: string, sources: readonly string[]): string | undefined {
  // Called for every owned discovery config on every poll (7,200 outlets at scale): no RegExp.
  return sources.find((s) => id === s || (id.startsWith(`${s}-`) && isUnitNumber(id.slice(s.length + 1))));
}

function isUnitNumber(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The unit's total power: the inlet's reading, or where the inlet has none (the PX2 walk), the sum of
 * the outlets' (null when no outlet has one either). What the history stores for channel 0, and what
 * the energy tracker integrates for an inlet without a counter.
 */
export function unitPower(r: PduReading): number | null {
  if (r.inlet.power !== null) return r.inlet.power;
  let sum: number | null = null;
  for (const o of r.outlets) if (o.power !== null) sum = (sum ?? 0) + o.power;
  return sum;
}

/** The inlet as `probe --json` shows it: the published fields, without internals. */
export function inletView(i: InletReading): InletMetrics {
  return {
    power: i.power,
    apparent_power: i.apparent_power,
    current: i.current,
    voltage: i.voltage,
    power_factor: i.power_factor,
    frequency: i.frequency,
    energy: i.energy,
  };
}

/**
 * The name a unit is shown by everywhere (API, panel, the MQTT PDU payload, the Home Assistant device):
 * the configured `pdus[].name` wins for the unit it names (unit 1, the configured PDU itself); a linked
 * unit keeps the name it reports, or is called after the configured name with its unit number.
 */
export function displayName(configured: string | null | undefined, reported: string, unit = 1): string {
  const name = configured?.trim() ?? '';
  if (name === '') return reported;
  if (unit === 1) return name;
  return reported.trim() !== '' ? reported : `${name} unit ${unit}`;
}

/** The readings of one poll with the configured display name applied (the poller's one place for it). */
export function withDisplayName(units: PduReading[], configured: string | null | undefined): PduReading[] {
  if (!configured?.trim()) return units;
  return units.map((u) => ({
    ...u,
    identity: { ...u.identity, name: displayName(configured, u.identity.name, u.unit) },
  }));
}

/** An outlet as every consumer shows it (MQTT, HTTP, `probe --json`): the reading without internals. */
export type OutletView = Omit<
  OutletReading,
  keyof ChannelEnergy | 'switchable' | 'thresholds' | 'breaker' | 'rated_current'
>;

export function outletView(o: OutletReading): OutletView {
  return {
    outlet: o.outlet,
    label: o.label,
    name: o.name,
    state: o.state,
    power: o.power,
    apparent_power: o.apparent_power,
    current: o.current,
    voltage: o.voltage,
    power_factor: o.power_factor,
    energy: o.energy,
    alarms: o.alarms,
  };
}
