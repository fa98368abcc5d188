import { outletJson } from '../http/bodies.ts';
import { hardwareJson } from '../http/bodies-hardware.ts';
import { inletView, type PduReading } from '../readings.ts';
import { DASH, formatHardware, num, table } from './format-hardware.ts';

/** Human-readable tables for `probe`: fixed-width columns, units in the header, '—' for no reading. */

export function formatReading(unit: PduReading): string {
  const id = unit.identity;
  const title = `${unit.id} (unit ${unit.unit}): ${id.model || 'unknown model'}  serial ${id.serial || DASH}  firmware ${id.firmware || DASH}${id.name ? `  "${id.name}"` : ''}`;
  const i = unit.inlet;
  const inlet =
    `inlet: ${num(i.power, 0)} W  ${num(i.apparent_power, 0)} VA  ${num(i.current, 3)} A  ${num(i.voltage, 0)} V  ` +
    `PF ${num(i.power_factor, 2)}  ${num(i.frequency, 1)} Hz  ${num(i.energy, 3)} kWh  ` +
    `outlets on: ${unit.outlets_on}/${unit.outlets.length}`;
  const rows = unit.outlets.map((o) => [
    String(o.outlet),
    o.label,
    o.name || DASH,
    o.state ?? DASH,
    num(o.power, 0),
    num(o.apparent_power, 0),
    num(o.current, 3),
    num(o.voltage, 0),
    num(o.power_factor, 2),
    num(o.energy, 3),
  ]);
  const header = ['#', 'label', 'name', 'state', 'W', 'VA', 'A', 'V', 'PF', 'kWh'];
  const outlets =
    rows.length > 0 ? `\n\n${table(header, rows, new Set([1, 2, 3]))}` : '\n\nno outlets (inlet-metered)';
  return `${title}\n${inlet}${outlets}\n\n${formatHardware(unit)}`;
}

/**
 * The JSON shape of `probe --json`: the inlet, one object per outlet with the MQTT fields, and the
 * lines, protectors, sensors, alarms and enabled thresholds as the API has them (docs/http.md).
 */
export function readingJson(unit: PduReading): object {
  return {
    id: unit.id,
    unit: unit.unit,
    ...unit.identity,
    inlet: inletView(unit.inlet),
    outlets_on: unit.outlets_on,
    outlets: unit.outlets.map(outletJson),
    ...hardwareJson(unit),
  };
}
