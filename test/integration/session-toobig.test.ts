import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestCount, type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createPduBackend } from '../../bridge/sim/pdu-backend.ts';
import { pollOids } from '../../bridge/snmp/decode.ts';
import { LAYOUT_COLUMNS, LAYOUT_SCALARS } from '../../bridge/snmp/layout.ts';
import { OUTLET_CONFIG, OUTLET_MEASUREMENT, SYS_DESCR } from '../../bridge/snmp/mib.ts';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import { createSnmpClient, SnmpError, type SnmpTarget, type SnmpValue } from '../../bridge/snmp/session.ts';
import { toValue } from '../../bridge/snmp/wire.ts';

/**
 * tooBig narrowing against our simulator at message sizes from a PX3's 1,472 bytes down to the 484
 * bytes every agent must accept (RFC 3417 section 3.2) and below: every value the agent serves arrives
 * (compared with what the simulator's own backend serves at the same instant), or the read fails with
 * an error naming the OID; the requests stay bounded and a steady poll sends no tooBig at all.
 */

const CLOCK = Date.UTC(2026, 5, 1, 14, 0);
const SIZES = [1472, 484, 300, 250, 200] as const;
const V3 = { name: 'monitor', authProtocol: 'sha' as const, authKey: 'authkey-123', privKey: 'privkey-123' };

function target(port: number, version: '1' | '2c' | '3'): SnmpTarget {
  const base = { host: '127.0.0.1', port, timeout: 1000, retries: 0, maxVarbinds: 60 };
  if (version !== '3') return { ...base, version, community: 'public' };
  return {
    ...base,
    version,
    v3: {
      user: V3.name,
      level: 'authPriv',
      authProtocol: 'sha',
      authKey: V3.authKey,
      privProtocol: 'aes',
      privKey: V3.privKey,
    },
  };
}

/** What the agent serves for `oids` at CLOCK, straight from the simulator's backend, as the client decodes it. */
function served(agent: SimAgent, oids: Iterable<string>): Map<string, SnmpValue> {
  const backend = createPduBackend(agent.model);
  const read = backend.reader(CLOCK);
  const out = new Map<string, SnmpValue>();
  for (const oid of oids) {
    const i = backend.space.indexOf(oid);
    if (i < 0) continue;
    // Decoded as the client decodes a varbind (a MacAddress is not text).
    const { type, value } = read(i);
    const decoded = toValue({ oid, type, value } as Parameters<typeof toValue>[0]);
    if (decoded !== undefined) out.set(oid, decoded);
  }
  return out;
}

/** Every instance the agent serves under the layout's columns: what a complete walk returns. */
function servedColumns(agent: SimAgent): Map<string, SnmpValue> {
  const backend = createPduBackend(agent.model);
  const prefixes = LAYOUT_COLUMNS.map((c) => `${c}.`);
  return served(
    agent,
    backend.space.oids.filter((oid) => prefixes.some((p) => oid.startsWith(p))),
  );
}

describe.each(['1', '2c', '3'] as const)('SNMP v%s against an agent with a small message size', (version) => {
  const agents = new Map<number, SimAgent>();
  beforeAll(async () => {
    for (const size of SIZES)
      agents.set(
        size,
        await startSimAgent({ model: { outlets: 36 }, maxMsgSize: size, users: [V3], clock: () => CLOCK }),
      );
  });
  afterAll(async () => {
    for (const a of agents.values()) await a.stop();
  });

  it.each(SIZES)('walks every layout column completely at %i bytes, in bounded requests', async (size) => {
    const agent = agents.get(size)!;
    agent.resetStats();
    const client = createSnmpClient(target(agent.port, version));
    try {
      const walked = await client.walk(LAYOUT_COLUMNS);
      const expected = servedColumns(agent);
      expect(walked.size).toBe(expected.size);
      expect(walked).toEqual(expected);
      // Each tooBig moves the bound on what fails down, each probe up stays below it: a handful at most.
      expect(agent.stats.tooBig).toBeLessThanOrEqual(12);
      // Every other request brought at least one new value (v1: the column ends are one request each).
      expect(requestCount(agent.stats)).toBeLessThanOrEqual(expected.size + LAYOUT_COLUMNS.length + 12);
      expect(requestCount(agent.stats)).toBe(client.requests);
    } finally {
      client.close();
    }
  });

  it.each(SIZES)('polls every value at %i bytes; a steady poll sends no tooBig', async (size) => {
    const agent = agents.get(size)!;
    const reader = createPduReader({
      source: 'p',
      target: target(agent.port, version),
      layoutRefreshMs: 3_600_000,
    });
    try {
      const first = await reader.read(CLOCK);
      expect(first.problems).toEqual([]);
      const unit = first.units[0]!;
      expect(unit.outlets).toHaveLength(36);
      const layout = reader.layout!;
      for (const o of layout.units[0]!.outlets) {
        expect(o.sensors.size, `outlet ${o.outlet} sensors`).toBe(7);
        expect(o.name).toBe(agent.model.outletName(1, o.outlet));
      }
      const oids = pollOids(layout);
      expect(await reader.client.get(oids)).toEqual(served(agent, oids));

      agent.resetStats();
      const steady = await reader.read(CLOCK);
      expect(steady.layoutRefreshed).toBe(false);
      expect(agent.stats.tooBig).toBe(0);
      expect(steady.requests).toBe(Math.ceil(oids.length / reader.client.maxVarbinds));
      expect(requestCount(agent.stats)).toBe(steady.requests);
    } finally {
      reader.close();
    }
  });
});

describe('an agent whose message size cannot hold a single varbind', () => {
  let agent: SimAgent;
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 4 }, maxMsgSize: 90, clock: () => CLOCK });
  });
  afterAll(() => agent.stop());

  it.each(['1', '2c'] as const)(
    'v%s: fails with an error naming the OID after a few narrowing steps',
    async (version) => {
      agent.resetStats();
      const client = createSnmpClient(target(agent.port, version));
      try {
        const error = await client.get(LAYOUT_SCALARS).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SnmpError);
        expect((error as SnmpError).kind).toBe('tooBig');
        expect((error as SnmpError).message).toContain(SYS_DESCR);
        // 3 → 1 → error: two requests, never a loop.
        expect(requestCount(agent.stats)).toBe(2);
        const walk = await client.walk([SYS_DESCR.replace(/\.0$/, '')]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((walk as SnmpError).message).toMatch(/tooBig even for the single varbind/);
        expect(requestCount(agent.stats)).toBeLessThan(12);
      } finally {
        client.close();
      }
    },
  );
});

describe('SNMPv1 at the end of the MIB', () => {
  let agent: SimAgent;
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36 }, maxMsgSize: 484, clock: () => CLOCK });
  });
  afterAll(() => agent.stop());

  it('ends only the column that ran off the MIB (noSuchName), the others walk on', async () => {
    // The last outlet's signed values are the simulator's last objects: GETNEXT past them is
    // noSuchName for the whole v1 request, while the label column still has 29 rows to go.
    const last = `${OUTLET_MEASUREMENT.signedValue}.1.36`;
    const client = createSnmpClient(target(agent.port, '1'));
    try {
      const walked = await client.walk([last, OUTLET_CONFIG.label]);
      const backend = createPduBackend(agent.model);
      const expected = served(
        agent,
        backend.space.oids.filter((o) => o.startsWith(`${last}.`) || o.startsWith(`${OUTLET_CONFIG.label}.`)),
      );
      expect(walked).toEqual(expected);
      expect([...walked.keys()].filter((o) => o.startsWith(OUTLET_CONFIG.label))).toHaveLength(36);
    } finally {
      client.close();
    }
  });

  it('a GET with a missing OID: noSuchName names it, the rest arrive in one more request', async () => {
    const client = createSnmpClient(target(agent.port, '1'));
    try {
      agent.resetStats();
      const name = `${OUTLET_CONFIG.name}.1.1`;
      const got = await client.get([SYS_DESCR, `${OUTLET_CONFIG.name}.1.99`, name]);
      expect([...got.keys()]).toEqual([SYS_DESCR, name]);
      expect(requestCount(agent.stats)).toBe(2);
    } finally {
      client.close();
    }
  });
});
