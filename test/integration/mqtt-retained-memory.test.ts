import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../bridge/log.ts';
import { createEmbeddedBroker } from '../../bridge/mqtt/broker.ts';
import { buildDiscovery } from '../../bridge/mqtt/discovery.ts';
import { COMPACT_FROM_BYTES } from '../../bridge/mqtt/retained-store.ts';
import { watch } from '../helpers/mqtt-client.ts';
import { sampleReading } from '../helpers/mqtt-sample.ts';

interface RetainedStore {
  persistence: {
    asyncPersistence: {
      createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer | string }>;
    };
  };
}

/**
 * A retained payload must not pin the socket chunk it arrived in: at 7,200 outlets the embedded broker
 * otherwise held ~150 MB of read buffers for ~30 MB of retained configs.
 */
describe('embedded broker retained messages', () => {
  it('keeps no retained payload as a slice of the socket chunk it arrived in', async () => {
    const broker = createEmbeddedBroker({ log: silentLogger, port: 0 });
    const { port } = await broker.start();
    const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0 });
    try {
      // Many messages in one write, so they arrive in one large socket chunk.
      for (let i = 0; i < 40; i++) client.publish(`t/${i}`, 'x'.repeat(3000 + i), { retain: true });
      await client.publishAsync('t/last', 'done', { retain: true, qos: 1 });
      const store = (broker.aedes as unknown as RetainedStore).persistence.asyncPersistence;
      let seen = 0;
      for await (const packet of store.createRetainedStream('t/#')) {
        // A string (the compact store) holds a copy; a Buffer must be one of its own size.
        const p = packet.payload;
        expect(typeof p === 'string' || p.buffer.byteLength === p.length, packet.topic).toBe(true);
        seen++;
      }
      expect(seen).toBe(41);
    } finally {
      await client.endAsync();
      await broker.stop();
    }
  });

  it('keeps large payloads deflated and hands every subscriber exactly what was published', async () => {
    const broker = createEmbeddedBroker({ log: silentLogger, port: 0 });
    const { port } = await broker.start();
    const url = `mqtt://127.0.0.1:${port}`;
    const client = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
    // A real outlet discovery config (repetitive JSON), a payload zlib cannot shrink, one just under
    // the threshold, binary ones (not UTF-8), UTF-8 text, and a topic cleared after being large.
    const config = JSON.stringify(
      buildDiscovery(sampleReading(), {
        baseTopic: 'raritan2mqtt',
        discoveryPrefix: 'homeassistant',
        bridgeId: 'r2m',
        swVersion: '0.0.0',
        allowSwitching: true,
        canWrite: true,
        protectedOutlets: new Set(),
        maxNameLength: 64,
      })[1]?.payload,
    );
    const published = new Map<string, Buffer>([
      ['r/config', Buffer.from(config)],
      ['r/random', randomBytes(4000)],
      ['r/small', Buffer.from('y'.repeat(COMPACT_FROM_BYTES - 1))],
      ['r/binary', Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))],
      ['r/tiny-binary', Buffer.from([0xff, 0x00, 0x80, 0xc3])],
      ['r/utf8', Buffer.from('Büro Kühlschrank ☕')],
    ]);
    try {
      expect(config.length).toBeGreaterThan(COMPACT_FROM_BYTES);
      for (const [topic, payload] of published)
        await client.publishAsync(topic, payload, { retain: true, qos: 1 });
      await client.publishAsync('r/cleared', 'z'.repeat(5000), { retain: true, qos: 1 });
      await client.publishAsync('r/cleared', '', { retain: true, qos: 1 });

      const store = (broker.aedes as unknown as RetainedStore).persistence.asyncPersistence;
      const stored = new Map<string, number>();
      for await (const packet of store.createRetainedStream('r/#'))
        stored.set(packet.topic, packet.payload.length);
      expect([...stored.keys()].sort()).toEqual([...published.keys()].sort());
      expect(stored.get('r/config')).toBeLessThan(config.length / 4);
      expect(stored.get('r/random')).toBe(4000);
      expect(stored.get('r/small')).toBe(COMPACT_FROM_BYTES - 1);

      // A late subscriber (Home Assistant after a restart) gets the payloads byte for byte, retained.
      const late = await watch(url, ['r/#']);
      try {
        await late.settle();
        const got = new Map(late.seen.map((m) => [m.topic, m]));
        expect([...got.keys()].sort()).toEqual([...published.keys()].sort());
        for (const [topic, payload] of published) {
          expect(got.get(topic)?.retain, topic).toBe(true);
          expect(got.get(topic)?.raw.equals(payload), topic).toBe(true);
        }
      } finally {
        await late.close();
      }
      // A live subscriber receives the publish itself, never the stored form.
      const live = await watch(url, ['r/config']);
      try {
        await live.settle();
        const next = Buffer.from(`${config} `);
        const fresh = live.waitFor((m) => !m.retain);
        await client.publishAsync('r/config', next, { retain: true, qos: 1 });
        expect((await fresh).raw.equals(next)).toBe(true);
      } finally {
        await live.close();
      }
    } finally {
      await client.endAsync();
      await broker.stop();
    }
  });
});
