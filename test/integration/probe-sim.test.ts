import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { freeUdpPort } from '../../support/ports.ts';
import { runCli } from '../helpers/cli.ts';

/** `raritan2mqtt probe` against our simulated PX3-5892: a user's first check of a new install. */
describe('raritan2mqtt probe against the simulator', () => {
  let agent: SimAgent;
  const user = {
    name: 'probe',
    authProtocol: 'sha256' as const,
    authKey: 'probe-auth-1',
    privKey: 'probe-priv-1',
  };
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36 }, users: [user] });
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('prints the decoded reading of all 36 outlets as a table', async () => {
    const r = await runCli(['probe', '--host', '127.0.0.1', '--port', String(agent.port)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = agent.model.identity(1);
    expect(r.stdout).toContain(`PX3-5892  serial ${id.serial}  firmware ${id.firmware}`);
    const rows = r.stdout.split('\n').filter((l) => /^\s*\d+\s+\d+\s/.test(l));
    expect(rows).toHaveLength(36);
    expect(r.stdout).toMatch(/\d+ SNMP requests/);
  });

  it('reads over SNMPv3 authPriv and prints JSON whose outlets match the simulator', async () => {
    const r = await runCli([
      'probe',
      '--host',
      '127.0.0.1',
      '--port',
      String(agent.port),
      '--v3-user',
      user.name,
      '--auth-protocol',
      'sha256',
      '--auth-key',
      user.authKey,
      '--priv-key',
      user.privKey,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      units: { inlet: Record<string, unknown>; outlets: { outlet: number; name: string; state: string }[] }[];
    };
    // The published fields only: the energy tracker's inputs (raw counter, nameplate) stay inside.
    expect(Object.keys(json.units[0]!.inlet).sort()).toEqual([
      'apparent_power',
      'current',
      'energy',
      'frequency',
      'power',
      'power_factor',
      'voltage',
    ]);
    expect(Object.keys(json.units[0]!.outlets[0]!)).not.toContain('energy_counter');
    const outlets = json.units[0]!.outlets;
    expect(outlets).toHaveLength(36);
    for (const o of outlets) {
      expect(o.name).toBe(agent.model.outletName(1, o.outlet));
      expect(o.state).toBe(agent.model.isOn(1, o.outlet, Date.now()) ? 'on' : 'off');
    }
    // The v3 key is a secret: never echoed.
    expect(r.stdout + r.stderr).not.toContain(user.privKey);
  });

  it('with --json, a failure is a JSON object on stdout too', async () => {
    const r = await runCli([
      'probe',
      '--host',
      '127.0.0.1',
      '--port',
      String(agent.port),
      '--version',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: 'SNMPv3 needs --v3-user' });
    expect(r.stderr.trim()).toBe('probe: SNMPv3 needs --v3-user');
  });

  it('knows a closed port at once instead of waiting out a long timeout', async () => {
    const port = await freeUdpPort(); // nothing listens there
    const r = await runCli(
      [
        'probe',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--timeout',
        '60000',
        '--retries',
        '3',
        '--json',
      ],
      { timeoutMs: 30_000 },
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatch(new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port}`));
  });

  it('says SNMPv3 needs a user when the version is 3 without one', async () => {
    const r = await runCli(['probe', '--host', '127.0.0.1', '--port', String(agent.port), '--version', '3']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SNMPv3 needs --v3-user/);
  });
});
