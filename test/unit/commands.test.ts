import { describe, expect, it } from 'vitest';
import { createCommands, MAX_PENDING_COMMANDS, type OutletControl } from '../../bridge/commands.ts';
import { type SwitchAction, switchRefusal, validateName } from '../../bridge/facts/outlet-rules.ts';
import { silentLogger } from '../../bridge/log.ts';

/** An in-memory OutletControl: a test double of our own interface, standing in for a PDU agent. */
function memoryControl(
  o: Partial<Pick<OutletControl, 'canWrite' | 'allowSwitching' | 'protectedOutlets'>> & {
    refuse?: string;
    store?: (n: string) => string;
    /** Outlets the PDU reports as not switchable. */
    unswitchable?: number[];
    /** Writes wait for this before they complete. */
    gate?: Promise<void>;
  } = {},
) {
  const names = new Map<number, string>([[1, 'NAS']]);
  const states = new Map<number, 'on' | 'off'>([[1, 'on']]);
  const writes: string[] = [];
  const control: OutletControl = {
    outlets: 4,
    canWrite: o.canWrite ?? true,
    allowSwitching: o.allowSwitching ?? false,
    protectedOutlets: o.protectedOutlets ?? new Set(),
    switchable: (outlet) => !o.unswitchable?.includes(outlet),
    maxNameLength: 16,
    async rename(outlet, name) {
      if (o.refuse) throw new Error(o.refuse);
      writes.push(`name ${outlet} ${name}`);
      await o.gate;
      names.set(outlet, o.store ? o.store(name) : name);
      return names.get(outlet) ?? '';
    },
    async switchOutlet(outlet, action: SwitchAction) {
      if (o.refuse) throw new Error(o.refuse);
      writes.push(`switch ${outlet} ${action}`);
      states.set(outlet, action === 'off' ? 'off' : 'on');
      return states.get(outlet) ?? 'off';
    },
  };
  return { control, names, states, writes };
}

function setup(o: Parameters<typeof memoryControl>[0] = {}) {
  const m = memoryControl(o);
  const polled: string[] = [];
  const commands = createCommands({
    log: silentLogger,
    control: (id) => (id === 'pdu1' ? m.control : undefined),
    afterChange: async (id) => {
      polled.push(id);
    },
  });
  return { ...m, commands, polled };
}

describe('validateName', () => {
  it('takes an empty name (or only spaces) as clearing it: the PDU has no name for the outlet', () => {
    expect(validateName('', 64)).toEqual({ ok: true, name: '' });
    expect(validateName('   ', 64)).toEqual({ ok: true, name: '' });
  });

  it.each([
    ['a\u0000b', /printable/],
    ['line\nbreak', /printable/],
    ['tab\there', /printable/],
    ['bidi\u202Eoverride', /printable/],
    ['x'.repeat(17), /too long \(17 bytes, at most 16\)/],
    ['ééééééééé', /too long \(18 bytes/],
    [42, /must be a string/],
  ])('refuses %j', (name, expected) => {
    const r = validateName(name, 16);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(expected);
  });

  it('accepts printable names, trimmed, up to the limit in bytes', () => {
    expect(validateName('  Rack 3 / NAS #2 ', 16)).toEqual({ ok: true, name: 'Rack 3 / NAS #2' });
    expect(validateName('Büro-Drucker', 16)).toEqual({ ok: true, name: 'Büro-Drucker' });
    expect(validateName('x'.repeat(300), 1000).ok).toBe(false);
  });
});

describe('rename', () => {
  it('writes, reads back and re-polls', async () => {
    const s = setup();
    const r = await s.commands.rename({ pdu: 'pdu1', outlet: 2, name: 'Switch' });
    expect(r).toEqual({ status: 'ok', data: { pdu: 'pdu1', outlet: 2, name: 'Switch' } });
    expect(s.names.get(2)).toBe('Switch');
    expect(s.polled).toEqual(['pdu1']);
  });

  it('accepts the outlet as a numeric string (from a topic)', async () => {
    const s = setup();
    expect((await s.commands.rename({ pdu: 'pdu1', outlet: '3', name: 'x' })).status).toBe('ok');
  });

  it.each([
    [{ pdu: 'nope', outlet: 1, name: 'x' }, /unknown pdu/],
    [{ pdu: 7, outlet: 1, name: 'x' }, /pdu must be/],
    [{ pdu: 'pdu1', outlet: 9, name: 'x' }, /unknown outlet 9/],
    [{ pdu: 'pdu1', outlet: 0, name: 'x' }, /unknown outlet 0/],
    [{ pdu: 'pdu1', outlet: 1.5, name: 'x' }, /integer/],
    [{ pdu: 'pdu1', outlet: '1e0', name: 'x' }, /integer/],
    [{ pdu: 'pdu1', outlet: 1, name: null }, /string/],
  ])('refuses %j without writing', async (request, expected) => {
    const s = setup();
    const r = await s.commands.rename(request);
    expect(r.status).toBe('error');
    if (r.status === 'error') expect(r.error).toMatch(expected);
    expect(s.writes).toEqual([]);
    expect(s.names.get(1)).toBe('NAS');
  });

  it('answers an error and changes nothing without write credentials', async () => {
    const s = setup({ canWrite: false });
    const r = await s.commands.rename({ pdu: 'pdu1', outlet: 1, name: 'Router' });
    expect(r).toEqual({ status: 'error', error: expect.stringMatching(/no write credentials/) });
    expect(s.writes).toEqual([]);
    expect(s.polled).toEqual([]);
  });

  it("passes the PDU's refusal on, word for word", async () => {
    const s = setup({ refuse: 'the PDU refused the write (noAccess)' });
    const r = await s.commands.rename({ pdu: 'pdu1', outlet: 1, name: 'Router' });
    expect(r).toEqual({ status: 'error', error: 'the PDU refused the write (noAccess)' });
    expect(s.names.get(1)).toBe('NAS');
  });

  it('reports a read-back that differs, and still re-polls so consumers see the truth', async () => {
    const s = setup({ store: (n) => n.toUpperCase() });
    const r = await s.commands.rename({ pdu: 'pdu1', outlet: 1, name: 'Router' });
    expect(r).toEqual({ status: 'error', error: 'the PDU stored "ROUTER" instead of "Router"' });
    expect(s.polled).toEqual(['pdu1']);
  });

  it('never throws when the re-poll fails', async () => {
    const m = memoryControl();
    const commands = createCommands({
      log: silentLogger,
      control: () => m.control,
      afterChange: async () => {
        throw new Error('agent away');
      },
    });
    expect((await commands.rename({ pdu: 'pdu1', outlet: 1, name: 'x' })).status).toBe('ok');
  });
});

describe('switchOutlet', () => {
  it('is refused unless switching is allowed for the PDU', async () => {
    const s = setup({ allowSwitching: false });
    const r = await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 1, action: 'off' });
    expect(r).toEqual({ status: 'error', error: expect.stringMatching(/switching is disabled/) });
    expect(s.writes).toEqual([]);
  });

  it('switches and returns the state read back', async () => {
    const s = setup({ allowSwitching: true });
    expect(await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 1, action: 'OFF' })).toEqual({
      status: 'ok',
      data: { pdu: 'pdu1', outlet: 1, state: 'off' },
    });
    expect(await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 1, action: 'cycle' })).toMatchObject({
      data: { state: 'on' },
    });
    expect(s.writes).toEqual(['switch 1 off', 'switch 1 cycle']);
  });

  it('refuses unknown actions and missing write credentials', async () => {
    const s = setup({ allowSwitching: true });
    expect((await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 1, action: 'TOGGLE' })).status).toBe(
      'error',
    );
    const w = setup({ allowSwitching: true, canWrite: false });
    expect((await w.commands.switchOutlet({ pdu: 'pdu1', outlet: 1, action: 'on' })).status).toBe('error');
    expect([...s.writes, ...w.writes]).toEqual([]);
  });

  it('runs commands for one PDU one at a time', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const control: OutletControl = {
      outlets: 2,
      canWrite: true,
      allowSwitching: true,
      protectedOutlets: new Set(),
      switchable: () => true,
      maxNameLength: 32,
      async rename(outlet, name) {
        order.push(`start ${outlet}`);
        if (outlet === 1) await gate;
        order.push(`end ${outlet}`);
        return name;
      },
      async switchOutlet() {
        return 'on';
      },
    };
    const commands = createCommands({
      log: silentLogger,
      control: () => control,
      afterChange: async () => {},
    });
    const a = commands.rename({ pdu: 'p', outlet: 1, name: 'a' });
    const b = commands.rename({ pdu: 'p', outlet: 2, name: 'b' });
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('never switches a protected outlet, whatever the action; renaming it stays allowed', async () => {
    const s = setup({ allowSwitching: true, protectedOutlets: new Set([2]) });
    for (const action of ['off', 'on', 'cycle']) {
      const r = await s.commands.switchOutlet({ pdu: 'pdu1', outlet: '2', action });
      expect(r).toEqual({
        status: 'error',
        error: 'outlet 2 of pdu1 is protected (protectedOutlets): it is never switched',
      });
    }
    expect(s.writes).toEqual([]);
    expect(s.polled).toEqual([]);
    expect((await s.commands.rename({ pdu: 'pdu1', outlet: 2, name: 'Router' })).status).toBe('ok');
    expect((await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 3, action: 'off' })).status).toBe('ok');
    expect(s.writes).toEqual(['name 2 Router', 'switch 3 off']);
  });

  it('never switches an outlet the PDU does not report as switchable', async () => {
    const s = setup({ allowSwitching: true, unswitchable: [4] });
    const r = await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 4, action: 'cycle' });
    expect(r).toEqual({
      status: 'error',
      error: 'outlet 4 of pdu1 is not switchable: the PDU does not report it so (outletSwitchable)',
    });
    expect(s.writes).toEqual([]);
  });
});

describe('switchRefusal', () => {
  const policy = { allowSwitching: true, canWrite: true, protectedOutlets: new Set([5]) };
  it('says yes only when switching is on, the outlet is not protected, switchable, and writable', () => {
    expect(switchRefusal('p', policy, 1, true)).toBeUndefined();
    expect(switchRefusal('p', { ...policy, allowSwitching: false }, 1, true)).toMatch(
      /allowSwitching is off/,
    );
    expect(switchRefusal('p', policy, 5, true)).toMatch(/protected/);
    expect(switchRefusal('p', policy, 1, false)).toMatch(/outletSwitchable/);
    expect(switchRefusal('p', { ...policy, canWrite: false }, 1, true)).toMatch(/no write credentials/);
    // The first reason wins: what the user must change first.
    expect(switchRefusal('p', { ...policy, allowSwitching: false, canWrite: false }, 5, false)).toMatch(
      /allowSwitching/,
    );
  });
});

describe('the command queue of a PDU', () => {
  it(`takes ${MAX_PENDING_COMMANDS} commands at a time; the next is refused at once as busy`, async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const s = setup({ allowSwitching: true, gate });
    const accepted = Array.from({ length: MAX_PENDING_COMMANDS }, (_, i) =>
      s.commands.rename({ pdu: 'pdu1', outlet: 1 + (i % 4), name: `n${i}` }),
    );
    // One running (held at the gate), seven waiting: the queue is full.
    const refused = await Promise.all([
      s.commands.rename({ pdu: 'pdu1', outlet: 2, name: 'late' }),
      s.commands.switchOutlet({ pdu: 'pdu1', outlet: 3, action: 'off' }),
    ]);
    for (const r of refused) {
      expect(r).toEqual({
        status: 'error',
        error: expect.stringMatching(/^busy: pdu1 already has 8 commands in progress or waiting/),
        kind: 'busy',
      });
    }
    expect(s.writes).toEqual(['name 1 n0']);
    release();
    const done = await Promise.all(accepted);
    expect(done.map((r) => r.status)).toEqual(Array(MAX_PENDING_COMMANDS).fill('ok'));
    expect(s.writes).toHaveLength(MAX_PENDING_COMMANDS);
    // Room again once they are done; validation errors never take a place in the queue.
    expect((await s.commands.rename({ pdu: 'pdu1', outlet: 99, name: 'x' })).status).toBe('error');
    expect((await s.commands.switchOutlet({ pdu: 'pdu1', outlet: 3, action: 'off' })).status).toBe('ok');
  });

  it('is per PDU: a full queue on one PDU does not hold another back', async () => {
    const gate = new Promise<void>(() => {});
    const a = memoryControl({ gate });
    const b = memoryControl();
    const commands = createCommands({
      log: silentLogger,
      control: (id) => (id === 'a' ? a.control : id === 'b' ? b.control : undefined),
      afterChange: async () => {},
    });
    for (let i = 0; i < MAX_PENDING_COMMANDS; i++)
      void commands.rename({ pdu: 'a', outlet: 1, name: `x${i}` });
    expect((await commands.rename({ pdu: 'a', outlet: 1, name: 'y' })).status).toBe('error');
    expect(await commands.rename({ pdu: 'b', outlet: 1, name: 'y' })).toEqual({
      status: 'ok',
      data: { pdu: 'b', outlet: 1, name: 'y' },
    });
  });
});
