import { describe, expect, it } from 'vitest';
import { createEnergyTracker } from '../../bridge/facts/energy-tracker.ts';
import { reading } from '../../bridge/sim/synthetic.ts';

const MIN = 60_000;

describe('the energy tracker of a running bridge', () => {
  it('sets every channel: `energy` is the total in kWh where a counter was read, null where none', () => {
    const t = createEnergyTracker();
    const poll = (m: number, c1: number | null) =>
      t.track([
        reading('pdu1', m * MIN, [{ energy_counter: c1, power: 100 }, { power: 600 }], {
          energy_counter: 1_000_000 + m * 10,
        }),
      ]).units[0]!;
    const first = poll(0, 5_000);
    expect(first.outlets[0]!.energy).toBe(5);
    expect(first.outlets[0]!.energy_step).toMatchObject({ verdict: 'first', de: 0, total: 5_000_000 });
    // A PX2-style outlet: the PDU has no energy reading; the history integrates an estimate.
    expect(first.outlets[1]!.energy).toBeNull();
    expect(first.inlet.energy).toBe(1000);
    const next = poll(1, 5_007);
    expect(next.outlets[0]!.energy).toBe(5.007);
    expect(next.outlets[1]!.energy_step).toMatchObject({ verdict: 'integrated', de: 10_000, est: true });
    expect(next.inlet.energy).toBe(1000.01);
    const missed = poll(2, null);
    expect(missed.outlets[0]!.energy).toBeNull();
    expect(poll(3, 5_020).outlets[0]!.energy).toBe(5.02);
  });

  it('integrates an inlet without counter or power from the sum of its outlets (the PX2 walk)', () => {
    const t = createEnergyTracker();
    const poll = (m: number) =>
      t.track([reading('px2', m * MIN, [{ power: 100 }, { power: 200 }])]).units[0]!;
    poll(0);
    expect(poll(1).inlet.energy_step).toMatchObject({ verdict: 'integrated', de: 5000 });
  });

  it('keeps channels per unit id and outlet number: an outlet that vanishes and comes back goes on', () => {
    const t = createEnergyTracker();
    const poll = (m: number, outlets: number) =>
      t.track([
        reading(
          'pdu1',
          m * MIN,
          Array.from({ length: outlets }, (_, i) => ({ energy_counter: 1000 * (i + 1) + 5 * m })),
        ),
        reading('pdu1-2', m * MIN, [{ energy_counter: 70_000 + m }]),
      ]).units;
    poll(0, 3);
    poll(1, 2); // outlet 3 is gone for ten minutes
    const back = poll(11, 3);
    expect(back[0]!.outlets[2]!.energy_step).toMatchObject({ verdict: 'normal', de: 55_000 });
    expect(back[0]!.outlets[2]!.energy).toBe(3.055);
    expect(back[1]!.outlets[0]!.energy).toBe(70.011);
  });

  it('continues from restored states (the history at start), and reports the steps worth a log line', () => {
    const a = createEnergyTracker();
    a.track([reading('pdu1', 0, [{ energy_counter: 9_000_000 }])]);
    const saved = a.track([reading('pdu1', MIN, [{ energy_counter: 9_000_010 }])]).units[0]!.outlets[0]!;
    const b = createEnergyTracker();
    b.restore([{ id: 'pdu1', channel: 1, state: saved.energy_step!.state }]);
    // A PDU reboot reset the counter while the bridge was down: the total goes on from where it was.
    const after = b.track([reading('pdu1', 30 * MIN, [{ energy_counter: 40 }])]);
    expect(after.units[0]!.outlets[0]!.energy).toBe(9000.05);
    expect(after.events).toEqual([
      { id: 'pdu1', channel: 1, verdict: 'reset', counter: 40, baseline: 9_000_010 },
    ]);
    const glitch = b.track([reading('pdu1', 31 * MIN, [{ energy_counter: 2 ** 32 - 1 }])]);
    expect(glitch.units[0]!.outlets[0]!.energy).toBe(9000.05);
    expect(glitch.events[0]).toMatchObject({ verdict: 'glitch', counter: 2 ** 32 - 1, baseline: 40 });
  });

  it('does not change the readings it is given', () => {
    const t = createEnergyTracker();
    const r = reading('pdu1', 0, [{ energy_counter: 5_000, energy: 5 }]);
    const before = JSON.stringify(r);
    t.track([r]);
    expect(JSON.stringify(r)).toBe(before);
  });
});
