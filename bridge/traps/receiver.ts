import type dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { PduConfig } from '../../config/load.ts';
import type { Logger } from '../log.ts';
import { dgramBindingTo, listening } from '../snmp/dgram.ts';
import { readTarget } from '../snmp/targets.ts';
import { v3User } from '../snmp/wire.ts';
import { judgeTrap, normalizeAddress, type ReceivedTrap, type TrapSender } from './match.ts';

/**
 * The SNMP trap receiver, a source (docs/architecture.md): a trap from a configured PDU becomes one
 * `trap` on the bus, which asks for that PDU to be polled now (bridge/traps/poll-scheduler.ts, rate-
 * limited). net-snmp's receiver decodes and authenticates (v1/v2c communities, v3 users and their
 * keys); match.ts decides whose trap it is. Unknown senders, refused credentials, malformed and
 * irrelevant traps are counted (/metrics) and logged at debug, never acted on. A port that cannot be
 * opened (in use, say) is a warning: polling goes on without traps.
 */

export interface TrapSeen {
  /** The configured PDU to poll. */
  source: string;
  /** PDU2-MIB's name of the notification (powerControl, outletSensorStateChange, …). */
  notification: string;
  /** The notification may have changed the layout (names, linked units): re-read it too. */
  layout: boolean;
  /** The sender's address. */
  from: string;
  /** ms since the epoch. */
  time: number;
}

export interface TrapStats {
  /** Traps that asked for a poll. */
  accepted: number;
  /** From no configured PDU. */
  unknown: number;
  /** Wrong community or user (or wrong v3 keys, which net-snmp refuses). */
  refused: number;
  /** Not a trap net-snmp or we could make sense of. */
  malformed: number;
  /** From a configured PDU, but not about its state. */
  ignored: number;
}

export interface TrapReceiver {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: Readonly<TrapStats>;
  /** The UDP port it listens on, once started; undefined when off or it could not listen. */
  readonly port: number | undefined;
}

export interface TrapReceiverDeps {
  log: Logger;
  /** 0 or undefined: off. */
  port: number;
  host: string;
  pdus: readonly PduConfig[];
  /** snmp.trapCommunity; null: each PDU's read community. */
  community: string | null;
  /** The configured PDU whose last layout read reported this serial (pduSerialNumber). */
  serialOwner: (serial: string) => string | undefined;
  onTrap: (trap: TrapSeen) => void;
  now?: () => number;
  /** For tests: bind this port even when `port` is 0 (0 = any free one). */
  bindPort?: number;
}

/** A configured PDU's addresses: its host as an IP, or what the host name resolves to. */
async function addressesOf(host: string, log: Logger): Promise<Set<string>> {
  if (isIP(host)) return new Set([normalizeAddress(host)]);
  try {
    const found = await lookup(host, { all: true });
    return new Set(found.map((a) => normalizeAddress(a.address)));
  } catch (err) {
    log.warn(
      { host, err: (err as Error).message },
      'cannot resolve a PDU for trap matching: its traps are matched by serial only',
    );
    return new Set();
  }
}

/** The v3 users the receiver knows: one per name (net-snmp matches users by name). */
function v3Users(pdus: readonly PduConfig[], log: Logger): snmp.User[] {
  const users = new Map<string, snmp.User>();
  for (const pdu of pdus) {
    if (pdu.version !== '3' || !pdu.v3) continue;
    const user = v3User(readTarget(pdu, 1));
    const seen = users.get(user.name);
    if (seen && JSON.stringify(seen) !== JSON.stringify(user)) {
      // Never the keys: only that they differ.
      log.warn(
        { pdu: pdu.id, user: user.name },
        'two PDUs use one v3 user name with different keys: traps take the first',
      );
      continue;
    }
    users.set(user.name, user);
  }
  return [...users.values()];
}

export function createTrapReceiver(deps: TrapReceiverDeps): TrapReceiver {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const stats: TrapStats = { accepted: 0, unknown: 0, refused: 0, malformed: 0, ignored: 0 };
  let receiver: { close(cb?: () => void): void } | undefined;
  let senders: TrapSender[] = [];
  let port: number | undefined;

  function onMessage(error: (Error & { rinfo?: { address: string } }) | null, data: unknown): void {
    if (error) {
      // A socket error (not a message): nothing was received.
      if (!error.rinfo) {
        log.debug({ err: error.message }, 'trap receiver socket error');
        return;
      }
      // A wrong community or user names itself in net-snmp's message, and a wrong v3 key carries the
      // digests and the user (keys included) in it: log the kind, never the text.
      const code = (error as { code?: unknown }).code;
      const refused =
        error.name === 'RequestFailedError' ||
        (error.name === 'ResponseInvalidError' &&
          (code === snmp.ResponseInvalidCode.EAuthFailure ||
            code === snmp.ResponseInvalidCode.ECouldNotDecrypt));
      if (refused) stats.refused++;
      else stats.malformed++;
      log.debug(
        { from: error.rinfo?.address, kind: error.name },
        refused ? 'trap refused' : 'malformed trap',
      );
      return;
    }
    const { pdu, rinfo } = (data ?? {}) as {
      pdu?: ReceivedTrap['pdu'] & { community?: unknown; user?: unknown };
      rinfo?: { address: string };
    };
    if (!pdu || !rinfo) {
      stats.malformed++;
      return;
    }
    const trap: ReceivedTrap = {
      address: rinfo.address,
      pdu,
      ...(typeof pdu.user === 'string' ? { user: pdu.user } : {}),
      ...(typeof pdu.community === 'string' ? { community: pdu.community } : {}),
    };
    const verdict = judgeTrap(trap, senders, deps.serialOwner);
    switch (verdict.kind) {
      case 'poll':
        stats.accepted++;
        log.debug({ pdu: verdict.pdu, notification: verdict.notification, from: rinfo.address }, 'trap');
        deps.onTrap({
          source: verdict.pdu,
          notification: verdict.notification,
          layout: verdict.layout,
          from: rinfo.address,
          time: now(),
        });
        return;
      case 'ignored':
        stats.ignored++;
        log.debug(
          { pdu: verdict.pdu, notification: verdict.notification },
          'trap ignored: not about the PDU state',
        );
        return;
      case 'refused':
        stats.refused++;
        log.debug(
          { pdu: verdict.pdu, from: rinfo.address },
          'trap refused: not the PDU’s community or v3 user',
        );
        return;
      case 'unknown':
        stats.unknown++;
        log.debug({ from: rinfo.address }, 'trap from an unknown sender ignored');
        return;
      case 'malformed':
        stats.malformed++;
        log.debug({ from: rinfo.address }, 'malformed trap ignored');
        return;
    }
  }

  return {
    get stats() {
      return stats;
    },
    get port() {
      return port;
    },
    async start() {
      if (!deps.port && deps.bindPort === undefined) return;
      senders = await Promise.all(
        deps.pdus.map(async (p) => ({
          id: p.id,
          addresses: await addressesOf(p.host, log),
          community: p.version === '3' ? null : (deps.community ?? p.community),
          user: p.version === '3' ? (p.v3?.user ?? null) : null,
        })),
      );
      let socket: dgram.Socket | undefined;
      const bind = deps.bindPort ?? deps.port;
      const r = snmp.createReceiver(
        {
          port: bind || 1,
          address: deps.host,
          transport: deps.host.includes(':') ? 'udp6' : 'udp4',
          includeAuthentication: true,
          dgramModule: dgramBindingTo(bind, (s) => {
            socket = s;
          }),
        },
        onMessage,
      ) as { getAuthorizer(): { addCommunity(c: string): void; addUser(u: snmp.User): void } } & {
        close(cb?: () => void): void;
      };
      const authorizer = r.getAuthorizer();
      for (const c of new Set(senders.map((s) => s.community).filter((c): c is string => c !== null)))
        authorizer.addCommunity(c);
      for (const u of v3Users(deps.pdus, log)) authorizer.addUser(u);
      receiver = r;
      if (!socket) throw new Error('net-snmp created no trap socket');
      try {
        port = await listening(socket);
        log.info({ host: deps.host, port }, 'SNMP trap receiver listening');
      } catch (err) {
        receiver = undefined;
        try {
          r.close();
        } catch {
          // never bound: nothing to close
        }
        const code = (err as NodeJS.ErrnoException).code;
        log.warn(
          { host: deps.host, port: bind, err: code ?? (err as Error).message },
          'the SNMP trap receiver cannot listen (set snmp.trapPort, R2M_SNMP_TRAP_PORT, to a free port, or 0): polling goes on, without traps',
        );
      }
    },
    stop() {
      const r = receiver;
      receiver = undefined;
      port = undefined;
      if (!r) return Promise.resolve();
      return new Promise<void>((resolve) => {
        try {
          r.close(() => resolve());
        } catch {
          resolve();
        }
      });
    },
  };
}
