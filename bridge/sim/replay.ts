/**
 * Replays a recorded walk (.snmprec) read-only over SNMP, with the same responder as the simulated
 * PDU: correct GETNEXT/GETBULK order, tooBig/truncation at maxMsgSize, request counters. Lets the
 * client run against the real PX2/PX3 walks without snmpsim. Every SET is refused (notWritable).
 */
import { readFile } from 'node:fs/promises';
import snmp from 'net-snmp';
import type { Logger } from '../log.ts';
import { compareOids } from '../snmp/oid.ts';
import { type SimCommunities, type SimV3User, startSnmpServer } from './endpoint.ts';
import { createOidSpace } from './oidspace.ts';
import type { Backend, Served, SimStats } from './responder.ts';
import { parseSnmprec, type SnmprecEntry, type SnmprecValue } from './snmprec.ts';

const { ObjectType } = snmp;

export interface ReplayAgentOptions {
  /** Path of a .snmprec file; or give `text` or `entries`. */
  file?: string;
  text?: string;
  entries?: SnmprecEntry[];
  port?: number;
  host?: string;
  communities?: SimCommunities;
  users?: SimV3User[];
  maxMsgSize?: number;
  log?: Logger;
}

export interface ReplayAgent {
  readonly port: number;
  readonly host: string;
  readonly stats: SimStats;
  /** Instances served (after de-duplication). */
  readonly size: number;
  resetStats(): void;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** Counter64 goes on the wire as minimal big-endian bytes (net-snmp wants a Buffer). */
function counter64(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export function served(tag: number, value: SnmprecValue): Served {
  if (tag === ObjectType.Counter64) return { type: tag, value: counter64(BigInt(value.toString())) };
  return { type: tag, value };
}

/** A read-only Backend over walk entries; later duplicates of an OID win, as in snmpsim. */
export function createReplayBackend(entries: readonly SnmprecEntry[]): Backend {
  const byOid = new Map<string, SnmprecEntry>();
  for (const e of entries) byOid.set(e.oid, e);
  const sorted = [...byOid.values()].sort((a, b) => compareOids(a.oid, b.oid));
  const values = sorted.map((e) => served(e.tag, e.value));
  return {
    space: createOidSpace(sorted.map((e) => e.oid)),
    reader: () => (i) => values[i]!,
  };
}

export async function startReplayAgent(options: ReplayAgentOptions): Promise<ReplayAgent> {
  const entries =
    options.entries ??
    parseSnmprec(options.text ?? (options.file ? await readFile(options.file, 'utf8') : ''));
  if (entries.length === 0) throw new Error('replay agent: no walk entries (give file, text or entries)');
  const backend = createReplayBackend(entries);
  let paused = false;
  const server = await startSnmpServer({
    backend,
    port: options.port,
    host: options.host,
    communities: options.communities,
    users: options.users,
    maxMsgSize: options.maxMsgSize,
    isPaused: () => paused,
    log: options.log,
  });
  return {
    port: server.port,
    host: server.host,
    stats: server.stats,
    size: backend.space.oids.length,
    resetStats: server.resetStats,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    stop: server.stop,
  };
}
