import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOid } from '../../bridge/traps/notifications.ts';
import { createTrapReceiver, type TrapReceiver, type TrapSeen } from '../../bridge/traps/receiver.ts';
import { loadConfig } from '../../config/load.ts';
import { freeUdpPort } from '../../support/ports.ts';
import { captureLog } from '../helpers/log-capture.ts';

/**
 * SNMPv3 traps (authPriv, SHA/AES) sent with Debian's snmptrap to the bridge's receiver: the PDU's v3
 * user with its keys is accepted; a wrong authentication key or privacy key is refused (net-snmp
 * checks the digest and decrypts), counted, and never logged with the keys or digests it came with.
 */

const SNMPTRAP = '/usr/bin/snmptrap';
const run = promisify(execFile);
const AUTH = 'auth-Key-5b21c9';
const PRIV = 'priv-Key-77e0d4';

describe.skipIf(!existsSync(SNMPTRAP))('SNMPv3 traps', () => {
  let receiver: TrapReceiver;
  let port: number;
  const seen: TrapSeen[] = [];
  const logs = captureLog('debug');

  const send = (auth: string, priv: string) =>
    run(SNMPTRAP, [
      '-v3',
      '-e',
      '0x80001f8880a1b2c3d4',
      '-u',
      'monitor',
      '-l',
      'authPriv',
      '-a',
      'SHA',
      '-A',
      auth,
      '-x',
      'AES',
      '-X',
      priv,
      `127.0.0.1:${port}`,
      '',
      notificationOid(63),
    ]);
  async function until(pred: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`not within 10 s: ${JSON.stringify(receiver.stats)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    port = await freeUdpPort();
    const config = loadConfig({
      env: {},
      overrides: {
        pdus: [
          {
            id: 'lab',
            host: '127.0.0.1',
            version: '3',
            v3: { user: 'monitor', level: 'authPriv', authProtocol: 'sha', authKey: AUTH, privKey: PRIV },
          },
        ],
      },
    });
    receiver = createTrapReceiver({
      log: logs.log,
      port,
      host: '127.0.0.1',
      pdus: config.pdus,
      community: null,
      serialOwner: () => undefined,
      onTrap: (t) => seen.push(t),
    });
    await receiver.start();
    expect(receiver.port).toBe(port);
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  it("accepts the PDU's v3 user with its keys", async () => {
    await send(AUTH, PRIV);
    await until(() => receiver.stats.accepted === 1);
    expect(seen).toEqual([
      expect.objectContaining({ source: 'lab', notification: 'outletSensorStateChange', from: '127.0.0.1' }),
    ]);
  });

  it('refuses a wrong authentication or privacy key, without logging keys or digests', async () => {
    await send('wrong-Auth-0000', PRIV);
    await send(AUTH, 'wrong-Priv-0000');
    await until(() => receiver.stats.refused === 2);
    expect(receiver.stats.accepted).toBe(1);
    expect(seen).toHaveLength(1);
    for (const line of logs.lines) {
      for (const secret of [AUTH, PRIV, 'wrong-Auth-0000', 'wrong-Priv-0000', 'digest'])
        expect(line).not.toContain(secret);
    }
  });
});
