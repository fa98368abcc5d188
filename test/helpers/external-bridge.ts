import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createCommands } from '../../bridge/commands.ts';
import { type Logger, silentLogger } from '../../bridge/log.ts';
import { createMqttConsumer, type MqttConsumer, type MqttOptions } from '../../bridge/mqtt/consumer.ts';
import { bridgeRoot } from '../../bridge/mqtt/topics.ts';
import type { PduReading, PollResult } from '../../bridge/readings.ts';
import { type CapturedLog, type LogEntry, WARN } from './log-capture.ts';
import { retained } from './mqtt-client.ts';
import { goodPoll, publishGoodPoll, sampleReading } from './mqtt-sample.ts';

/**
 * Bridges pointed at an external broker, and the two outcomes the external-broker tests check:
 * the state arrives, or the connection is refused and the bridge stays up without leaking secrets.
 */

/** Distinctive passwords, so a scan of the log lines cannot miss them. */
export const PASSWORD = 'pw-Right-7f3a9c';
export const WRONG = 'pw-Wrong-91c2e4';

const commands = createCommands({ log: silentLogger, control: () => undefined, afterChange: async () => {} });
let seq = 0;

export function poll(units: PduReading[] = [sampleReading()]): PollResult {
  return goodPoll(units.map((u) => ({ ...u, time: Date.now() })));
}

export interface ExternalKit {
  startBridge(
    over: Partial<MqttOptions> & { url: string },
    log?: Logger,
    startWaitMs?: number,
  ): Promise<{ bridge: MqttConsumer; baseTopic: string }>;
  /** A temp dir removed by cleanup(). */
  tempDir(): string;
  /** Stops every bridge started, removes every temp dir (afterAll). */
  cleanup(): Promise<void>;
}

export function externalKit(): ExternalKit {
  const bridges: MqttConsumer[] = [];
  const dirs: string[] = [];
  return {
    async startBridge(over, log = silentLogger, startWaitMs = 10_000) {
      seq++;
      const baseTopic = `ext${seq}`;
      const bridge = createMqttConsumer({
        log,
        mqtt: {
          port: 0,
          baseTopic,
          discoveryPrefix: `haext${seq}`,
          discovery: true,
          refreshInterval: 3600,
          bridgeId: 'r2m',
          ...over,
        },
        pdus: [
          { id: 'pdu1', allowSwitching: false, canWrite: true, protectedOutlets: [], maxNameLength: 64 },
        ],
        commands,
        startWaitMs,
      });
      bridges.push(bridge);
      await bridge.start();
      return { bridge, baseTopic };
    },
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), 'r2m-external-'));
      dirs.push(dir);
      return dir;
    },
    async cleanup() {
      for (const b of bridges) await b.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** What a subscriber (with `options` to get in) finds retained once the bridge has published a poll. */
export async function stateArrives(
  bridge: MqttConsumer,
  baseTopic: string,
  url: string,
  options: Parameters<typeof retained>[2] = {},
): Promise<Map<string, string>> {
  expect(bridge.connected).toBe(true);
  publishGoodPoll(bridge, poll());
  const deadline = Date.now() + 10_000;
  let got = new Map<string, string>();
  while (!got.has(`${baseTopic}/pdu1/outlet/4`) && Date.now() < deadline)
    got = await retained(url, [`${baseTopic}/#`], options);
  expect(got.get(`${bridgeRoot({ baseTopic, bridgeId: 'r2m' })}/state`)).toBe('online');
  expect(got.get(`${baseTopic}/pdu1/availability`)).toBe('online');
  expect(JSON.parse(got.get(`${baseTopic}/pdu1`) ?? '{}')).toMatchObject({ serial: 'QV12345678' });
  expect(JSON.parse(got.get(`${baseTopic}/pdu1/outlet/4`) ?? '{}')).toHaveProperty('state');
  return got;
}

/**
 * A refused bridge: start() resolved, not connected, one warning per attempt that says why (matching
 * `reason`; mqtt.js reports a TLS failure twice), a second attempt after the backoff (it keeps
 * trying), polls accepted, and no password in any line.
 */
export async function refusedAndStillUp(
  bridge: MqttConsumer,
  cap: CapturedLog,
  reason: RegExp,
): Promise<void> {
  expect(bridge.connected).toBe(false);
  const isError = (e: LogEntry) => e.level === WARN && e.msg === 'MQTT connection error';
  const isRetry = (e: LogEntry) => e.msg === 'MQTT reconnect scheduled';
  await cap.waitFor(isRetry, 2);
  const attempts = cap.entries().filter((e) => isError(e) || isRetry(e));
  expect(attempts.slice(0, 4).map((e) => (isError(e) ? 'error' : 'retry'))).toEqual([
    'error',
    'retry',
    'error',
    'retry',
  ]);
  for (const e of attempts.filter(isError)) expect(String(e.err)).toMatch(reason);
  expect(() => bridge.publishPoll(poll())).not.toThrow();
  expect(bridge.connected).toBe(false);
  for (const line of cap.lines) {
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain(WRONG);
  }
}
