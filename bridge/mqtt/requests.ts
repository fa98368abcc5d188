import type { CommandResult, Commands } from '../commands.ts';
import type { Logger } from '../log.ts';
import type { BridgeSelf } from '../self.ts';
import { parseCommandTopic, type TopicOptions } from './topics.ts';

/**
 * MQTT's side of the command module: turns a message on a command topic into a call of
 * bridge/commands.ts and the zigbee2mqtt-style response (docs/mqtt.md):
 * `{ status: 'ok'|'error', data, error?, transaction? }` on `bridge/response/<action>`.
 * The plain-text topics (`…/name/set`, `…/set`) answer on the same response topics, without a
 * transaction, so a failed command from HA is visible on MQTT too. Nothing here throws.
 */

export interface Response {
  status: 'ok' | 'error';
  data: unknown;
  error?: string;
  transaction?: string | number;
}

export interface RequestReply {
  /** The `<action>` of `bridge/response/<action>`. */
  action: string;
  response: Response;
}

/** A name is at most 255 bytes; a request carries little more. Anything larger is refused unread. */
export const MAX_TEXT_PAYLOAD = 1024;
export const MAX_JSON_PAYLOAD = 4096;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(payload: Buffer, limit: number): { ok: true; text: string } | { ok: false; error: string } {
  if (payload.length > limit)
    return { ok: false, error: `payload too large (${payload.length} bytes, at most ${limit})` };
  try {
    return { ok: true, text: decoder.decode(payload) };
  } catch {
    return { ok: false, error: 'payload is not valid UTF-8' };
  }
}

function reply<T>(action: string, result: CommandResult<T>, transaction?: string | number): RequestReply {
  const response: Response =
    result.status === 'ok'
      ? { status: 'ok', data: result.data }
      : { status: 'error', data: {}, error: result.error };
  if (transaction !== undefined) response.transaction = transaction;
  return { action, response };
}

const error = (action: string, message: string, transaction?: string | number) =>
  reply(action, { status: 'error', error: message }, transaction);

function transactionOf(body: Record<string, unknown>): string | number | undefined {
  const t = body.transaction;
  if (typeof t === 'number' && Number.isFinite(t)) return t;
  if (typeof t === 'string' && t.length <= 128) return t;
  return undefined;
}

/** Topics remembered for the once-per-topic warning; past this, one more line says the rest are quiet. */
const RETAINED_WARN_LIMIT = 256;

/**
 * What to do with a retained message on a command topic: nothing. It is a command from the past that
 * the broker hands out again on every subscription, so every reconnect of the bridge would switch the
 * outlet again (MQTT 3.1.1 section 3.3.1.3: the RETAIN flag is set only on messages sent because of a
 * new subscription; a live command arrives without it). Home Assistant publishes commands with retain
 * off unless told otherwise (its MQTT switch's `retain` option, default false), and our discovery
 * never tells it otherwise. Warned once per topic, at debug every time after; docs/commands.md.
 */
export function retainedCommandLog(log: Logger): (topic: string) => void {
  const warned = new Set<string>();
  return (topic) => {
    log.debug({ topic }, 'ignored a retained command message');
    if (warned.has(topic) || warned.size > RETAINED_WARN_LIMIT) return;
    warned.add(topic);
    if (warned.size > RETAINED_WARN_LIMIT) {
      log.warn('more retained command messages ignored: not warning about each any more');
      return;
    }
    // The topic stays a log field, never part of a command line to paste: anyone may choose it.
    log.warn(
      { topic },
      'ignored a retained command message: commands are never retained; clear it on the broker (docs/commands.md)',
    );
  };
}

export interface CommandMessageMeta {
  /** The packet's RETAIN flag. */
  retain?: boolean;
  /** Told about every retained command message, which is never executed. */
  onRetained?: (topic: string) => void;
  /** The bridge's own health and options (health_check, options); without it they are unknown. */
  self?: Pick<BridgeSelf, 'health' | 'setOptions'>;
}

/** The requests `bridge/request/<action>` understands (docs/mqtt.md, "Requests"). */
export const REQUEST_ACTIONS = [
  'outlet/rename',
  'outlet/switch',
  'poll_now',
  'republish_discovery',
  'health_check',
  'options',
] as const;

export async function handleCommandMessage(
  at: Pick<TopicOptions, 'baseTopic' | 'bridgeId'>,
  topic: string,
  payload: Buffer,
  commands: Commands,
  meta: CommandMessageMeta = {},
): Promise<RequestReply | undefined> {
  const parsed = parseCommandTopic(at, topic);
  // No response either: one would repeat on every reconnect, for a command nobody sent just now.
  if (parsed.kind !== 'other' && meta.retain) {
    meta.onRetained?.(topic);
    return undefined;
  }
  switch (parsed.kind) {
    case 'other':
      return undefined;
    case 'name': {
      const text = decode(payload, MAX_TEXT_PAYLOAD);
      if (!text.ok) return error('outlet/rename', text.error);
      return reply(
        'outlet/rename',
        await commands.rename({ pdu: parsed.pdu, outlet: parsed.outlet, name: text.text }),
      );
    }
    case 'switch': {
      const text = decode(payload, MAX_TEXT_PAYLOAD);
      if (!text.ok) return error('outlet/switch', text.error);
      return reply(
        'outlet/switch',
        await commands.switchOutlet({ pdu: parsed.pdu, outlet: parsed.outlet, action: text.text }),
      );
    }
    case 'request': {
      const action = (REQUEST_ACTIONS as readonly string[]).includes(parsed.action)
        ? parsed.action
        : undefined;
      // An unknown action is answered on its own response topic, unless its name is garbage.
      if (!action && !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(parsed.action)) return undefined;
      if (!action && parsed.action.length > 64) return undefined;
      const text = decode(payload, MAX_JSON_PAYLOAD);
      let body: Record<string, unknown> = {};
      let bodyError: string | undefined;
      if (!text.ok) bodyError = text.error;
      // An empty request (zigbee2mqtt's health_check is often sent so) is `{}`.
      else if (text.text.trim() !== '') {
        try {
          const json: unknown = JSON.parse(text.text);
          if (typeof json === 'object' && json !== null && !Array.isArray(json))
            body = json as Record<string, unknown>;
          else bodyError = 'request must be a JSON object';
        } catch {
          bodyError = 'request is not valid JSON';
        }
      }
      const transaction = transactionOf(body);
      if (!action) return error(parsed.action, `unknown request ${parsed.action}`, transaction);
      if (bodyError) return error(action, bodyError, transaction);
      switch (action) {
        case 'poll_now':
          return reply(action, commands.pollNow({ pdu: body.pdu }), transaction);
        case 'republish_discovery':
          return reply(action, commands.republishDiscovery(), transaction);
        case 'health_check':
          if (!meta.self) return error(action, 'health_check is not available here', transaction);
          return reply(action, { status: 'ok', data: meta.self.health() }, transaction);
        case 'options':
          if (!meta.self) return error(action, 'options are not available here', transaction);
          return reply(action, meta.self.setOptions(body), transaction);
      }
      if (action === 'outlet/rename') {
        return reply(
          action,
          await commands.rename({ pdu: body.pdu, outlet: body.outlet, name: body.name }),
          transaction,
        );
      }
      return reply(
        action,
        await commands.switchOutlet({
          pdu: body.pdu,
          outlet: body.outlet,
          action: body.action ?? body.state,
        }),
        transaction,
      );
    }
  }
}
