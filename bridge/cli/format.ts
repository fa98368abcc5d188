import { inletView, outletView, type PduReading } from '../readings.ts';

/** Human-readable tables for `probe`: fixed-width columns, units in the header, '—' for no reading. */

const DASH = '—';

function num(value: number | null, digits: number): string {
  return value === null ? DASH : value.toFixed(digits);
}

function table(header: string[], rows: string[][], alignLeft: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (alignLeft.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

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
  return `${title}\n${inlet}\n\n${table(header, rows, new Set([1, 2, 3]))}`;
}

/** The JSON shape of `probe --json`: one object per outlet with the MQTT fields, and the inlet. */
export function readingJson(unit: PduReading): object {
  return {
    id: unit.id,
    unit: unit.unit,
    ...unit.identity,
    inlet: inletView(unit.inlet),
    outlets_on: unit.outlets_on,
    outlets: unit.outlets.map(outletView),
  };
}
