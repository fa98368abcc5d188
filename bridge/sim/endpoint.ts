/**
 * Starts a net-snmp agent on one UDP port with our responder: communities (read, write), SNMPv3
 * users, maximum message size, pause hook and request counters. Shared by the simulated PDU
 * (agent.ts) and the walk replayer (replay.ts).
 */
import type dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { Logger } from '../log.ts';
import { dgramBindingTo, listening } from '../snmp/dgram.ts';
import { type NsAgent, type NsMessage, VERSION_3 } from './netsnmp.ts';
import { attachResponder, type Backend, newStats, type SimStats } from './responder.ts';

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

/** An SNMPv3 user. authKey alone = authNoPriv; authKey + privKey = authPriv; neither = noAuthNoPriv. */
export interface SimV3User {
  name: string;
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
  /** Default 'rw'. */
  access?: 'ro' | 'rw';
}

export interface SimCommunities {
  /** GET/GETNEXT/GETBULK only. Default 'public'. */
  read?: string;
  /** GET and SET. Default 'private'; null disables writing through communities. */
  write?: string | null;
}

export interface SnmpServerOptions {
  backend: Backend;
  /** 0 = a free port (the default); the bound port is reported. */
  port?: number;
  host?: string;
  communities?: SimCommunities;
  users?: SimV3User[];
  /** Largest response the agent sends, bytes (PX3 ≈ 1472, ~50 varbinds). Default 1472. */
  maxMsgSize?: number;
  /** Time source for values; default Date.now. */
  clock?: () => number;
  isPaused?: () => boolean;
  log?: Logger;
}

export interface SnmpServer {
  readonly port: number;
  readonly host: string;
  readonly stats: SimStats;
  /** SNMPv3 authoritative engine ID, hex. */
  readonly engineId: string;
  resetStats(): void;
  stop(): Promise<void>;
}

export const DEFAULT_MAX_MSG_SIZE = 1472;

export async function startSnmpServer(options: SnmpServerOptions): Promise<SnmpServer> {
  const host = options.host ?? '127.0.0.1';
  const read = options.communities?.read ?? 'public';
  const write = options.communities?.write === undefined ? 'private' : options.communities.write;
  const users = new Map((options.users ?? []).map((u) => [u.name, u]));
  const stats = newStats();
  const log = options.log;
  let socket: dgram.Socket | undefined;

  const agent: NsAgent = snmp.createAgent(
    {
      port: options.port ?? 0,
      address: host,
      dgramModule: dgramBindingTo(options.port ?? 0, (s) => {
        socket = s;
      }),
    },
    (error: (Error & { rinfo?: { address: string; port: number } }) | null) => {
      // Messages net-snmp refused carry the sender (rinfo); socket errors do not.
      if (!error?.rinfo) return;
      stats.refused++;
      // The error text can carry the community or user that was tried: never log it (CONVENTIONS).
      log?.debug({ from: error.rinfo?.address, kind: error.name }, 'sim agent refused a message');
    },
  );
  const authorizer = agent.getAuthorizer();
  authorizer.addCommunity(read);
  if (write) authorizer.addCommunity(write);
  for (const u of users.values()) {
    const level = u.privKey
      ? snmp.SecurityLevel.authPriv
      : u.authKey
        ? snmp.SecurityLevel.authNoPriv
        : snmp.SecurityLevel.noAuthNoPriv;
    authorizer.addUser({
      name: u.name,
      level,
      authProtocol: u.authKey ? snmp.AuthProtocols[u.authProtocol ?? 'sha'] : undefined,
      authKey: u.authKey,
      privProtocol: u.privKey ? snmp.PrivProtocols[u.privProtocol ?? 'aes'] : undefined,
      privKey: u.privKey,
    });
  }

  const canWrite = (m: NsMessage): boolean =>
    m.version === VERSION_3
      ? (users.get(m.user?.name ?? '')?.access ?? 'rw') === 'rw'
      : write !== null && m.community === write;

  attachResponder({
    agent,
    backend: options.backend,
    stats,
    maxMsgSize: options.maxMsgSize ?? DEFAULT_MAX_MSG_SIZE,
    clock: options.clock ?? Date.now,
    isPaused: options.isPaused ?? (() => false),
    canWrite,
  });

  const bound = socket;
  if (!bound) throw new Error('net-snmp created no socket');
  const port = await listening(bound).catch((err: Error) => {
    agent.close();
    throw new Error(`sim agent cannot listen on ${host}:${options.port ?? 0}: ${err.message}`);
  });

  return {
    port,
    host,
    stats,
    engineId: agent.engine.engineID.toString('hex'),
    resetStats: () => Object.assign(stats, newStats()),
    stop: () =>
      new Promise<void>((resolve) => {
        try {
          agent.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }),
  };
}
