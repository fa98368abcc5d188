import { describe, expect, it } from 'vitest';
import { createCommands, type OutletControl } from '../../bridge/commands.ts';
import { silentLogger } from '../../bridge/log.ts';
import { handleCommandMessage, retainedCommandLog } from '../../bridge/mqtt/requests.ts';
import { parseCommandTopic } from '../../bridge/mqtt/topics.ts';
import { captureLog, WARN } from '../helpers/log-capture.ts';

function setup() {
  const names = new Map<number, string>();
  const control: OutletControl = {
    outlets: 4,
    canWrite: true,
    allowSwitching: false,
    protectedOutlets: new Set(),
    switchable: () => true,
    maxNameLength: 32,
    async rename(outlet, name) {
      names.set(outlet, name);
      return name;
    },
    async switchOutlet() {
      throw new Error('not reached');
    },
  };
  const commands = createCommands({
    log: silentLogger,
    control: (id) => (id === 'pdu1' ? control : undefined),
    afterChange: async () => {},
  });
  const retained: string[] = [];
  const send = (topic: string, payload: string | Buffer, retain = false) =>
    handleCommandMessage(
      { baseTopic: 'r2m' },
      topic,
      typeof payload === 'string' ? Buffer.from(payload) : payload,
      commands,
      { retain, onRetained: (t) => retained.push(t) },
    );
  return { names, send, retained };
}

const R2M = { baseTopic: 'r2m' };

describe('command topics', () => {
  it('classifies topics', () => {
    expect(parseCommandTopic(R2M, 'r2m/pdu1/outlet/3/name/set')).toEqual({
      kind: 'name',
      pdu: 'pdu1',
      outlet: '3',
    });
    expect(parseCommandTopic(R2M, 'r2m/pdu1/outlet/3/set')).toEqual({
      kind: 'switch',
      pdu: 'pdu1',
      outlet: '3',
    });
    expect(parseCommandTopic(R2M, 'r2m/bridge/request/outlet/rename')).toEqual({
      kind: 'request',
      action: 'outlet/rename',
    });
    expect(parseCommandTopic(R2M, 'r2m/pdu1/outlet/3')).toEqual({ kind: 'other' });
    expect(parseCommandTopic(R2M, 'other/pdu1/outlet/3/set')).toEqual({ kind: 'other' });
  });

  it('takes requests under its own bridge root only', () => {
    const rack = { baseTopic: 'r2m', bridgeId: 'rack_b' };
    expect(parseCommandTopic(rack, 'r2m/bridge/rack_b/request/health_check')).toEqual({
      kind: 'request',
      action: 'health_check',
    });
    // Another bridge's requests (the default bridge's, or rack_a's) are not this one's.
    expect(parseCommandTopic(rack, 'r2m/bridge/request/health_check')).toEqual({ kind: 'other' });
    expect(parseCommandTopic(rack, 'r2m/bridge/rack_a/request/health_check')).toEqual({ kind: 'other' });
    expect(parseCommandTopic(R2M, 'r2m/bridge/rack_b/request/health_check')).toEqual({ kind: 'other' });
    // The default id (the base topic) keeps the zigbee2mqtt layout.
    expect(parseCommandTopic({ baseTopic: 'r2m', bridgeId: 'r2m' }, 'r2m/bridge/request/x')).toEqual({
      kind: 'request',
      action: 'x',
    });
    // Outlet command topics are the same for every bridge (PDU ids are unique across bridges).
    expect(parseCommandTopic(rack, 'r2m/pdu1/outlet/3/set')).toMatchObject({ kind: 'switch' });
  });

  it('renames from the text entity topic and answers on bridge/response/outlet/rename', async () => {
    const s = setup();
    expect(await s.send('r2m/pdu1/outlet/2/name/set', 'Printer')).toEqual({
      action: 'outlet/rename',
      response: { status: 'ok', data: { pdu: 'pdu1', outlet: 2, name: 'Printer' } },
    });
    expect(s.names.get(2)).toBe('Printer');
  });

  it('renames from a request and echoes its transaction', async () => {
    const s = setup();
    const reply = await s.send(
      'r2m/bridge/request/outlet/rename',
      JSON.stringify({ pdu: 'pdu1', outlet: 1, name: 'NAS', transaction: 'abc' }),
    );
    expect(reply).toEqual({
      action: 'outlet/rename',
      response: { status: 'ok', data: { pdu: 'pdu1', outlet: 1, name: 'NAS' }, transaction: 'abc' },
    });
  });

  const bad: Array<[string, string, string | Buffer, RegExp]> = [
    ['a name with a line break', 'r2m/pdu1/outlet/1/name/set', 'two\nlines', /printable/],
    ['10 kB', 'r2m/pdu1/outlet/1/name/set', 'x'.repeat(10_240), /too large/],
    ['control characters', 'r2m/pdu1/outlet/1/name/set', 'a\u0007b', /printable/],
    ['invalid UTF-8', 'r2m/pdu1/outlet/1/name/set', Buffer.from([0x41, 0xff, 0xfe, 0x42]), /UTF-8/],
    ['an unknown outlet', 'r2m/pdu1/outlet/99/name/set', 'x', /unknown outlet 99/],
    ['an outlet that is not a number', 'r2m/pdu1/outlet/abc/name/set', 'x', /integer/],
    ['an unknown PDU', 'r2m/nope/outlet/1/name/set', 'x', /unknown pdu/],
    ['JSON garbage', 'r2m/bridge/request/outlet/rename', '{"pdu": "pdu1", ', /not valid JSON/],
    ['a JSON array', 'r2m/bridge/request/outlet/rename', '[1,2]', /JSON object/],
    [
      'a 10 kB request',
      'r2m/bridge/request/outlet/rename',
      JSON.stringify({ pdu: 'pdu1', outlet: 1, name: 'x'.repeat(10_000) }),
      /too large/,
    ],
    ['a request without a name', 'r2m/bridge/request/outlet/rename', '{"pdu":"pdu1","outlet":1}', /string/],
    ['switching when it is off', 'r2m/pdu1/outlet/1/set', 'OFF', /switching is disabled/],
  ];
  for (const [what, topic, payload, expected] of bad) {
    it(`answers ${what} with an error and changes nothing`, async () => {
      const s = setup();
      const reply = await s.send(topic, payload);
      expect(reply?.response.status).toBe('error');
      expect(reply?.response.error).toMatch(expected);
      expect(reply?.response.data).toEqual({});
      expect(s.names.size).toBe(0);
    });
  }

  it('answers an unknown request on its own response topic, with the transaction', async () => {
    const s = setup();
    expect(await s.send('r2m/bridge/request/outlet/explode', '{"transaction": 7}')).toEqual({
      action: 'outlet/explode',
      response: { status: 'error', data: {}, error: 'unknown request outlet/explode', transaction: 7 },
    });
  });

  it('ignores topics that are not commands', async () => {
    const s = setup();
    expect(await s.send('r2m/pdu1/outlet/1', '{}')).toBeUndefined();
    expect(await s.send('r2m/bridge/request/has space', '{}')).toBeUndefined();
  });

  it('never executes nor answers a retained command, on any command topic', async () => {
    const s = setup();
    const topics: Array<[string, string]> = [
      ['r2m/pdu1/outlet/2/name/set', 'Hijacked'],
      ['r2m/pdu1/outlet/2/set', 'OFF'],
      ['r2m/bridge/request/outlet/rename', '{"pdu":"pdu1","outlet":2,"name":"Hijacked"}'],
      ['r2m/bridge/request/outlet/switch', '{"pdu":"pdu1","outlet":2,"action":"off"}'],
    ];
    for (const [topic, payload] of topics) expect(await s.send(topic, payload, true)).toBeUndefined();
    expect(s.names.size).toBe(0);
    expect(s.retained).toEqual(topics.map(([t]) => t));
    // A retained message on a topic that is not a command is none of the guard's business.
    expect(await s.send('r2m/pdu1/outlet/2', '{}', true)).toBeUndefined();
    expect(s.retained).toHaveLength(4);
    // The same message live is a command.
    expect((await s.send('r2m/pdu1/outlet/2/name/set', 'Printer'))?.response.status).toBe('ok');
  });

  it('warns once per retained command topic, however often the broker replays it', () => {
    const cap = captureLog('debug');
    const note = retainedCommandLog(cap.log);
    for (let i = 0; i < 5; i++) {
      note('r2m/pdu1/outlet/1/set');
      note('r2m/pdu1/outlet/2/set');
    }
    const warnings = cap.entries().filter((e) => e.level === WARN);
    expect(warnings.map((e) => e.topic)).toEqual(['r2m/pdu1/outlet/1/set', 'r2m/pdu1/outlet/2/set']);
    expect(cap.entries().filter((e) => e.msg === 'ignored a retained command message')).toHaveLength(10);
    // A flood of distinct topics stays a bounded number of warnings.
    for (let i = 0; i < 1000; i++) note(`r2m/x${i}/outlet/1/set`);
    expect(cap.entries().filter((e) => e.level === WARN).length).toBeLessThanOrEqual(258);
  });
});
