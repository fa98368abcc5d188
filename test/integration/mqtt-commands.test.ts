import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommands, type OutletControl } from '../../bridge/commands.ts';
import { silentLogger } from '../../bridge/log.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from '../../bridge/mqtt/broker.ts';
import { createMqttConsumer, type MqttConsumer } from '../../bridge/mqtt/consumer.ts';
import { bridgeRoot } from '../../bridge/mqtt/topics.ts';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createOutletControl } from '../../bridge/snmp/control.ts';
import { OUTLET_CONFIG, OUTLET_SWITCH } from '../../bridge/snmp/mib.ts';
import { createPduReader, type PduReader } from '../../bridge/snmp/reader.ts';
import { createSnmpClient, type SnmpClient, type SnmpTarget } from '../../bridge/snmp/session.ts';
import { retained, type Watcher, watch } from '../helpers/mqtt-client.ts';
import { goodPoll, publishGoodPoll } from '../helpers/mqtt-sample.ts';

/**
 * Commands end to end: MQTT → command module → SNMP SET on the simulated PDU agent → read-back →
 * re-poll → retained topics and discovery. Checked from outside with Debian's snmpget. Three
 * configured PDUs share one agent: `pdu1` (write community, switching off), `sw` (switching on),
 * `ro` (no write credentials) and `bad` (a wrong write community: the agent ignores its SETs).
 */

const SNMPGET = '/usr/bin/snmpget';
const run = promisify(execFile);
const BASE = 'cmd';
/** The bridge's own id ('r2m', not the default): its requests and responses live under its root. */
const ROOT = bridgeRoot({ baseTopic: BASE, bridgeId: 'r2m' });
const PREFIX = 'homeassistant';

interface Pdu {
  id: string;
  write?: string;
  allowSwitching: boolean;
  protectedOutlets?: number[];
}
/** The simulated PDU reports this outlet as not switchable (outletSwitchable false). */
const UNSWITCHABLE = 6;
const PROTECTED = 5;
const PDUS: Pdu[] = [
  { id: 'pdu1', write: 'private', allowSwitching: false },
  { id: 'sw', write: 'private', allowSwitching: true, protectedOutlets: [PROTECTED] },
  { id: 'ro', allowSwitching: false },
  { id: 'bad', write: 'wrong', allowSwitching: true },
];

let agent: SimAgent;
let broker: EmbeddedBroker;
let url: string;
let bridge: MqttConsumer;
let w: Watcher;
const readers = new Map<string, PduReader>();
const writers: SnmpClient[] = [];

async function snmpget(oid: string): Promise<string> {
  const { stdout } = await run(SNMPGET, ['-v2c', '-c', 'public', '-Oqv', `127.0.0.1:${agent.port}`, oid]);
  return stdout.trim().replace(/^"(.*)"$/, '$1');
}

async function pollNow(id: string): Promise<void> {
  const reader = readers.get(id);
  if (!reader) return;
  const time = Date.now();
  const r = await reader.read(time);
  publishGoodPoll(bridge, goodPoll(r.units, { requests: r.requests }));
}

/** Publishes a command and returns the response that follows it on `bridge/response/<action>`. */
async function command(
  topic: string,
  payload: string | Buffer,
  action: string,
): Promise<Record<string, unknown>> {
  const from = w.seen.length;
  await w.client.publishAsync(topic, payload, { qos: 1 });
  const reply = await w.waitFor(
    (m) => m.topic === `${ROOT}/response/${action}` && w.seen.indexOf(m) >= from,
    15_000,
  );
  return JSON.parse(reply.payload) as Record<string, unknown>;
}

describe.skipIf(!existsSync(SNMPGET))('MQTT commands against the simulated PDU', () => {
  beforeAll(async () => {
    agent = await startSimAgent({
      model: { outlets: 6, seed: 7, powerOffPeriod: 1, unswitchable: [UNSWITCHABLE] },
    });
    broker = createEmbeddedBroker({ log: silentLogger, port: 0 });
    const { port } = await broker.start();
    url = `mqtt://127.0.0.1:${port}`;
    const target = (community: string, timeout = 2000): SnmpTarget => ({
      host: '127.0.0.1',
      port: agent.port,
      version: '2c',
      community,
      timeout,
      retries: 0,
    });
    const controls = new Map<string, OutletControl>();
    for (const p of PDUS) {
      const reader = createPduReader({ source: p.id, target: target('public'), layoutRefreshMs: 600_000 });
      readers.set(p.id, reader);
      const writer = p.write ? createSnmpClient(target(p.write, 700)) : undefined;
      if (writer) writers.push(writer);
      controls.set(
        p.id,
        createOutletControl({
          unit: 1,
          outlets: () => reader.layout?.units[0]?.outlets.length ?? 0,
          switchable: (n) =>
            reader.layout?.units[0]?.outlets.find((o) => o.outlet === n)?.switchable ?? false,
          writeClient: writer,
          readClient: reader.client,
          allowSwitching: p.allowSwitching,
          protectedOutlets: new Set(p.protectedOutlets),
          maxNameLength: 64,
          changed: () => reader.invalidate(),
        }),
      );
    }
    const commands = createCommands({
      log: silentLogger,
      control: (id) => controls.get(id),
      afterChange: pollNow,
    });
    bridge = createMqttConsumer({
      log: silentLogger,
      mqtt: {
        url,
        port,
        baseTopic: BASE,
        discoveryPrefix: PREFIX,
        discovery: true,
        refreshInterval: 3600,
        bridgeId: 'r2m',
      },
      pdus: PDUS.map((p) => ({
        id: p.id,
        allowSwitching: p.allowSwitching,
        canWrite: p.write !== undefined,
        protectedOutlets: (p.protectedOutlets ?? []).map((outlet) => ({ unit: 1, outlet })),
        maxNameLength: 64,
      })),
      commands,
    });
    await bridge.start();
    for (const p of PDUS) await pollNow(p.id);
    w = await watch(url, [`${BASE}/#`, `${PREFIX}/#`]);
    await w.waitFor((m) => m.topic === `${PREFIX}/device/r2m_bad_outlet_6/config`);
  });

  afterAll(async () => {
    await w?.close();
    await bridge?.stop();
    await broker?.stop();
    for (const r of readers.values()) r.close();
    for (const c of writers) c.close();
    await agent?.stop();
  });

  it('renames from the text entity topic: SET, read back with snmpget, topic and discovery name updated', async () => {
    const reply = await command(`${BASE}/pdu1/outlet/3/name/set`, 'Backup NAS', 'outlet/rename');
    expect(reply).toEqual({ status: 'ok', data: { pdu: 'pdu1', outlet: 3, name: 'Backup NAS' } });
    expect(await snmpget(`${OUTLET_CONFIG.name}.1.3`)).toBe('Backup NAS');
    const after = await retained(url, [`${BASE}/pdu1/outlet/3`, `${PREFIX}/device/r2m_pdu1_outlet_3/config`]);
    expect(JSON.parse(after.get(`${BASE}/pdu1/outlet/3`) ?? '{}').name).toBe('Backup NAS');
    // The outlet device carries its PDU's name (the simulator's is empty: its id) before the outlet's.
    expect(JSON.parse(after.get(`${PREFIX}/device/r2m_pdu1_outlet_3/config`) ?? '{}').device.name).toBe(
      'pdu1: Backup NAS',
    );
  });

  it('renames from bridge/request/outlet/rename with the transaction echoed', async () => {
    const reply = await command(
      `${ROOT}/request/outlet/rename`,
      JSON.stringify({ pdu: 'pdu1', outlet: 4, name: 'Switch 24p', transaction: 'tx-1' }),
      'outlet/rename',
    );
    expect(reply).toEqual({
      status: 'ok',
      data: { pdu: 'pdu1', outlet: 4, name: 'Switch 24p' },
      transaction: 'tx-1',
    });
    expect(await snmpget(`${OUTLET_CONFIG.name}.1.4`)).toBe('Switch 24p');
  });

  it('answers bad commands with an error and leaves the agent and every topic unchanged', async () => {
    const names = async () =>
      Promise.all([1, 2, 3, 4, 5, 6].map((n) => snmpget(`${OUTLET_CONFIG.name}.1.${n}`)));
    const namesBefore = await names();
    const sets = agent.stats.set;
    await w.settle();
    const topicsBefore = await retained(url, [`${BASE}/#`, `${PREFIX}/#`]);

    const bad: Array<[string, string | Buffer, string, RegExp]> = [
      [`${BASE}/pdu1/outlet/1/name/set`, 'x'.repeat(10_240), 'outlet/rename', /too large/],
      [`${BASE}/pdu1/outlet/1/name/set`, 'bell\u0007ring', 'outlet/rename', /printable/],
      [`${BASE}/pdu1/outlet/1/name/set`, Buffer.from([0x4e, 0xc3, 0x28, 0x41]), 'outlet/rename', /UTF-8/],
      [`${BASE}/pdu1/outlet/1/name/set`, 'n'.repeat(65), 'outlet/rename', /too long/],
      [`${BASE}/pdu1/outlet/99/name/set`, 'x', 'outlet/rename', /unknown outlet 99/],
      [`${BASE}/nope/outlet/1/name/set`, 'x', 'outlet/rename', /unknown pdu/],
      [`${ROOT}/request/outlet/rename`, '{"pdu":"pdu1","outlet":1,', 'outlet/rename', /not valid JSON/],
      [`${ROOT}/request/outlet/rename`, '"just a string"', 'outlet/rename', /JSON object/],
      [
        `${ROOT}/request/outlet/rename`,
        '{"pdu":"pdu1","outlet":"one","name":"x"}',
        'outlet/rename',
        /integer/,
      ],
      [`${ROOT}/request/outlet/frobnicate`, '{}', 'outlet/frobnicate', /unknown request/],
      [`${BASE}/ro/outlet/1/name/set`, 'Router', 'outlet/rename', /no write credentials/],
      [`${BASE}/pdu1/outlet/1/set`, 'OFF', 'outlet/switch', /switching is disabled/],
      [`${BASE}/sw/outlet/1/set`, 'TOGGLE', 'outlet/switch', /on, off, cycle/],
    ];
    for (const [topic, payload, action, expected] of bad) {
      const reply = await command(topic, payload, action);
      expect(reply.status, `${topic} ${String(payload).slice(0, 20)}`).toBe('error');
      expect(reply.error).toMatch(expected);
    }

    expect(await names()).toEqual(namesBefore);
    expect(agent.stats.set).toBe(sets);
    expect(await retained(url, [`${BASE}/#`, `${PREFIX}/#`])).toEqual(topicsBefore);
  });

  it('answers an error and keeps the name when the PDU does not take the write', async () => {
    const before = await snmpget(`${OUTLET_CONFIG.name}.1.2`);
    const reply = await command(`${BASE}/bad/outlet/2/name/set`, 'Never stored', 'outlet/rename');
    expect(reply.status).toBe('error');
    expect(reply.error).toMatch(/no answer to the write|refused/);
    expect(await snmpget(`${OUTLET_CONFIG.name}.1.2`)).toBe(before);
    const outlet = JSON.parse(
      (await retained(url, [`${BASE}/bad/outlet/2`])).get(`${BASE}/bad/outlet/2`) ?? '{}',
    );
    expect(outlet.name).toBe(before);
  });

  it('switches only where switching is enabled, confirmed by reading the state back', async () => {
    const on = [1, 2, 3, 4].find((n) => agent.model.isOn(1, n, Date.now()));
    if (on === undefined) throw new Error('no outlet is on in the simulation');
    const state = () => snmpget(`${OUTLET_SWITCH.state}.1.${on}`);
    expect(await state()).toBe('7');

    const refused = await command(`${BASE}/pdu1/outlet/${on}/set`, 'OFF', 'outlet/switch');
    expect(refused.status).toBe('error');
    expect(await state()).toBe('7');
    const configs = await retained(url, [
      `${PREFIX}/device/r2m_pdu1_outlet_${on}/config`,
      `${PREFIX}/device/r2m_sw_outlet_${on}/config`,
    ]);
    expect(
      JSON.parse(configs.get(`${PREFIX}/device/r2m_pdu1_outlet_${on}/config`) ?? '{}').components,
    ).not.toHaveProperty('switch');
    expect(
      JSON.parse(configs.get(`${PREFIX}/device/r2m_sw_outlet_${on}/config`) ?? '{}').components.switch
        .command_topic,
    ).toBe(`${BASE}/sw/outlet/${on}/set`);

    const off = await command(`${BASE}/sw/outlet/${on}/set`, 'OFF', 'outlet/switch');
    expect(off).toEqual({ status: 'ok', data: { pdu: 'sw', outlet: on, state: 'off' } });
    expect(await state()).toBe('8');
    const topic = `${BASE}/sw/outlet/${on}`;
    expect(JSON.parse((await retained(url, [topic])).get(topic) ?? '{}').state).toBe('off');

    const back = await command(
      `${ROOT}/request/outlet/switch`,
      JSON.stringify({ pdu: 'sw', outlet: on, action: 'on', transaction: 2 }),
      'outlet/switch',
    );
    expect(back).toEqual({ status: 'ok', data: { pdu: 'sw', outlet: on, state: 'on' }, transaction: 2 });
    expect(await state()).toBe('7');

    const sent = Date.now();
    const cycle = await command(`${BASE}/sw/outlet/${on}/set`, 'CYCLE', 'outlet/switch');
    expect(cycle).toEqual({ status: 'ok', data: { pdu: 'sw', outlet: on, state: 'on' } });
    // Answered after the PDU's own log has the outlet off and on again, not before.
    const events = agent.model.state.switchEvents(1, on).filter((e) => e.time >= sent);
    expect(events.map((e) => e.on)).toEqual([false, true]);
    expect(agent.model.state.lastSwitch(1, on, Date.now())).toBe(events[1]?.time);
  });

  it('gives protected and unswitchable outlets no switch or cycle entity, and refuses every switch command for them', async () => {
    const configs = await retained(url, [`${PREFIX}/device/+/config`]);
    const components = (id: string, n: number) =>
      Object.keys(
        JSON.parse(configs.get(`${PREFIX}/device/r2m_${id}_outlet_${n}/config`) ?? '{}').components,
      );
    expect(components('sw', 1)).toEqual(expect.arrayContaining(['switch', 'cycle', 'state', 'name']));
    for (const n of [PROTECTED, UNSWITCHABLE]) {
      expect(components('sw', n)).toEqual(expect.arrayContaining(['state', 'name', 'power']));
      expect(components('sw', n)).not.toContain('switch');
      expect(components('sw', n)).not.toContain('cycle');
    }
    // No switch anywhere on a PDU with switching off, or without (working) write credentials.
    for (const n of [1, 2, 3, 4, 5, 6]) {
      expect(components('pdu1', n)).not.toContain('switch');
      expect(components('ro', n)).not.toContain('switch');
    }

    const sets = agent.stats.set;
    const states = [PROTECTED, UNSWITCHABLE].map((n) => agent.model.isOn(1, n, Date.now()));
    for (const action of ['OFF', 'ON', 'CYCLE']) {
      const p = await command(`${BASE}/sw/outlet/${PROTECTED}/set`, action, 'outlet/switch');
      expect(p).toEqual({
        status: 'error',
        data: {},
        error: `outlet ${PROTECTED} of sw is protected (protectedOutlets): it is never switched`,
      });
      const u = await command(
        `${ROOT}/request/outlet/switch`,
        JSON.stringify({
          pdu: 'sw',
          outlet: UNSWITCHABLE,
          action: action.toLowerCase(),
          transaction: action,
        }),
        'outlet/switch',
      );
      expect(u).toEqual({
        status: 'error',
        data: {},
        error: `outlet ${UNSWITCHABLE} of sw is not switchable: the PDU does not report it so (outletSwitchable)`,
        transaction: action,
      });
    }
    expect(agent.stats.set).toBe(sets);
    expect([PROTECTED, UNSWITCHABLE].map((n) => agent.model.isOn(1, n, Date.now()))).toEqual(states);
    // Renaming a protected outlet is fine: it switches nothing.
    const renamed = await command(`${BASE}/sw/outlet/${PROTECTED}/name/set`, 'Router', 'outlet/rename');
    expect(renamed).toEqual({ status: 'ok', data: { pdu: 'sw', outlet: PROTECTED, name: 'Router' } });
  });
});
