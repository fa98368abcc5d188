import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../../bridge/controller.ts';
import { createLogger } from '../../bridge/log.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { loadConfig } from '../../config/load.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { type Watcher, watch } from '../helpers/mqtt-client.ts';

/**
 * The example flow (examples/node-red/raritan2mqtt-flow.json) in a real Node-RED 4.1 (the last line
 * that runs on Node 20) against the whole bridge on the simulated PX3-5892: the flow's table of outlets is
 * checked against the simulator, and its rename example goes through the bridge to the PDU.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RED_JS = join(root, 'node_modules/node-red/red.js');
const FLOW = join(root, 'examples/node-red/raritan2mqtt-flow.json');
const hasNodeRed = existsSync(RED_JS);
if (!hasNodeRed) console.warn(`${RED_JS} not found: npm ci installs node-red (a devDependency)`);

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  broker?: string;
  port?: string;
  wires?: string[][];
}

/** Nodes every Node-RED 4 has (the flow must import without installing anything). */
const CORE_TYPES = [
  'tab',
  'comment',
  'mqtt-broker',
  'mqtt in',
  'mqtt out',
  'function',
  'debug',
  'inject',
  'change',
  'json',
];

interface SummaryOutlet {
  pdu: string;
  outlet: number;
  name: string;
  label: string;
  state: 'on' | 'off' | null;
  power: number | null;
  current: number | null;
  energy: number | null;
}

interface Summary {
  pdus: Array<{ id: string; model?: string; availability?: string; power?: number | null }>;
  outlet_count: number;
  outlets_on: number;
  total_power: number;
  outlets: SummaryOutlet[];
}

/** The example flow, its broker config node pointed at the test broker (what a user edits in the editor). */
function flowFor(port: number): FlowNode[] {
  const flow = JSON.parse(readFileSync(FLOW, 'utf8')) as FlowNode[];
  const brokers = flow.filter((n) => n.type === 'mqtt-broker');
  expect(brokers).toHaveLength(1);
  for (const b of brokers) {
    b.broker = '127.0.0.1';
    b.port = String(port);
  }
  return flow;
}

describe.skipIf(!hasNodeRed)('the Node-RED example flow in a real Node-RED 4.1', () => {
  const PDU = 'pdu1';
  let agent: SimAgent;
  let bridge: Bridge;
  let watcher: Watcher;
  let red: ChildProcess | undefined;
  let redLog = '';
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'r2m-nodered-'));
    agent = await startSimAgent({ communities: { read: 'public', write: 'private' } });
    const mqttPort = await freeTcpPort();
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          {
            id: PDU,
            host: agent.host,
            port: agent.port,
            community: 'public',
            writeCommunity: 'private',
            pollInterval: 1,
          },
        ],
        mqtt: { host: '127.0.0.1', port: mqttPort },
        http: { host: '127.0.0.1', port: 0 },
        db: { path: join(dir, 'r2m.db') },
        log: { level: 'warn' },
      },
    });
    bridge = createBridge({ config, log: createLogger(config.log.level) });
    await bridge.start();
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    watcher = await watch(url, ['raritan2mqtt-example/#']);

    const userDir = join(dir, 'node-red');
    const redPort = await freeTcpPort();
    mkdirSync(userDir);
    writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flowFor(mqttPort), null, 2));
    // Headless: no editor or admin API, no palette installs, no telemetry, plain-text (empty) credentials.
    writeFileSync(
      join(userDir, 'settings.js'),
      `module.exports = ${JSON.stringify({
        flowFile: 'flows.json',
        uiPort: redPort,
        uiHost: '127.0.0.1',
        httpAdminRoot: false,
        httpNodeRoot: false,
        credentialSecret: false,
        logging: { console: { level: 'warn', metrics: false, audit: false } },
        telemetry: { enabled: false, updateNotification: false },
        diagnostics: { enabled: false },
        externalModules: { autoInstall: false, palette: { allowInstall: false } },
      })};\n`,
    );
    red = spawn(process.execPath, [RED_JS, '--userDir', userDir, '--port', String(redPort)], {
      cwd: userDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer) => {
      redLog += d.toString();
    };
    red.stdout?.on('data', collect);
    red.stderr?.on('data', collect);
  });

  afterAll(async () => {
    if (red && red.exitCode === null) {
      const gone = new Promise<void>((r) => red!.once('exit', () => r()));
      red.kill('SIGTERM');
      const timer = setTimeout(() => red?.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    await watcher?.close();
    await bridge?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The first summary after `after` (ms) that covers every outlet of the simulated PDU. */
  async function summary(after: number, pred: (s: Summary) => boolean = () => true): Promise<Summary> {
    const m = await watcher
      .waitFor((m) => {
        if (m.topic !== 'raritan2mqtt-example/summary') return false;
        const s = JSON.parse(m.payload) as Summary & { time: string };
        return Date.parse(s.time) >= after && s.outlet_count === agent.model.outlets && pred(s);
      }, 25_000)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; Node-RED said:\n${redLog}`);
      });
    return JSON.parse(m.payload) as Summary;
  }

  it('uses core nodes only, wired to nodes and a broker that exist', () => {
    const flow = JSON.parse(readFileSync(FLOW, 'utf8')) as FlowNode[];
    const ids = new Set(flow.map((n) => n.id));
    expect(ids.size).toBe(flow.length);
    for (const n of flow) {
      expect(CORE_TYPES).toContain(n.type);
      if (n.broker !== undefined && n.type !== 'mqtt-broker') expect(ids.has(n.broker)).toBe(true);
      for (const out of n.wires ?? []) for (const target of out) expect(ids.has(target)).toBe(true);
    }
    expect(flow.filter((n) => n.type === 'mqtt in').map((n) => (n as { topic?: string }).topic)).toEqual(
      expect.arrayContaining([
        'raritan2mqtt/+/outlet/+',
        'raritan2mqtt/+',
        'raritan2mqtt/bridge/response/outlet/rename',
      ]),
    );
  });

  it('keeps a table of the 36 outlets that matches the simulator, and republishes it as a summary', async () => {
    const s = await summary(0);
    const now = Date.now();
    expect(s.outlet_count).toBe(36);
    expect(s.outlets.map((o) => o.outlet)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    for (const o of s.outlets) {
      expect(o.pdu).toBe(PDU);
      expect(o.label).toBe(String(o.outlet));
      expect(o.name).toBe(agent.model.outletName(1, o.outlet));
      // A power cycle is the only way a state changes, and nothing cycles here.
      expect(o.state).toBe(agent.model.isOn(1, o.outlet, now) ? 'on' : 'off');
      expect(typeof o.power).toBe('number');
      expect(typeof o.energy).toBe('number');
      if (o.state === 'off') expect(o.power).toBe(0);
    }
    const on = s.outlets.filter((o) => o.state === 'on');
    expect(s.outlets_on).toBe(on.length);
    expect(on.some((o) => (o.power ?? 0) > 0)).toBe(true);
    const sum = s.outlets.reduce((a, o) => a + (o.power ?? 0), 0);
    expect(s.total_power).toBeCloseTo(sum, 0);
    expect(s.total_power).toBeGreaterThan(0);
    // The PDU topic and its availability reach the same table.
    const pdu = s.pdus.find((p) => p.id === PDU);
    expect(pdu?.availability).toBe('online');
    expect(pdu?.model).toBe(agent.model.identity(1).model);
    expect(typeof pdu?.power).toBe('number');
    expect(redLog).not.toMatch(/\[error\]/);
  }, 40_000);

  it('renames an outlet through the bridge with a transaction and reports the answer', async () => {
    const name = 'Node-RED renamed 5';
    const before = Date.now();
    await watcher.client.publishAsync(
      'raritan2mqtt-example/rename',
      JSON.stringify({ pdu: PDU, outlet: 5, name }),
      { qos: 1 },
    );
    const m = await watcher.waitFor(
      (m) => m.topic === 'raritan2mqtt-example/rename/result' && m.payload.includes(name),
      15_000,
    );
    const result = JSON.parse(m.payload) as {
      status: string;
      data: { pdu: string; outlet: number; name: string };
      transaction: string;
      request: { outlet: number; name: string };
    };
    expect(result.status).toBe('ok');
    expect(result.data).toEqual({ pdu: PDU, outlet: 5, name });
    expect(result.transaction).toMatch(/^nodered-/);
    expect(result.request).toMatchObject({ outlet: 5, name });
    // Written to the PDU (the simulator's outletName), then re-polled into Node-RED's table.
    expect(agent.model.outletName(1, 5)).toBe(name);
    const s = await summary(before, (s) => s.outlets[4]?.name === name);
    expect(s.outlets[4]).toMatchObject({ outlet: 5, name });
  });

  it('passes the bridge refusal of a bad rename back as an error for that transaction', async () => {
    await watcher.client.publishAsync(
      'raritan2mqtt-example/rename',
      JSON.stringify({ pdu: PDU, outlet: 99, name: 'nowhere' }),
      { qos: 1 },
    );
    const m = await watcher.waitFor(
      (m) => m.topic === 'raritan2mqtt-example/rename/result' && m.payload.includes('nowhere'),
      15_000,
    );
    const result = JSON.parse(m.payload) as { status: string; error: string; transaction: string };
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/outlet/);
    expect(result.transaction).toMatch(/^nodered-/);
  });
});
