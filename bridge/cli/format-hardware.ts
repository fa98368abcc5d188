import type { Alarms, FieldThresholds, PduReading, Thresholds } from '../readings.ts';

/** `probe`'s tables of lines, overcurrent protectors and external sensors, and its alarm lines. */

export const DASH = '—';

export function num(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? DASH : value.toFixed(digits);
}

export function table(header: string[], rows: string[][], alignLeft: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (alignLeft.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const alarmText = (a: Alarms) =>
  Object.entries(a)
    .map(([f, s]) => `${f} ${s}`)
    .join(', ') || DASH;

const SHORT: Record<string, string> = {
  lower_critical: 'LC',
  lower_warning: 'LW',
  upper_warning: 'UW',
  upper_critical: 'UC',
};

function thresholdText(t: Thresholds | undefined): string {
  if (!t) return DASH;
  const parts = Object.entries(t).map(([k, v]) => `${SHORT[k] ?? k} ${v}`);
  return parts.length > 0 ? parts.join(' ') : DASH;
}

function fieldThresholds(t: FieldThresholds): string {
  const parts = Object.entries(t).map(([field, set]) => `${field}: ${thresholdText(set)}`);
  return parts.length > 0 ? parts.join('; ') : DASH;
}

/** The sections after the outlet table; empty when the unit has none of these. */
export function formatHardware(unit: PduReading): string {
  const out: string[] = [];
  const lines = Object.entries(unit.lines);
  if (lines.length > 0) {
    const rows = lines.map(([id, l]) => [
      id,
      num(l.current, 3),
      num(l.voltage, 0),
      num(l.voltage_ln, 0),
      num(l.power, 0),
      num(l.apparent_power, 0),
      num(l.power_factor, 2),
    ]);
    const unbalanced = unit.inlet.unbalanced_current;
    out.push(
      `${table(['line', 'A', 'V L-L', 'V L-N', 'W', 'VA', 'PF'], rows, new Set([0]))}` +
        (unbalanced !== undefined ? `\nunbalanced current: ${num(unbalanced, 0)} %` : ''),
    );
  }
  if (unit.breakers.length > 0) {
    const rows = unit.breakers.map((b) => [
      b.label,
      b.name || DASH,
      b.type ?? DASH,
      num(b.rated_current, 0),
      num(b.current, 3),
      b.tripped === null ? DASH : b.tripped ? 'TRIPPED' : 'closed',
      b.outlets.length > 0 ? b.outlets.join(',') : DASH,
    ]);
    out.push(
      table(['breaker', 'name', 'type', 'rated A', 'A', 'state', 'outlets'], rows, new Set([0, 1, 2, 5, 6])),
    );
  }
  if (unit.sensors.length > 0) {
    const rows = unit.sensors.map((s) => [
      s.id,
      s.name || DASH,
      s.type,
      s.value === null ? DASH : `${s.value}${s.unit ? ` ${s.unit}` : ''}`,
      s.state ?? DASH,
      thresholdText(s.thresholds.value),
    ]);
    out.push(
      table(['sensor', 'name', 'type', 'value', 'state', 'thresholds'], rows, new Set([0, 1, 2, 4, 5])),
    );
  }
  const alarms: string[] = [];
  if (Object.keys(unit.alarms).length > 0) alarms.push(`inlet: ${alarmText(unit.alarms)}`);
  for (const o of unit.outlets)
    if (Object.keys(o.alarms).length > 0) alarms.push(`outlet ${o.label}: ${alarmText(o.alarms)}`);
  for (const b of unit.breakers)
    if (Object.keys(b.alarms).length > 0) alarms.push(`breaker ${b.label}: ${alarmText(b.alarms)}`);
  for (const s of unit.sensors)
    if (Object.keys(s.alarms).length > 0) alarms.push(`sensor ${s.name || s.id}: ${alarmText(s.alarms)}`);
  out.push(`alarms: ${alarms.length > 0 ? `\n  ${alarms.join('\n  ')}` : 'none'}`);
  out.push(`inlet thresholds: ${fieldThresholds(unit.thresholds)}`);
  return out.join('\n\n');
}
