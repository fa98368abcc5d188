/**
 * The project's performance targets, one list: each benchmark judges its verdict by them, and the README's
 * benchmark table (scripts/readme-bench.ts) prints them beside what was measured.
 */
export const TARGETS = {
  /** SNMP requests per steady poll of a 36-outlet PDU (outlets and inlet). */
  snmpRequests: 8,
  /** …of a 36-outlet 3-phase PDU with 6 overcurrent protectors and 4 external sensors, alarm states included. */
  snmpRequestsHardware: 10,
  /** Our poll cycle ÷ prometheus-snmp-exporter's scrape of the same columns on the same agent. */
  pollRatio: 0.25,
  /** 200 simulated PDUs polled every 10 s by one bridge with the embedded broker: CPU, fraction of a core. */
  scaleCpu: 1 / 3,
  /** …and its resident memory, MB. */
  scaleRssMb: 200,
  /** The stretch: 1,000 simulated PDUs every 60 s, one bridge, embedded broker: resident memory, MB. */
  stretchRssMb: 300,
  /** Any panel query on a year of 1-minute polls of 36 outlets, ms (worst of the runs). */
  queryMs: 20,
  /** The same with ten such PDUs in one database, ms. */
  query10Ms: 50,
  /** A year's CSV at 15-minute resolution, every outlet, s. */
  csvS: 2,
  /** On disk per PDU-year with the default retention, MB. */
  historyMb: 150,
  /** The panel's JavaScript, gzipped, kB. */
  panelJsKb: 120,
  /** Navigation to both charts drawn on a year of data, ms. */
  panelDrawnMs: 1000,
  /** `npm run demo` on a fresh clone to /api/ports with 36 live outlets, s. */
  demoS: 15,
  /** A change on the PDU to the new state on MQTT with SNMP traps, ms (every change). */
  trapToMqttMs: 1000,
} as const;
