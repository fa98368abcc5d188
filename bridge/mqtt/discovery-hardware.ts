import type { LineId, PduReading } from '../readings.ts';
import type { Component } from './discovery.ts';
import {
  DEFAULT_DISCRETE,
  DISCRETE_KINDS,
  discreteTemplate,
  NUMERIC_KINDS,
  PROBLEM_TEMPLATE,
  TRIPPED_TEMPLATE,
} from './entities-hardware.ts';
import { slug, type Topics } from './topics.ts';

/**
 * The Home Assistant components of a PDU device beyond its totals (docs/mqtt.md): per line a current and
 * voltage sensor, the unbalanced current, per overcurrent protector a current sensor and a tripped
 * `problem` binary_sensor, per external sensor a sensor or binary_sensor with its device class, and the
 * PDU's `problem` binary_sensor. Pure. A protector or sensor that disappears leaves the device config,
 * and HA removes its entities (withRemovals in discovery.ts).
 */

export interface ComponentContext {
  /** The unique_id prefix (the device identity). */
  key: string;
  /** The default_entity_id object id prefix. */
  entityBase: string;
  /** availability + availability_mode of the unit. */
  avail: object;
  topics: Topics;
}

interface SensorSpec {
  name: string;
  template: string;
  device_class?: string;
  unit?: string | null;
  precision?: number;
  icon?: string;
}

function sensor(c: ComponentContext, id: string, stateTopic: string, s: SensorSpec): Component {
  const out: Component = {
    platform: 'sensor',
    name: s.name,
    unique_id: `${c.key}_${id}`,
    default_entity_id: `sensor.${c.entityBase}_${id}`,
    state_topic: stateTopic,
    value_template: s.template,
    state_class: 'measurement',
    ...c.avail,
  };
  if (s.device_class) out.device_class = s.device_class;
  if (s.unit) out.unit_of_measurement = s.unit;
  if (s.precision !== undefined) out.suggested_display_precision = s.precision;
  if (s.icon) out.icon = s.icon;
  return out;
}

function binary(
  c: ComponentContext,
  id: string,
  stateTopic: string,
  s: { name: string; template: string; device_class?: string; entity_category?: string },
): Component {
  const out: Component = {
    platform: 'binary_sensor',
    name: s.name,
    unique_id: `${c.key}_${id}`,
    default_entity_id: `binary_sensor.${c.entityBase}_${id}`,
    state_topic: stateTopic,
    value_template: s.template,
    payload_on: 'ON',
    payload_off: 'OFF',
    ...c.avail,
  };
  if (s.device_class) out.device_class = s.device_class;
  if (s.entity_category) out.entity_category = s.entity_category;
  return out;
}

/** The `problem` binary_sensor of a payload with `alarms` (an outlet, the PDU). */
export function problemComponent(c: ComponentContext, stateTopic: string): Component {
  return binary(c, 'problem', stateTopic, {
    name: 'Problem',
    template: PROBLEM_TEMPLATE,
    device_class: 'problem',
  });
}

const CURRENT = { device_class: 'current', unit: 'A', precision: 2 } as const;
const VOLTAGE = { device_class: 'voltage', unit: 'V', precision: 0 } as const;
const LINES: readonly Exclude<LineId, 'N'>[] = ['L1', 'L2', 'L3'];
/** A pole's rmsVoltage is line-to-line: L1's is measured against L2, as the PDU's own pages name it. */
const LINE_TO_LINE: Readonly<Record<Exclude<LineId, 'N'>, string>> = {
  L1: 'L1-L2',
  L2: 'L2-L3',
  L3: 'L3-L1',
};

/** The PDU device's components beyond its totals, keyed by component id. */
export function hardwareComponents(r: PduReading, c: ComponentContext): Record<string, Component> {
  const t = c.topics;
  const pduTopic = t.pdu(r.id);
  const out: Record<string, Component> = { problem: problemComponent(c, pduTopic) };
  for (const line of LINES) {
    if (r.lines[line] === undefined) continue;
    const id = line.toLowerCase();
    const at = `value_json.lines.${line}`;
    out[`${id}_current`] = sensor(c, `${id}_current`, pduTopic, {
      name: `${line} current`,
      template: `{{ ${at}.current }}`,
      ...CURRENT,
    });
    out[`${id}_voltage`] = sensor(c, `${id}_voltage`, pduTopic, {
      name: `${LINE_TO_LINE[line]} voltage`,
      template: `{{ ${at}.voltage }}`,
      ...VOLTAGE,
    });
    out[`${id}_voltage_ln`] = sensor(c, `${id}_voltage_ln`, pduTopic, {
      name: `${line}-N voltage`,
      template: `{{ ${at}.voltage_ln }}`,
      ...VOLTAGE,
    });
  }
  if (r.lines.N !== undefined)
    out.n_current = sensor(c, 'n_current', pduTopic, {
      name: 'Neutral current',
      template: '{{ value_json.lines.N.current }}',
      ...CURRENT,
    });
  if (r.inlet.unbalanced_current !== undefined)
    out.unbalanced_current = sensor(c, 'unbalanced_current', pduTopic, {
      name: 'Unbalanced current',
      template: '{{ value_json.unbalanced_current }}',
      unit: '%',
      precision: 0,
      icon: 'mdi:scale-unbalanced',
    });
  for (const b of r.breakers) {
    const id = `breaker_${slug(b.label)}`;
    const topic = t.breaker(r.id, b.label);
    const label = b.name.trim() !== '' ? `${b.label} (${b.name})` : b.label;
    out[`${id}_current`] = sensor(c, `${id}_current`, topic, {
      name: `Breaker ${label} current`,
      template: '{{ value_json.current }}',
      ...CURRENT,
    });
    out[`${id}_tripped`] = binary(c, `${id}_tripped`, topic, {
      name: `Breaker ${label} tripped`,
      template: TRIPPED_TEMPLATE,
      device_class: 'problem',
    });
  }
  for (const s of r.sensors) {
    const id = `sensor_${slug(s.id)}`;
    const topic = t.sensor(r.id, s.id);
    const name = s.name.trim() !== '' ? s.name : `${s.type.replace(/_/g, ' ')} ${s.index}`;
    if (s.discrete) {
      const kind = DISCRETE_KINDS[s.type] ?? DEFAULT_DISCRETE;
      out[id] = binary(c, id, topic, {
        name,
        template: discreteTemplate(kind),
        device_class: kind.device_class,
      });
    } else {
      const kind = NUMERIC_KINDS[s.type];
      const classed = kind !== undefined && s.unit !== null && kind.units.includes(s.unit);
      out[id] = sensor(c, id, topic, {
        name,
        template: '{{ value_json.value }}',
        unit: s.unit,
        ...(classed ? { device_class: kind.device_class } : {}),
      });
    }
  }
  return out;
}

/**
 * A multi-pole inlet measures current and voltage per line, not for the inlet as a whole (the PDU has
 * no inlet rmsCurrent/rmsVoltage there): its totals' current and voltage sensors, which would only ever
 * be unknown, are left out in favour of the lines'.
 */
export function perLine(r: PduReading, field: string): boolean {
  if (field !== 'current' && field !== 'voltage') return false;
  return r.lines.L1 !== undefined && r.inlet[field] === null;
}

/** What the components above are built from: discovery is rebuilt when this changes, not every poll. */
export function hardwareShape(r: PduReading): unknown {
  return [
    Object.keys(r.lines),
    perLine(r, 'current'),
    perLine(r, 'voltage'),
    r.inlet.unbalanced_current !== undefined,
    r.breakers.map((b) => [b.label, b.name]),
    r.sensors.map((s) => [s.id, s.name, s.type, s.unit, s.discrete, s.index]),
  ];
}
