import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMPACT_FROM_BYTES, createCompactor, DICTIONARY_SAMPLES } from '../../bridge/mqtt/compact.ts';

/** Near-identical JSON like an outlet's discovery config: the outlet number differs. */
const config = (pdu: number, outlet: number) =>
  JSON.stringify({
    device: { identifiers: [`raritan_${pdu}_outlet_${outlet}`], name: `pdu${pdu} outlet ${outlet}` },
    components: Object.fromEntries(
      ['power', 'current', 'voltage', 'energy', 'power_factor', 'apparent_power'].map((f) => [
        f,
        {
          platform: 'sensor',
          unique_id: `raritan_${pdu}_outlet_${outlet}_${f}`,
          default_entity_id: `sensor.pdu${pdu}_outlet_${outlet}_${f}`,
          value_template: `{{ value_json.${f} }}`,
          state_class: 'measurement',
        },
      ]),
    ),
  });

describe('compact payload storage', () => {
  it('gives back every payload byte for byte, deflated or not, before and after the dictionary is learnt', () => {
    const c = createCompactor();
    const payloads = [
      Buffer.from(config(1, 1)),
      randomBytes(4000),
      Buffer.from('y'.repeat(COMPACT_FROM_BYTES - 1)),
      Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256)),
      ...Array.from({ length: 20 }, (_, i) => Buffer.from(config(2, i + 1))),
      Buffer.from('Büro Kühlschrank ☕'),
    ];
    const stored = payloads.map((p) => c.pack(p));
    for (const [i, p] of payloads.entries()) expect(c.unpack(stored[i]!).equals(p), String(i)).toBe(true);
    const d = payloads.map((p) => c.deflate(p));
    payloads.forEach((p, i) => {
      const x = d[i];
      if (x) expect(c.inflate(x.bytes, x.dictionary).equals(p)).toBe(true);
    });
    // Random bytes do not shrink (those above are in the dictionary now: new ones).
    expect(c.deflate(randomBytes(4000))).toBeUndefined();
    expect(d[2]).toBeUndefined(); // under the threshold
  });

  it('deflates a near-identical config to a fraction of its size once the dictionary is learnt', () => {
    const c = createCompactor();
    const plain = c.deflate(Buffer.from(config(1, 1)));
    expect(plain?.dictionary).toBe(false);
    for (let i = 2; i <= DICTIONARY_SAMPLES; i++) c.deflate(Buffer.from(config(1, i)));
    const raw = Buffer.from(config(7, 30));
    const learnt = c.deflate(raw);
    expect(learnt?.dictionary).toBe(true);
    expect(learnt!.bytes.length).toBeLessThan(plain!.bytes.length / 2);
    expect(c.inflate(learnt!.bytes, true).equals(raw)).toBe(true);
  });
});
