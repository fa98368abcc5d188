import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../bridge/log.ts';
import { createAnnouncer } from '../../bridge/mqtt/announcer.ts';
import type { MqttPduOptions } from '../../bridge/mqtt/consumer.ts';
import { buildDiscovery } from '../../bridge/mqtt/discovery.ts';
import { createOutbox } from '../../bridge/mqtt/outbox.ts';
import { parseOwnedConfig } from '../../bridge/mqtt/sweep.ts';
import { topics } from '../../bridge/mqtt/topics.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';

const options = { baseTopic: 'r2m', discoveryPrefix: 'ha', bridgeId: 'b' };

function setup(
  pdus: MqttPduOptions[] = [
    { id: 'pdu1', allowSwitching: false, canWrite: true, protectedOutlets: [], maxNameLength: 64 },
  ],
) {
  const sent: Array<[string, string]> = [];
  const outbox = createOutbox({
    refreshMs: 3_600_000,
    online: () => true,
    send: (t, p) => sent.push([t, p]),
  });
  const announcer = createAnnouncer({ log: silentLogger, topics: topics(options), options, pdus, outbox });
  return { sent, announcer };
}

describe('announcer', () => {
  it('announces once, and again only when a name changes', () => {
    const s = setup();
    s.announcer.announce(sampleReading());
    expect(s.sent).toHaveLength(5);
    s.announcer.announce(sampleReading());
    expect(s.sent).toHaveLength(5);
    s.announcer.announce(sampleReading({ names: ['NAS', 'Printer', '', ''] }));
    expect(s.sent.map(([t]) => t)).toEqual([
      ...s.sent.slice(0, 5).map(([t]) => t),
      'ha/device/b_pdu1_outlet_2/config',
    ]);
    expect(JSON.parse(s.sent.at(-1)?.[1] ?? '{}').device.name).toBe('pdu1: Printer');
  });

  it('clears the configs and state topics of a PDU removed from the config, at adoption', () => {
    const s = setup();
    const old = buildDiscovery(sampleReading({ id: 'gone', outlets: 1 }), {
      ...options,
      swVersion: '0',
      allowSwitching: false,
      canWrite: true,
      protectedOutlets: new Set<number>(),
      maxNameLength: 64,
    });
    const found = old
      .map((m) => parseOwnedConfig(m.topic, JSON.stringify(m.payload), options))
      .filter((c) => c !== undefined);
    s.announcer.adopt(found);
    expect(s.sent).toEqual(
      expect.arrayContaining([
        ['ha/device/b_gone/config', ''],
        ['ha/device/b_gone_outlet_1/config', ''],
        ['r2m/gone', ''],
        ['r2m/gone/availability', ''],
        ['r2m/gone/outlet/1', ''],
      ]),
    );
  });

  it('clears the outlets a unit no longer has and the linked units a source no longer has', () => {
    const s = setup();
    s.announcer.announce(sampleReading({ outlets: 3 }));
    s.announcer.announce({
      ...sampleReading({ id: 'pdu1-2', serial: 'S2', outlets: 1 }),
      source: 'pdu1',
      unit: 2,
    });
    s.sent.length = 0;
    s.announcer.announce(sampleReading({ outlets: 2 }));
    expect(s.sent).toContainEqual(['ha/device/b_pdu1_outlet_3/config', '']);
    s.sent.length = 0;
    s.announcer.unitsSeen('pdu1', ['pdu1']);
    expect(s.sent.map(([t]) => t)).toEqual(
      expect.arrayContaining(['ha/device/b_pdu1_2/config', 'ha/device/b_pdu1_2_outlet_1/config']),
    );
    expect(s.sent.every(([, p]) => p === '')).toBe(true);
  });

  it('sweeps linked units again after adopting the configs found on the broker', () => {
    const s = setup();
    const unit2 = { ...sampleReading({ id: 'pdu1-2', serial: 'S2', outlets: 1 }), source: 'pdu1', unit: 2 };
    s.announcer.announce(sampleReading({ outlets: 1 }));
    s.announcer.announce(unit2);
    s.announcer.unitsSeen('pdu1', ['pdu1', 'pdu1-2']);
    s.announcer.unitsSeen('pdu1', ['pdu1', 'pdu1-2']);
    expect(s.sent.some(([, p]) => p === '')).toBe(false);
    // The broker comes (back) late and holds configs of unit 2 from an earlier run; unit 2 is gone now.
    s.announcer.unitsSeen('pdu1', ['pdu1']);
    s.sent.length = 0;
    const old = buildDiscovery(unit2, {
      ...options,
      swVersion: '0',
      allowSwitching: false,
      canWrite: true,
      protectedOutlets: new Set<number>(),
      maxNameLength: 64,
    });
    s.announcer.adopt(
      old
        .map((m) => parseOwnedConfig(m.topic, JSON.stringify(m.payload), options))
        .filter((c) => c !== undefined),
    );
    expect(s.sent).toEqual([]);
    s.announcer.unitsSeen('pdu1', ['pdu1']);
    expect(s.sent.map(([t]) => t)).toEqual(
      expect.arrayContaining(['ha/device/b_pdu1_2/config', 'ha/device/b_pdu1_2_outlet_1/config']),
    );
    expect(s.sent.every(([, p]) => p === '')).toBe(true);
  });

  it('removes the switch of an outlet the PDU stops reporting as switchable (HA removal markers)', () => {
    const s = setup([
      { id: 'pdu1', allowSwitching: true, canWrite: true, protectedOutlets: [], maxNameLength: 64 },
    ]);
    s.announcer.announce(sampleReading());
    const topic = 'ha/device/b_pdu1_outlet_1/config';
    const config = () => JSON.parse(s.sent.filter(([t]) => t === topic).at(-1)?.[1] ?? '{}');
    expect(config().components.switch.command_topic).toBe('r2m/pdu1/outlet/1/set');
    const sent = s.sent.length;
    s.announcer.announce(sampleReading({ unswitchable: [1] }));
    // Only that outlet's config changes, and it tells HA to drop both entities.
    expect(s.sent.slice(sent).map(([t]) => t)).toEqual([topic]);
    expect(config().components.switch).toEqual({ platform: 'switch' });
    expect(config().components.cycle).toEqual({ platform: 'button' });
    expect(config().components.state.platform).toBe('binary_sensor');
    // And back: the switch returns, without the old markers.
    s.announcer.announce(sampleReading());
    expect(config().components.switch.platform).toBe('switch');
    expect(Object.keys(config().components.switch).length).toBeGreaterThan(1);
  });

  it('announces no switch for a protected outlet of a linked unit, by its unit number', () => {
    const s = setup([
      {
        id: 'pdu1',
        allowSwitching: true,
        canWrite: true,
        protectedOutlets: [{ unit: 2, outlet: 3 }],
        maxNameLength: 64,
      },
    ]);
    const unit2 = { ...sampleReading({ id: 'pdu1-2', serial: 'U2' }), source: 'pdu1', unit: 2 };
    s.announcer.announce(sampleReading());
    s.announcer.announce(unit2);
    const components = (topic: string) =>
      Object.keys(JSON.parse(s.sent.find(([t]) => t === topic)?.[1] ?? '{}').components ?? {});
    expect(components('ha/device/b_pdu1_outlet_3/config')).toContain('switch');
    expect(components('ha/device/b_pdu1_2_outlet_3/config')).not.toContain('switch');
    expect(components('ha/device/b_pdu1_2_outlet_1/config')).toContain('switch');
  });
});
