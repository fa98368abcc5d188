import type { Alarms, FieldThresholds, LineId, LineReading, PduReading } from '../readings.ts';
import type { MetricFamily } from './deps.ts';

/**
 * The /metrics families of what a PDU has beyond outlets and the inlet total (docs/http.md): lines,
 * overcurrent protectors, external sensors, every active alarm and every enabled threshold. Base units
 * as in metrics.ts; a value the PDU has no reading for is left out, never exported as 0.
 */

type Family = MetricFamily;
const family = (name: string, help: string, type: 'gauge' | 'counter' = 'gauge'): Family => ({
  name,
  help,
  type,
  samples: [],
});

const LINE_MEASURES: readonly [keyof LineReading, string, string][] = [
  ['current', 'current_amperes', 'RMS current, A'],
  ['voltage', 'voltage_volts', 'RMS voltage line-to-line, V'],
  ['voltage_ln', 'voltage_ln_volts', 'RMS voltage line-to-neutral, V'],
  ['power', 'power_watts', 'Active power, W'],
  ['apparent_power', 'apparent_power_voltamperes', 'Apparent power, VA'],
  ['power_factor', 'power_factor_ratio', 'Power factor, 0..1'],
];

/** Where an alarm or a threshold belongs: the PDU (inlet, lines), an outlet, a protector, a sensor. */
type Scope = { pdu: string; scope: 'pdu' | 'outlet' | 'breaker' | 'sensor'; id: string };

export function hardwareFamilies(units: readonly PduReading[]): MetricFamily[] {
  const lines = LINE_MEASURES.map(([, n, h]) => family(`raritan_line_${n}`, `Inlet line ${h}`));
  const unbalanced = family('raritan_pdu_unbalanced_current_ratio', 'Inlet unbalanced current, 0..1');
  const bInfo = family('raritan_breaker_info', 'Overcurrent protector name and type (value always 1)');
  const bCurrent = family('raritan_breaker_current_amperes', 'Overcurrent protector RMS current, A');
  const bPeak = family('raritan_breaker_peak_current_amperes', 'Overcurrent protector peak current, A');
  const bRated = family('raritan_breaker_rated_current_amperes', 'Overcurrent protector rating, A');
  const bTripped = family('raritan_breaker_tripped', 'Overcurrent protector tripped (1) or closed (0)');
  const sInfo = family('raritan_sensor_info', 'External sensor name, type and serial (value always 1)');
  const sValue = family('raritan_sensor_value', 'External sensor reading, in the unit of its label');
  const sState = family('raritan_sensor_state', "External sensor state, the PDU's (value always 1)");
  const alarms = family('raritan_alarm', "A sensor in an alarm state, the PDU's own (value always 1)");
  const alarmCount = family('raritan_pdu_alarms', 'Sensors of the unit in an alarm state');
  const thresholds = family('raritan_threshold', 'An enabled threshold, in the unit of its field');

  const addAlarms = (at: Scope, a: Alarms): number => {
    let n = 0;
    for (const [field, state] of Object.entries(a)) {
      alarms.samples.push({ labels: { ...at, field, state }, value: 1 });
      n++;
    }
    return n;
  };
  const addThresholds = (at: Scope, t: FieldThresholds): void => {
    for (const [field, set] of Object.entries(t))
      for (const [threshold, value] of Object.entries(set))
        if (typeof value === 'number')
          thresholds.samples.push({ labels: { ...at, field, threshold }, value });
  };

  for (const r of units) {
    const pdu = r.id;
    for (const [line, reading] of Object.entries(r.lines) as [LineId, LineReading][])
      LINE_MEASURES.forEach(([key], i) => {
        const v = reading[key];
        if (v !== null) lines[i]!.samples.push({ labels: { pdu, line }, value: v });
      });
    const u = r.inlet.unbalanced_current;
    if (typeof u === 'number') unbalanced.samples.push({ labels: { pdu }, value: u / 100 });
    let count = addAlarms({ pdu, scope: 'pdu', id: '' }, r.alarms);
    addThresholds({ pdu, scope: 'pdu', id: '' }, r.thresholds);
    for (const o of r.outlets) {
      const at: Scope = { pdu, scope: 'outlet', id: String(o.outlet) };
      count += addAlarms(at, o.alarms);
      addThresholds(at, o.thresholds);
    }
    for (const b of r.breakers) {
      const labels = { pdu, breaker: b.label };
      bInfo.samples.push({ labels: { ...labels, name: b.name, type: b.type ?? '' }, value: 1 });
      if (b.current !== null) bCurrent.samples.push({ labels, value: b.current });
      if (b.peak_current !== null) bPeak.samples.push({ labels, value: b.peak_current });
      if (b.rated_current !== null) bRated.samples.push({ labels, value: b.rated_current });
      if (b.tripped !== null) bTripped.samples.push({ labels, value: b.tripped ? 1 : 0 });
      const at: Scope = { pdu, scope: 'breaker', id: b.label };
      count += addAlarms(at, b.alarms);
      addThresholds(at, b.thresholds);
    }
    for (const s of r.sensors) {
      const labels = { pdu, sensor: s.id };
      sInfo.samples.push({ labels: { ...labels, name: s.name, type: s.type, serial: s.serial }, value: 1 });
      if (s.value !== null)
        sValue.samples.push({ labels: { ...labels, unit: s.unit ?? '' }, value: s.value });
      if (s.state !== null) sState.samples.push({ labels: { ...labels, state: s.state }, value: 1 });
      const at: Scope = { pdu, scope: 'sensor', id: s.id };
      count += addAlarms(at, s.alarms);
      addThresholds(at, s.thresholds);
    }
    alarmCount.samples.push({ labels: { pdu }, value: count });
  }
  return [
    ...lines,
    unbalanced,
    alarmCount,
    alarms,
    thresholds,
    bInfo,
    bCurrent,
    bPeak,
    bRated,
    bTripped,
    sInfo,
    sValue,
    sState,
  ];
}
