import type { MqttConfig, PduConfig } from '../../config/types.ts';
import type { Bus } from '../bus.ts';
import type { Commands } from '../commands.ts';
import type { Logger } from '../log.ts';
import type { PduReading, PollResult } from '../readings.ts';
import type { BridgeSelf } from '../self.ts';

/** The MQTT side's options, dependencies and interface (consumer.ts implements it). */

/**
 * The Config's mqtt section as it is (an unset url, credential or CA is null; wsPort null is "none").
 * The embedded broker's keys may be left out by a caller that brings its own broker.
 */
export type MqttOptions = Pick<
  MqttConfig,
  'port' | 'baseTopic' | 'discoveryPrefix' | 'discovery' | 'refreshInterval' | 'bridgeId'
> &
  Partial<Pick<MqttConfig, 'url' | 'wsPort' | 'host' | 'username' | 'password' | 'ca'>>;

/** What MQTT needs of a configured PDU; `canWrite` is hasWriteAccess. */
export type MqttPduOptions = Pick<
  PduConfig,
  'id' | 'allowSwitching' | 'protectedOutlets' | 'maxNameLength'
> & {
  canWrite: boolean;
  /** The PDU's web page, for its Home Assistant device (`configuration_url`). */
  configurationUrl?: string;
};

export interface MqttConsumerDeps {
  log: Logger;
  mqtt: MqttOptions;
  pdus: MqttPduOptions[];
  commands: Commands;
  /** Polls and availability changes arrive here; without a bus, call publishPoll/publishAvailability. */
  bus?: Bus;
  /** How long start() waits for the first connection before going on without it, ms (10 s). */
  startWaitMs?: number;
  /** How long an overwrite of one of the bridge's own retained topics stands before it is restored, ms. */
  restoreDelayMs?: number;
  /**
   * The bridge's own description (bridge/self.ts): with it, `bridge/info`, `bridge/health`,
   * `bridge/event`, the bridge's Home Assistant device and the health_check and options requests.
   */
  self?: BridgeSelf;
  /** bridge/health refresh, ms (tests). */
  healthMs?: number;
}

export interface PollMeta {
  durationMs: number;
  requests: number;
}

export interface MqttConsumer {
  readonly name: 'mqtt';
  start(): Promise<void>;
  stop(): Promise<void>;
  publishReading(reading: PduReading, meta: PollMeta): void;
  publishAvailability(id: string, online: boolean): void;
  /** A whole good poll: every unit's reading and the sweep of linked units gone. A failed poll changes nothing. */
  publishPoll(result: PollResult): void;
  readonly connected: boolean;
  /** The broker URL in use once started (the embedded broker's, with its real port), without credentials. */
  readonly url: string | undefined;
  /**
   * Announce discovery and state again, coalesced like Home Assistant's birth (birth.ts); an error
   * text when that cannot happen now.
   */
  republish(): string | undefined;
}
