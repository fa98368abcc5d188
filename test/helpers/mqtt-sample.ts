import {
  type OutletReading,
  type PduReading,
  PLAIN_OUTLET,
  PLAIN_UNIT,
  type PollResult,
} from '../../bridge/readings.ts';

/**
 * A small, plausible PduReading for MQTT tests (not a real walk): outlet 2 is idle, so its power
 * factor is unavailable (null), as 15 of 24 outlets in the real PX3 walk.
 */
export function sampleReading(
  overrides: {
    id?: string;
    serial?: string;
    outlets?: number;
    names?: string[];
    /** Outlets the PDU reports as not switchable (outletSwitchable false); the rest are, as on the PX3 walk. */
    unswitchable?: number[];
  } = {},
): PduReading {
  const count = overrides.outlets ?? 4;
  const outlets: OutletReading[] = [];
  for (let n = 1; n <= count; n++) {
    const idle = n % 2 === 0;
    outlets.push({
      outlet: n,
      label: String(n),
      name: overrides.names?.[n - 1] ?? (n === 1 ? 'NAS' : ''),
      state: n === 4 ? 'off' : 'on',
      power: idle ? 0 : 10 * n,
      apparent_power: idle ? 0 : 12 * n,
      current: idle ? 0 : 0.05 * n,
      voltage: 229,
      power_factor: idle ? null : 0.83,
      energy: 1.5 * n,
      energy_counter: 1500 * n,
      rated_power: 2400,
      switchable: !overrides.unswitchable?.includes(n),
      ...PLAIN_OUTLET,
    });
  }
  const power = outlets.reduce((s, o) => s + (o.power ?? 0), 0);
  return {
    id: overrides.id ?? 'pdu1',
    source: overrides.id ?? 'pdu1',
    unit: 1,
    time: Date.UTC(2025, 0, 1, 12, 0, 0),
    identity: {
      name: '',
      model: 'PX3-5892',
      serial: overrides.serial ?? 'QV12345678',
      firmware: '4.0.20.5-48250',
    },
    inlet: {
      power,
      apparent_power: power * 1.2,
      current: 0.5,
      voltage: 230,
      power_factor: 0.84,
      energy: 123.456,
      frequency: 50,
      energy_counter: 123_456,
      rated_power: 7680,
      rated_current: 32,
    },
    outlets,
    outlets_on: outlets.filter((o) => o.state === 'on').length,
    ...PLAIN_UNIT,
  };
}

/** A good poll of `units` as the poller reports it (it is online after a good poll). */
export function goodPoll(
  units: PduReading[],
  extra: { durationMs?: number; requests?: number } = {},
): PollResult {
  return {
    ok: true,
    source: units[0]?.source ?? 'pdu1',
    time: units[0]?.time ?? Date.now(),
    units,
    online: true,
    intervalMs: 60_000,
    durationMs: extra.durationMs ?? 1,
    requests: extra.requests ?? 1,
  };
}

/**
 * What the poller and the bus do for a direct MqttConsumer in a test: availability first (the poller
 * owns it), then the poll.
 */
export function publishGoodPoll(
  bridge: { publishAvailability(id: string, online: boolean): void; publishPoll(r: PollResult): void },
  poll: PollResult,
): void {
  if (poll.ok) for (const u of poll.units) bridge.publishAvailability(u.id, true);
  bridge.publishPoll(poll);
}
