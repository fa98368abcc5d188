import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, fixtureSkipMessage, hasFixture } from '../../support/fixtures.ts';
import { type Snmpsim, startSnmpsim } from '../../support/snmpsim.ts';
import { runCli } from '../helpers/cli.ts';

const have = hasFixture('raritan-pdu_px3.snmprec');
if (!have) console.warn(fixtureSkipMessage('raritan-pdu_px3.snmprec'));

interface ProbeJson {
  units: {
    model: string;
    inlet: { power: number; frequency: number };
    outlets: {
      outlet: number;
      label: string;
      name: string;
      state: string;
      power_factor: number | null;
      current: number;
    }[];
  }[];
  requests: number;
}

describe.skipIf(!have)('raritan2mqtt probe against snmpsim serving the real PX3 walk', () => {
  let sim: Snmpsim;
  let otherDir: string;
  beforeAll(async () => {
    // Our own tiny walk of a non-PDU agent (net-snmp on Linux), served beside the PX3 under its own community.
    otherDir = mkdtempSync(join(tmpdir(), 'r2m-other-'));
    writeFileSync(
      join(otherDir, 'linux-box.snmprec'),
      '1.3.6.1.2.1.1.1.0|4|Linux box 6.1.0\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10\n1.3.6.1.2.1.1.5.0|4|box\n',
    );
    sim = await startSnmpsim([fixturePath('raritan-pdu_px3.snmprec'), join(otherDir, 'linux-box.snmprec')]);
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(otherDir, { recursive: true, force: true });
  });

  const probeArgs = (...rest: string[]) => [
    'probe',
    '--host',
    '127.0.0.1',
    '--port',
    String(sim.port),
    ...rest,
  ];

  it('--json prints one object per outlet and the inlet', async () => {
    const r = await runCli(probeArgs('--community', sim.community, '--json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as ProbeJson;
    const unit = json.units[0]!;
    expect(unit.model).toBe('PX3-5493U-K2');
    expect(unit.outlets).toHaveLength(24);
    expect(unit.outlets[0]).toMatchObject({
      outlet: 1,
      label: '1',
      state: 'on',
      current: 0.633,
      power_factor: 0.99,
    });
    expect(unit.outlets[1]!.name).toBe('DEVICE 8:PS1:Planned');
    expect(unit.inlet).toMatchObject({ power: 1665, frequency: 50 });
  });

  it('prints a readable table', async () => {
    const r = await runCli(probeArgs('--community', sim.community));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PX3-5493U-K2');
    expect(r.stdout).toMatch(/DEVICE 8:PS1:Planned\s+on\s+\d+/);
    expect(r.stdout).toContain('outlets on:');
  });

  it('explains a wrong community in one line and exits 1', async () => {
    const r = await runCli(probeArgs('--community', 'nope', '--timeout', '300', '--retries', '0'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^probe: no answer from 127\.0\.0\.1:\d+ \(timeout\).*community/);
  });

  it('says when the agent is not a Raritan PDU', async () => {
    // Our own walk of a Linux box, served by the same snmpsim under its own community.
    const r = await runCli(probeArgs('--community', 'linux-box'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /not a Raritan PDU \(sysObjectID 1\.3\.6\.1\.4\.1\.8072\.3\.2\.10, sysDescr "Linux box 6\.1\.0"\)/,
    );
  });

  it('reads the real PX3 walk over SNMPv1 too', async () => {
    const r = await runCli(probeArgs('--community', sim.community, '--version', '1', '--json'));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ProbeJson).units[0]!.outlets).toHaveLength(24);
  });
});
