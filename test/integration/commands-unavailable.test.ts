import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeStack, startBridgeStack } from '../../support/bridge-stack.ts';
import { watch } from '../helpers/mqtt-client.ts';

/**
 * A command for a configured PDU that has never answered is refused with what is wrong ("has not
 * answered yet", 503 on HTTP: the same request may work later), not "unknown pdu", which is kept for
 * ids nobody configured.
 */
describe('commands for a PDU that has not answered', () => {
  let stack: BridgeStack;
  beforeAll(async () => {
    stack = await startBridgeStack({ days: 0, pdus: [{ id: 'pdu1' }, { id: 'rack-b', silent: true }] });
  }, 120_000);
  afterAll(() => stack?.stop());

  const rename = (pdu: string) =>
    fetch(`${stack.url}/api/update-port-name`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pdu, port: 1, name: 'x' }),
    });

  it('HTTP: 503 and "has not answered yet" for a configured PDU, 400 "unknown pdu" for an unknown one', async () => {
    const waiting = await rename('rack-b');
    expect(waiting.status).toBe(503);
    expect(((await waiting.json()) as { error: string }).error).toMatch(
      /^rack-b has not answered yet \(127\.0\.0\.1:\d+\): nothing was changed$/,
    );
    const unknown = await rename('rack-z');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/unknown pdu/);
  });

  it('MQTT: the same answer on the response topic', async () => {
    const w = await watch(stack.bridge.mqtt.url!, ['raritan2mqtt/bridge/response/outlet/rename']);
    await w.client.publishAsync('raritan2mqtt/rack-b/outlet/1/name/set', 'x', { qos: 1 });
    const reply = await w.waitFor((m) => m.topic.endsWith('/rename'));
    expect(JSON.parse(reply.payload)).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/has not answered yet/),
    });
    await w.close();
  });
});
