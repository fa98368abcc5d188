import { ExtraSensorType, STATE_NAMES, THRESHOLD_BITS, type ThresholdName } from '../snmp/mib-extras.ts';

/**
 * What counts as an alarm, the one rule every consumer asks (MQTT `alarms`, Home Assistant's problem
 * entities, /metrics, the API, the bridge's alarm events). The state is always the PDU's own
 * (measurements…SensorState): the PDU applies hysteresis and state-change delays, so a state is never
 * recomputed here from a value and a threshold (docs/snmp.md). Pure.
 */

/** `{ <field>: <state> }` for each sensor of one payload in an alarm state; `{}` when there is none. */
export type Alarms = Readonly<Record<string, string>>;

/** The enabled thresholds of one sensor, scaled like its value; a threshold whose bit is not set is absent. */
export type Thresholds = Readonly<Partial<Record<ThresholdName, number>>>;

/** SensorStateEnumeration: the threshold states (belowLowerCritical 2 … aboveUpperCritical 6, not normal 4). */
const THRESHOLD_ALARMS = new Set([2, 3, 5, 6]);
/** Discrete alarms: alarmed(11) (water, smoke, motion, contact, tamper), fail(14). */
const DISCRETE_ALARMS = new Set([11, 14]);
/** SensorStateEnumeration open(0): for a trip sensor, the protector has tripped. */
const OPEN = 0;

/** The published name of a SensorStateEnumeration value, or null for none or one the MIB does not define. */
export function stateName(state: unknown): string | null {
  return typeof state === 'number' ? (STATE_NAMES[state] ?? null) : null;
}

/**
 * Whether a sensor of this type in this state is an alarm: a threshold state, alarmed, fail, or a tripped
 * protector. normal, unavailable, on/off and a door's open/closed are readings, not alarms.
 */
export function isAlarm(sensorType: number, state: unknown): boolean {
  if (typeof state !== 'number') return false;
  if (sensorType === ExtraSensorType.trip) return state === OPEN;
  return THRESHOLD_ALARMS.has(state) || DISCRETE_ALARMS.has(state);
}

/** warning for the warning states, critical for everything else that is an alarm (the panel tells them apart). */
export function severity(state: string): 'warning' | 'critical' {
  return state === 'below_lower_warning' || state === 'above_upper_warning' ? 'warning' : 'critical';
}

/** Builds an Alarms object with its keys in a stable order, so two readings compare by their JSON. */
export function alarmsOf(entries: Iterable<readonly [string, string]>): Alarms {
  const out: Record<string, string> = {};
  for (const [field, state] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    out[field] = state;
  return out;
}

export interface AlarmChange {
  field: string;
  /** The new state (raised) or the state that ended (cleared). */
  state: string;
}

/**
 * What changed between two readings' alarms of the same payload: a field newly in alarm, or in another
 * alarm state (warning → critical), is raised; a field no longer in alarm, or in another state, is cleared.
 */
export function diffAlarms(before: Alarms, after: Alarms): { raised: AlarmChange[]; cleared: AlarmChange[] } {
  const raised: AlarmChange[] = [];
  const cleared: AlarmChange[] = [];
  for (const [field, state] of Object.entries(after))
    if (before[field] !== state) raised.push({ field, state });
  for (const [field, state] of Object.entries(before))
    if (after[field] !== state) cleared.push({ field, state });
  return { raised, cleared };
}

/** The thresholds whose bit is set in a …EnabledThresholds bit mask (bit 0 = lowerCritical). */
export function enabledThresholds(bits: ReadonlySet<number>): ThresholdName[] {
  return THRESHOLD_BITS.filter((_, i) => bits.has(i));
}
