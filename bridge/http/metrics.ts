import type { Metrics } from '../readings.ts';
import type { MetricFamily, PduStatus } from './deps.ts';
import { hardwareFamilies } from './metrics-hardware.ts';

/**
 * /metrics in the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Base units as Prometheus names
 * them (watts, amperes, volts, hertz, seconds); energy stays in kWh as on MQTT and in Home Assistant,
 * with the unit in the name. A metric the PDU has no reading for is left out, never exported as 0.
 */

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

function labelText(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/**
 * The exposition text, one family at a time: at 7,200 outlets the whole text is ~6 MB, and built as
 * one string it was held twice (the concatenation and its flattened copy) while it was sent, the
 * moment the 200-PDU bench saw its RSS peak (docs/architecture.md, Memory). A family's lines must stay
 * together (the text format), so a family is the unit.
 */
export function* familyTexts(families: readonly MetricFamily[]): Generator<string> {
  for (const f of families) {
    if (f.samples.length === 0) continue;
    let out = `# HELP ${f.name} ${f.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples)
      out += `${f.name}${s.labelText ?? labelText(s.labels)} ${formatValue(s.value)}\n`;
    yield out;
  }
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

type Key = keyof Metrics;
const MEASURES: readonly [Key, string, string, 'gauge' | 'counter'][] = [
  ['power', 'power_watts', 'Active power, W', 'gauge'],
  ['apparent_power', 'apparent_power_voltamperes', 'Apparent power, VA', 'gauge'],
  ['current', 'current_amperes', 'RMS current, A', 'gauge'],
  ['voltage', 'voltage_volts', 'RMS voltage, V', 'gauge'],
  ['power_factor', 'power_factor_ratio', 'Power factor, 0..1', 'gauge'],
  ['energy', 'energy_kilowatt_hours_total', 'Active energy, kWh (never decreases)', 'counter'],
];

function family(name: string, help: string, type: 'gauge' | 'counter'): MetricFamily {
  return { name, help, type, samples: [] };
}

export interface BridgeFacts {
  startedAt: number;
  now: number;
  version: string;
  sseClients: number;
}

export function bridgeFamilies(pdus: readonly PduStatus[], facts: BridgeFacts): MetricFamily[] {
  const outlet = MEASURES.map(([, n, h, t]) => family(`raritan_outlet_${n}`, `Outlet ${h}`, t));
  const outletOn = family('raritan_outlet_on', 'Outlet switched on (1) or off (0)', 'gauge');
  const outletInfo = family(
    'raritan_outlet_info',
    'Outlet label and name (value always 1; join on pdu and outlet)',
    'gauge',
  );
  const pdu = MEASURES.map(([, n, h, t]) => family(`raritan_pdu_${n}`, `PDU inlet ${h}`, t));
  const frequency = family('raritan_pdu_frequency_hertz', 'PDU inlet line frequency, Hz', 'gauge');
  const outletsOn = family('raritan_pdu_outlets_on', 'Outlets switched on', 'gauge');
  const online = family('raritan_pdu_online', 'The PDU answers polls (1) or not (0)', 'gauge');
  const lastPoll = family('raritan_pdu_last_poll_timestamp_seconds', 'End of the last poll', 'gauge');
  const duration = family('raritan_pdu_poll_duration_seconds', 'Duration of the last poll', 'gauge');
  const requests = family('raritan_pdu_poll_requests', 'SNMP requests sent by the last poll', 'gauge');
  const polls = family('raritan_pdu_polls_total', 'Polls', 'counter');
  const failures = family('raritan_pdu_poll_failures_total', 'Failed polls', 'counter');
  const missed = family(
    'raritan_pdu_polls_missed_total',
    'Poll cycles skipped: the last was still running',
    'counter',
  );

  for (const s of pdus) {
    const base = { pdu: s.id };
    online.samples.push({ labels: base, value: s.online ? 1 : 0 });
    polls.samples.push({ labels: base, value: s.polls });
    failures.samples.push({ labels: base, value: s.failures });
    missed.samples.push({ labels: base, value: s.missed });
    if (s.lastPoll) {
      lastPoll.samples.push({ labels: base, value: s.lastPoll.time / 1000 });
      duration.samples.push({ labels: base, value: s.lastPoll.durationMs / 1000 });
      requests.samples.push({ labels: base, value: s.lastPoll.requests });
    }
    const r = s.reading;
    if (!r) continue;
    MEASURES.forEach(([key], i) => {
      const v = r.inlet[key];
      if (v !== null) pdu[i]?.samples.push({ labels: base, value: v });
    });
    if (r.inlet.frequency !== null) frequency.samples.push({ labels: base, value: r.inlet.frequency });
    outletsOn.samples.push({ labels: base, value: r.outlets_on });
    for (const o of r.outlets) {
      // Names live on the info series only: a rename must not start new series for every metric (and
      // at 7,200 outlets the names on every sample doubled the scrape).
      const text = labelText({ pdu: s.id, outlet: String(o.outlet) });
      outletInfo.samples.push({
        labels: { pdu: s.id, outlet: String(o.outlet), label: o.label, name: o.name },
        value: 1,
      });
      MEASURES.forEach(([key], i) => {
        const v = o[key];
        if (v !== null) outlet[i]?.samples.push({ labelText: text, value: v });
      });
      if (o.state !== null) outletOn.samples.push({ labelText: text, value: o.state === 'on' ? 1 : 0 });
    }
  }

  const memory = process.memoryUsage();
  const bridge: MetricFamily[] = [
    {
      name: 'raritan2mqtt_info',
      help: 'The bridge (value always 1)',
      type: 'gauge',
      samples: [{ labels: { version: facts.version }, value: 1 }],
    },
    {
      name: 'raritan2mqtt_uptime_seconds',
      help: 'Seconds since the HTTP server started',
      type: 'gauge',
      samples: [{ value: Math.round((facts.now - facts.startedAt) / 1000) }],
    },
    {
      name: 'raritan2mqtt_pdus_online',
      help: 'PDU units answering polls',
      type: 'gauge',
      samples: [{ value: pdus.filter((s) => s.online).length }],
    },
    {
      name: 'raritan2mqtt_pdus',
      help: 'PDU units configured',
      type: 'gauge',
      samples: [{ value: pdus.length }],
    },
    {
      name: 'raritan2mqtt_event_stream_clients',
      help: 'Panels connected to the live event stream',
      type: 'gauge',
      samples: [{ value: facts.sseClients }],
    },
    {
      name: 'raritan2mqtt_resident_memory_bytes',
      help: 'Resident set size of the process',
      type: 'gauge',
      samples: [{ value: memory.rss }],
    },
    // Where the resident memory is (docs/architecture.md): V8's heap, of which only part is live
    // between collections, and the memory outside it that JS objects hold (buffers, SQLite's is not).
    {
      name: 'raritan2mqtt_heap_used_bytes',
      help: 'V8 heap in use (live objects and garbage not yet collected)',
      type: 'gauge',
      samples: [{ value: memory.heapUsed }],
    },
    {
      name: 'raritan2mqtt_heap_total_bytes',
      help: 'V8 heap reserved',
      type: 'gauge',
      samples: [{ value: memory.heapTotal }],
    },
    {
      name: 'raritan2mqtt_external_memory_bytes',
      help: 'Memory outside the V8 heap held by JS objects (buffers)',
      type: 'gauge',
      samples: [{ value: memory.external }],
    },
  ];
  return [
    ...pdu,
    frequency,
    outletsOn,
    online,
    lastPoll,
    duration,
    requests,
    polls,
    failures,
    missed,
    outletInfo,
    ...outlet,
    outletOn,
    ...hardwareFamilies(pdus.flatMap((s) => (s.reading ? [s.reading] : []))),
    ...bridge,
  ];
}
