import {
  parseAction,
  parseOutlet,
  type SwitchAction,
  switchRefusal,
  validateName,
} from './facts/outlet-rules.ts';
import type { Logger } from './log.ts';

/**
 * The one command module (docs/architecture.md, docs/commands.md): MQTT and HTTP both call it, so a rename or a switch
 * is validated, written to the PDU, read back and re-polled the same way whoever asked. It never
 * throws for bad input: every answer is a value the transport turns into its own response.
 */

/** What the SNMP side (bridge/snmp/control.ts) implements for one configured PDU unit. */
export interface OutletControl {
  readonly outlets: number;
  /** Write credentials are configured (a write community or a v3 user with write access). */
  readonly canWrite: boolean;
  /** Opt-in per PDU (allowSwitching, default off). */
  readonly allowSwitching: boolean;
  /** Outlets of this unit the user listed in protectedOutlets: never switched. */
  readonly protectedOutlets: ReadonlySet<number>;
  /** outletSwitchable, as the PDU reported it with the last layout refresh. */
  switchable(outlet: number): boolean;
  /** The longest outletName the PDU accepts, in bytes. */
  readonly maxNameLength: number;
  /**
   * SET outletName, then GET it back; resolves the read-back name; rejects with an Error whose
   * message is user-facing (e.g. 'the PDU refused the write (noAccess)').
   */
  rename(outlet: number, name: string): Promise<string>;
  /** SET switchingOperation, read outletSwitchingState back. */
  switchOutlet(outlet: number, action: SwitchAction): Promise<'on' | 'off'>;
}

/**
 * `kind`, for a refusal the same request may overcome later: 'busy', the PDU's command queue is full;
 * 'unavailable', the PDU is configured but has not answered yet or is offline.
 */
export type CommandResult<T> =
  | { status: 'ok'; data: T }
  | { status: 'error'; error: string; kind?: 'busy' | 'unavailable' };

export interface RenameData {
  pdu: string;
  outlet: number;
  name: string;
}

export interface SwitchData {
  pdu: string;
  outlet: number;
  state: 'on' | 'off';
}

export interface PollData {
  /** The configured PDUs asked to poll now. */
  pdus: string[];
}

export interface Commands {
  rename(request: { pdu: unknown; outlet: unknown; name: unknown }): Promise<CommandResult<RenameData>>;
  switchOutlet(request: {
    pdu: unknown;
    outlet: unknown;
    action: unknown;
  }): Promise<CommandResult<SwitchData>>;
  /**
   * Poll one PDU (a unit id or a configured id) or, without `pdu`, every PDU now: rate-limited per PDU
   * like a trap (bridge/traps/poll-scheduler.ts), answered once asked, not once polled.
   */
  pollNow(request: { pdu?: unknown }): CommandResult<PollData>;
  /** Announce Home Assistant discovery and every state again (as on Home Assistant's birth). */
  republishDiscovery(): CommandResult<Record<string, never>>;
}

export interface CommandsDeps {
  log: Logger;
  control: (pduId: string) => OutletControl | undefined;
  /**
   * For an id `control` has nothing for: why, when it is a configured PDU that cannot be written now
   * ("has not answered yet", "is offline"); undefined for an id nobody configured.
   */
  unavailable?: (pduId: string) => string | undefined;
  /** Re-poll the PDU so the new state reaches every consumer the normal way (docs/architecture.md). */
  afterChange: (pduId: string) => Promise<void>;
  /** The configured PDUs, and the one a unit id belongs to (for pollNow). */
  sources?: () => readonly string[];
  sourceOf?: (id: string) => string | undefined;
  /** Asks for a rate-limited poll of a configured PDU. */
  requestPoll?: (source: string) => void;
  /** Re-announces discovery; an error text when it cannot now (not connected, discovery off). */
  republish?: () => string | undefined;
}

/**
 * Commands accepted per PDU and not finished yet, the one being written included. SETs to one PDU run
 * one at a time (a cycle takes its off-period and more); past this a command is refused at once with
 * "busy" instead of piling up minutes of SETs (docs/commands.md).
 */
export const MAX_PENDING_COMMANDS = 8;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const fail = (error: string) => ({ status: 'error', error }) as const;

const notNow = (why: string) =>
  ({ status: 'error', error: `${why}: nothing was changed`, kind: 'unavailable' }) as const;

const busy = (pdu: string) =>
  ({
    status: 'error',
    error: `busy: ${pdu} already has ${MAX_PENDING_COMMANDS} commands in progress or waiting; try again when they are done`,
    kind: 'busy',
  }) as const;

export function createCommands({
  log,
  control,
  unavailable,
  afterChange,
  sources = () => [],
  sourceOf = () => undefined,
  requestPoll,
  republish,
}: CommandsDeps): Commands {
  // One command at a time per PDU: a SET and its read-back must not interleave with another's.
  const queues = new Map<string, { tail: Promise<unknown>; pending: number }>();
  function serialize<T>(pdu: string, task: () => Promise<T>): Promise<T | ReturnType<typeof busy>> {
    const queue = queues.get(pdu) ?? { tail: Promise.resolve(), pending: 0 };
    if (queue.pending >= MAX_PENDING_COMMANDS) {
      log.warn({ pdu, pending: queue.pending }, 'command refused: the PDU is busy');
      return Promise.resolve(busy(pdu));
    }
    queue.pending++;
    queues.set(pdu, queue);
    const next = queue.tail.then(task, task).finally(() => {
      queue.pending--;
      if (queue.pending === 0 && queues.get(pdu) === queue) queues.delete(pdu);
    });
    queue.tail = next.catch(() => undefined);
    return next;
  }

  async function refresh(pdu: string): Promise<void> {
    try {
      await afterChange(pdu);
    } catch (e) {
      log.warn({ pdu, err: errorText(e) }, 're-poll after a command failed');
    }
  }

  function resolvePdu(pdu: unknown): OutletControl | ReturnType<typeof fail> | ReturnType<typeof notNow> {
    if (typeof pdu !== 'string' || pdu === '') return fail('pdu must be a non-empty string');
    const c = control(pdu);
    if (c) return c;
    const why = unavailable?.(pdu);
    return why ? notNow(why) : fail(`unknown pdu ${JSON.stringify(pdu.slice(0, 64))}`);
  }

  return {
    async rename(request) {
      const c = resolvePdu(request.pdu);
      if ('status' in c) return c;
      const pdu = request.pdu as string;
      const outlet = parseOutlet(request.outlet, c.outlets);
      if (typeof outlet === 'string') return fail(outlet);
      const valid = validateName(request.name, c.maxNameLength);
      if (!valid.ok) return fail(valid.error);
      if (!c.canWrite) return fail(`no write credentials configured for ${pdu}: the name was not changed`);
      return serialize(pdu, async () => {
        let stored: string;
        try {
          stored = await c.rename(outlet, valid.name);
        } catch (e) {
          log.warn({ pdu, outlet, err: errorText(e) }, 'rename failed');
          return fail(errorText(e));
        }
        await refresh(pdu);
        if (stored !== valid.name) {
          return fail(`the PDU stored ${JSON.stringify(stored)} instead of ${JSON.stringify(valid.name)}`);
        }
        log.info({ pdu, outlet, name: stored }, 'outlet renamed');
        return { status: 'ok', data: { pdu, outlet, name: stored } } as const;
      });
    },

    async switchOutlet(request) {
      const c = resolvePdu(request.pdu);
      if ('status' in c) return c;
      const pdu = request.pdu as string;
      const outlet = parseOutlet(request.outlet, c.outlets);
      if (typeof outlet === 'string') return fail(outlet);
      const action = parseAction(request.action);
      if (!action) return fail('action must be one of on, off, cycle');
      const refusal = switchRefusal(pdu, c, outlet, c.switchable(outlet));
      if (refusal) {
        log.warn({ pdu, outlet, action, reason: refusal }, 'switch command refused');
        return fail(refusal);
      }
      return serialize(pdu, async () => {
        let state: 'on' | 'off';
        try {
          state = await c.switchOutlet(outlet, action);
        } catch (e) {
          log.warn({ pdu, outlet, action, err: errorText(e) }, 'switching failed');
          return fail(errorText(e));
        }
        await refresh(pdu);
        const expected = action === 'off' ? 'off' : 'on';
        if (state !== expected) return fail(`the outlet reads back ${state} after ${action}`);
        log.info({ pdu, outlet, action, state }, 'outlet switched');
        return { status: 'ok', data: { pdu, outlet, state } } as const;
      });
    },

    pollNow(request) {
      if (!requestPoll) return fail('polling on request is not available');
      const { pdu } = request;
      if (pdu !== undefined && (typeof pdu !== 'string' || pdu === ''))
        return fail('pdu must be a non-empty string (or left out: every PDU)');
      const targets = pdu === undefined ? [...sources()] : [sourceOf(pdu)].filter((s) => s !== undefined);
      if (targets.length === 0)
        return fail(
          pdu === undefined ? 'no PDU is configured' : `unknown pdu ${JSON.stringify(pdu.slice(0, 64))}`,
        );
      for (const source of targets) requestPoll(source);
      return { status: 'ok', data: { pdus: targets } };
    },

    republishDiscovery() {
      const why = republish ? republish() : 'discovery cannot be republished here';
      if (why) return fail(why);
      log.info('discovery and state to be announced again (republish_discovery)');
      return { status: 'ok', data: {} };
    },
  };
}
