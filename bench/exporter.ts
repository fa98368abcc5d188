/**
 * Debian's prometheus-snmp-exporter 0.21 as the peer the project measures itself against: a hand-written
 * snmp.yml (0.21 format: auth inside the module) that walks the same PDU2-MIB columns a steady poll of ours
 * reads (outlet and inlet sensor value and state, outletName; with `hardware`, the inlet poles', the
 * overcurrent protectors' and the external sensors' value and state too), generated into a temp dir, and
 * the exporter started on a free loopback port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLET_MEASUREMENT, OUTLET_CONFIG, OUTLET_MEASUREMENT } from '../bridge/snmp/mib.ts';
import { EXTERNAL_MEASUREMENT, INLET_POLE_MEASUREMENT, OCP_MEASUREMENT } from '../bridge/snmp/mib-extras.ts';
import { freeTcpPort } from '../support/ports.ts';

export const EXPORTER_BIN = '/usr/bin/prometheus-snmp-exporter';
export const EXPORTER_INSTALL =
  'apt-get install -y --no-install-recommends prometheus-snmp-exporter (Debian, version 0.21)';

export interface ExporterModule {
  name: string;
  community: string;
  /** The exporter's default is 25; the agent truncates GETBULK responses to its message size anyway. */
  maxRepetitions: number;
  /** Walk the lines', protectors' and external sensors' columns too (what our poll of them reads). */
  hardware?: boolean;
}

export interface Scrape {
  ms: number;
  /** Sample lines of the PDU2-MIB metrics (not the exporter's own snmp_scrape_* lines). */
  samples: number;
  /** The exporter's own measure of the SNMP walk, seconds. */
  walkS: number | undefined;
}

export interface Exporter {
  readonly port: number;
  scrape(target: string, module: string): Promise<Scrape>;
  stop(): Promise<void>;
}

const SENSOR_INDEXES = ['pduId', 'entityId', 'sensorType'];
const COLUMNS = [
  { name: 'measurementsOutletSensorState', oid: OUTLET_MEASUREMENT.state, indexes: SENSOR_INDEXES },
  { name: 'measurementsOutletSensorValue', oid: OUTLET_MEASUREMENT.value, indexes: SENSOR_INDEXES },
  { name: 'measurementsInletSensorState', oid: INLET_MEASUREMENT.state, indexes: SENSOR_INDEXES },
  { name: 'measurementsInletSensorValue', oid: INLET_MEASUREMENT.value, indexes: SENSOR_INDEXES },
  { name: 'outletName', oid: OUTLET_CONFIG.name, indexes: ['pduId', 'outletId'], type: 'DisplayString' },
];

const POLE_INDEXES = ['pduId', 'inletId', 'poleId', 'sensorType'];
const HARDWARE_COLUMNS = [
  { name: 'measurementsInletPoleSensorState', oid: INLET_POLE_MEASUREMENT.state, indexes: POLE_INDEXES },
  { name: 'measurementsInletPoleSensorValue', oid: INLET_POLE_MEASUREMENT.value, indexes: POLE_INDEXES },
  {
    name: 'measurementsOverCurrentProtectorSensorState',
    oid: OCP_MEASUREMENT.state,
    indexes: ['pduId', 'ocpId', 'sensorType'],
  },
  {
    name: 'measurementsOverCurrentProtectorSensorValue',
    oid: OCP_MEASUREMENT.value,
    indexes: ['pduId', 'ocpId', 'sensorType'],
  },
  {
    name: 'measurementsExternalSensorState',
    oid: EXTERNAL_MEASUREMENT.state,
    indexes: ['pduId', 'sensorId'],
  },
  {
    name: 'measurementsExternalSensorValue',
    oid: EXTERNAL_MEASUREMENT.value,
    indexes: ['pduId', 'sensorId'],
  },
];

/** snmp.yml in the 0.21 format (JSON is YAML). */
export function exporterConfig(modules: readonly ExporterModule[]): string {
  const out: Record<string, unknown> = {};
  for (const m of modules) {
    const columns: { name: string; oid: string; indexes: string[]; type?: string }[] = m.hardware
      ? [...COLUMNS, ...HARDWARE_COLUMNS]
      : COLUMNS;
    out[m.name] = {
      walk: columns.map((c) => c.oid),
      metrics: columns.map((c) => ({
        name: c.name,
        oid: c.oid,
        type: c.type ?? 'gauge',
        help: `PDU2-MIB ${c.name}`,
        indexes: c.indexes.map((labelname) => ({ labelname, type: 'gauge' })),
      })),
      version: 2,
      max_repetitions: m.maxRepetitions,
      retries: 0,
      timeout: '5s',
      auth: { community: m.community },
    };
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

export async function startExporter(modules: readonly ExporterModule[]): Promise<Exporter> {
  if (!existsSync(EXPORTER_BIN)) throw new Error(`${EXPORTER_BIN} not found`);
  const dir = mkdtempSync(join(tmpdir(), 'r2m-bench-exporter-'));
  const file = join(dir, 'snmp.yml');
  writeFileSync(file, exporterConfig(modules));
  const port = await freeTcpPort();
  const child: ChildProcess = spawn(
    EXPORTER_BIN,
    [`--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus-snmp-exporter exited with ${child.exitCode}: ${stderr}`);
    }
    const up = await fetch(`${base}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus-snmp-exporter did not listen within 15 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async scrape(target, module) {
      const t = performance.now();
      const res = await fetch(`${base}/snmp?target=${encodeURIComponent(target)}&module=${module}`);
      const text = await res.text();
      const ms = performance.now() - t;
      if (!res.ok) throw new Error(`exporter scrape failed (${res.status}): ${text.slice(0, 300)}`);
      const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      const walk = lines.find((l) => l.startsWith('snmp_scrape_walk_duration_seconds'));
      return {
        ms,
        samples: lines.filter((l) => !l.startsWith('snmp_scrape_')).length,
        walkS: walk === undefined ? undefined : Number(walk.split(' ').at(-1)),
      };
    },
    stop,
  };
}
