import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPduReader } from '../../bridge/snmp/reader.ts';
import { SnmpError } from '../../bridge/snmp/session.ts';

/** A UDP "agent" that answers every request with bytes that are not SNMP at all. */
describe('an agent that answers garbage', () => {
  let socket: Socket;
  let port = 0;
  let received = 0;
  beforeAll(async () => {
    socket = createSocket('udp4');
    socket.on('message', (_msg, rinfo) => {
      received++;
      socket.send(
        Buffer.from([0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x09, 0xde, 0xad]),
        rinfo.port,
        rinfo.address,
      );
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    port = socket.address().port;
  });
  afterAll(() => socket.close());

  it('gives a clear error, not a crash and not a reading', async () => {
    const reader = createPduReader({
      source: 'junk',
      target: { host: '127.0.0.1', port, version: '2c', community: 'public', timeout: 300, retries: 1 },
      layoutRefreshMs: 60_000,
    });
    try {
      const error = await reader.read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SnmpError);
      expect(['timeout', 'protocol']).toContain((error as SnmpError).kind);
      expect(received).toBeGreaterThanOrEqual(1);
    } finally {
      reader.close();
    }
  });
});
