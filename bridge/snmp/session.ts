import snmp from 'net-snmp';
import { compareOids } from '../sim/snmprec.ts';
import { mapError, SnmpError, toValue, v3User } from './wire.ts';

export { SnmpError, type SnmpErrorKind } from './wire.ts';

/**
 * A small SNMP client over net-snmp that does what a poller of a real Raritan agent needs and net-snmp
 * leaves to the caller: multi-OID GETs and multi-column GETBULK walks batched to a size the agent accepts
 * (a PX answers `tooBig` past ~1,500 bytes, ~50 varbinds; the batch halves and the size is remembered),
 * our own retries so that every request sent is counted, and errors with a kind the poller can act on.
 */

export type SnmpValue = number | string | bigint;

export interface SnmpTarget {
  host: string;
  port: number;
  version: '1' | '2c' | '3';
  community?: string;
  v3?: {
    user: string;
    level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
    authProtocol?: 'sha' | 'sha256';
    authKey?: string;
    privProtocol?: 'aes';
    privKey?: string;
  };
  /** ms per attempt. */
  timeout: number;
  /** attempts after the first. */
  retries: number;
  /** varbinds per request to start with; lowered for good on tooBig. */
  maxVarbinds?: number;
}

export interface SnmpClient {
  /** GET the OIDs; absent ones (noSuchObject/Instance, or noSuchName in v1) are missing from the map. */
  get(oids: readonly string[]): Promise<Map<string, SnmpValue>>;
  /** Walk whole columns (GETBULK on v2c/v3, GETNEXT on v1), every column in the same requests. */
  walk(columns: readonly string[]): Promise<Map<string, SnmpValue>>;
  /** SET varbinds; resolves when the agent accepted them all. */
  set(
    varbinds: readonly { oid: string; type: 'integer' | 'string'; value: number | string }[],
  ): Promise<void>;
  /** Requests sent so far, retries and tooBig splits included. */
  readonly requests: number;
  /** The batch size the agent has shown it accepts. */
  readonly maxVarbinds: number;
  close(): void;
}

const MIN_VARBINDS = 1;

export function createSnmpClient(target: SnmpTarget): SnmpClient {
  const options = {
    port: target.port,
    retries: 0,
    timeout: target.timeout,
    transport: 'udp4' as const,
    idBitsSize: 32,
    version: target.version === '1' ? snmp.Version1 : snmp.Version2c,
  };
  const session =
    target.version === '3'
      ? snmp.createV3Session(target.host, v3User(target), { ...options, version: snmp.Version3 })
      : snmp.createSession(target.host, target.community ?? 'public', options);
  // net-snmp emits 'error' on socket failures; without a listener that would crash the process.
  session.on('error', () => {});

  let requests = 0;
  let maxVarbinds = Math.max(MIN_VARBINDS, target.maxVarbinds ?? 60);
  let closed = false;

  async function attempt<T>(send: (cb: (error: Error | null, result?: T) => void) => void): Promise<T> {
    let lastError: unknown;
    for (let i = 0; i <= target.retries; i++) {
      if (closed) throw new SnmpError('closed', 'SNMP session closed');
      requests++;
      try {
        return await new Promise<T>((resolve, reject) => {
          send((error, result) => (error ? reject(error) : resolve(result as T)));
        });
      } catch (error) {
        lastError = error;
        const mapped = mapError(error);
        // Only a silent agent deserves another try; a refusal or tooBig will not change.
        if (mapped.kind !== 'timeout') throw mapped;
      }
    }
    throw mapError(lastError);
  }

  async function getBatch(oids: string[], out: Map<string, SnmpValue>): Promise<void> {
    try {
      const varbinds = await attempt<snmp.Varbind[]>((cb) => session.get(oids, cb));
      for (const vb of varbinds) {
        const value = toValue(vb);
        if (value !== undefined) out.set(vb.oid, value);
      }
    } catch (error) {
      if (error instanceof SnmpError && error.kind === 'tooBig' && oids.length > MIN_VARBINDS) {
        maxVarbinds = Math.max(MIN_VARBINDS, Math.floor(oids.length / 2));
        await getChunks(oids, out);
        return;
      }
      // SNMPv1 has no per-varbind exceptions: one missing OID fails the whole GET with noSuchName.
      // Fall back to one OID at a time for that batch so the others still arrive.
      if (error instanceof SnmpError && error.status === 'NoSuchName' && oids.length > 1) {
        for (const oid of oids) {
          try {
            await getBatch([oid], out);
          } catch (inner) {
            if (!(inner instanceof SnmpError && inner.status === 'NoSuchName')) throw inner;
          }
        }
        return;
      }
      throw error;
    }
  }

  async function getChunks(oids: readonly string[], out: Map<string, SnmpValue>): Promise<void> {
    for (let i = 0; i < oids.length; ) {
      const size = maxVarbinds;
      await getBatch(oids.slice(i, i + size), out);
      i += size;
    }
  }

  async function walk(columns: readonly string[]): Promise<Map<string, SnmpValue>> {
    const out = new Map<string, SnmpValue>();
    // Each active column walks from its last OID; a column ends when the agent leaves its subtree.
    let active = columns.map((column) => ({ column, prefix: `${column}.`, next: column }));
    while (active.length > 0) {
      const repetitions = Math.max(1, Math.floor(maxVarbinds / active.length));
      const oids = active.map((c) => c.next);
      let rows: snmp.Varbind[][];
      try {
        rows = await fetchRows(oids, repetitions);
      } catch (error) {
        if (error instanceof SnmpError && error.kind === 'tooBig' && maxVarbinds > MIN_VARBINDS) {
          maxVarbinds = Math.max(MIN_VARBINDS, Math.floor((repetitions * active.length) / 2));
          if (active.length > maxVarbinds)
            active = active.slice(0, maxVarbinds).concat(active.slice(maxVarbinds));
          continue;
        }
        throw error;
      }
      active = active.filter((c, i) => {
        const row = rows[i] ?? [];
        let progressed = false;
        for (const vb of row) {
          if (snmp.isVarbindError(vb) || !vb.oid.startsWith(c.prefix)) return false;
          if (compareOids(vb.oid, c.next) <= 0) return false; // a broken agent going backwards
          const value = toValue(vb);
          if (value !== undefined) out.set(vb.oid, value);
          c.next = vb.oid;
          progressed = true;
        }
        return progressed;
      });
    }
    return out;
  }

  async function fetchRows(oids: string[], repetitions: number): Promise<snmp.Varbind[][]> {
    if (target.version === '1') {
      // v1 has no GETBULK: one GETNEXT per step over all columns.
      const varbinds = await attempt<snmp.Varbind[]>((cb) => session.getNext(oids, cb)).catch((error) => {
        if (error instanceof SnmpError && error.status === 'NoSuchName') return [] as snmp.Varbind[];
        throw error;
      });
      return oids.map((_, i) => (varbinds[i] ? [varbinds[i]] : []));
    }
    const result = await attempt<(snmp.Varbind | snmp.Varbind[])[]>((cb) =>
      session.getBulk(oids, 0, repetitions, cb as never),
    );
    return oids.map((_, i) => {
      const row = result[i];
      return Array.isArray(row) ? row : row ? [row] : [];
    });
  }

  return {
    get: async (oids) => {
      const out = new Map<string, SnmpValue>();
      await getChunks(oids, out);
      return out;
    },
    walk,
    set: async (varbinds) => {
      const list = varbinds.map((v) => ({
        oid: v.oid,
        type: v.type === 'integer' ? snmp.ObjectType.Integer : snmp.ObjectType.OctetString,
        value: v.value,
      }));
      await attempt<snmp.Varbind[]>((cb) => session.set(list, cb));
    },
    get requests() {
      return requests;
    },
    get maxVarbinds() {
      return maxVarbinds;
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        session.close();
      } catch {
        // already closed by a socket error
      }
    },
  };
}
