import { describe, expect, it } from 'vitest';
import { buildDiscovery } from '../../bridge/mqtt/discovery.ts';
import { parseOwnedConfig, staleForRemovedPdus, staleOutlets, staleUnits } from '../../bridge/mqtt/sweep.ts';
import { sourceOfUnit } from '../../bridge/readings.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';

const o = { baseTopic: 'r2m', discoveryPrefix: 'homeassistant', bridgeId: 'b1' };
const opts = {
  ...o,
  swVersion: '1',
  allowSwitching: false,
  canWrite: true,
  protectedOutlets: new Set<number>(),
  maxNameLength: 64,
};

function retained(id: string, outlets: number) {
  return buildDiscovery(sampleReading({ id, serial: id.toUpperCase(), outlets }), opts).map((m) => {
    const owned = parseOwnedConfig(m.topic, JSON.stringify(m.payload), o);
    if (!owned) throw new Error(`not recognised: ${m.topic}`);
    return owned;
  });
}

describe('discovery hygiene', () => {
  it('recognises our configs and which unit and outlet they describe', () => {
    const [pdu, outlet1] = retained('pdu1', 2);
    expect(pdu?.pdu).toBe('pdu1');
    expect(pdu?.outlet).toBeUndefined();
    expect(outlet1).toMatchObject({ pdu: 'pdu1', outlet: 1 });
  });

  it("never claims another bridge's or another program's configs", () => {
    const m = buildDiscovery(sampleReading(), opts)[1];
    if (!m) throw new Error('no message');
    const payload = JSON.stringify(m.payload);
    expect(parseOwnedConfig(m.topic, payload, { ...o, bridgeId: 'b2' })).toBeUndefined();
    expect(parseOwnedConfig(m.topic, payload, { ...o, baseTopic: 'elsewhere' })).toBeUndefined();
    expect(
      parseOwnedConfig(
        'homeassistant/device/b1_x/config',
        JSON.stringify({ ...m.payload, origin: { name: 'zigbee2mqtt' } }),
        o,
      ),
    ).toBeUndefined();
    expect(parseOwnedConfig('homeassistant/device/b1_x/config', 'not json', o)).toBeUndefined();
    expect(parseOwnedConfig('homeassistant/device/b1_x/config', '', o)).toBeUndefined();
  });

  it('maps linked units to their source', () => {
    expect(sourceOfUnit('pdu1-2', ['pdu1'])).toBe('pdu1');
    expect(sourceOfUnit('pdu1', ['pdu1'])).toBe('pdu1');
    expect(sourceOfUnit('pdu10', ['pdu1'])).toBeUndefined();
    expect(sourceOfUnit('pdu1-x', ['pdu1'])).toBeUndefined();
  });

  it('finds configs of PDUs removed from the config file', () => {
    const all = [...retained('pdu1', 2), ...retained('pdu1-2', 1), ...retained('old', 2)];
    expect(staleForRemovedPdus(all, ['pdu1']).map((c) => c.topic)).toEqual([
      'homeassistant/device/b1_old/config',
      'homeassistant/device/b1_old_outlet_1/config',
      'homeassistant/device/b1_old_outlet_2/config',
    ]);
  });

  it('finds configs of outlets beyond the current count, and of linked units gone', () => {
    const all = [...retained('pdu1', 4), ...retained('pdu1-2', 1)];
    expect(staleOutlets(all, 'pdu1', 2).map((c) => c.outlet)).toEqual([3, 4]);
    expect(staleUnits(all, 'pdu1', ['pdu1']).map((c) => c.pdu)).toEqual(['pdu1-2', 'pdu1-2']);
  });
});
