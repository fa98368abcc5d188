import snmp from 'net-snmp';
import { createBatchSize } from './batch-size.ts';
import { walkColumns } from './walk.ts';
import { mapError, SnmpError, toValue, v3User } from './wire.ts';

export { SnmpError, type SnmpErrorKind } from './wire.ts';

/**
 * A small SNMP client over net-snmp that does what a poller of a real Raritan agent needs and net-snmp
 * leaves to the caller: multi-OID GETs and multi-column GETBULK walks batched to a size the agent accepts
 * (a PX answers `tooBig` past ~1,500 bytes, ~50 varbinds; the size is learnt and remembered, see
 * batch-size.ts and docs/snmp.md), our own retries so that every request sent is counted, and errors
 * with a kind the poller can act on.
 */

export type SnmpValue = number | string | bigint;

/**
 * GET requests a session keeps outstanding at once after its first answer. Four datagrams of at most
 * a message size each are nothing to an agent's receive buffer, and a PX answers them in turn.
 */
export const GET_IN_FLIGHT = 4;

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
  /** varbinds per request to start with; never exceeded, lowered on tooBig (docs/snmp.md). */
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
  /** The GET batch size the agent has shown it accepts. */
  readonly maxVarbinds: number;
  /** The varbinds per walk request (columns × repetitions) the agent has shown it accepts. */
  readonly walkVarbinds: number;
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
  // Remembered apart: a walk's responses carry names and labels, a poll's GET only numbers, so the
  // size that fits one is not the size that fits the other.
  const start = Math.max(MIN_VARBINDS, target.maxVarbinds ?? 60);
  const limits = { get: createBatchSize(start), walk: createBatchSize(start) };
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

  /**
   * GET one batch. SNMPv1 (RFC 1157) has no per-varbind exceptions: one missing OID fails the whole
   * GET with noSuchName and its error-index; that OID is left out and the rest asked again.
   */
  async function getBatch(oids: readonly string[], out: Map<string, SnmpValue>): Promise<void> {
    const ask = [...oids];
    while (ask.length > 0) {
      try {
        const varbinds = await attempt<snmp.Varbind[]>((cb) => session.get(ask, cb));
        limits.get.ok(ask.length);
        for (const vb of varbinds) {
          const value = toValue(vb);
          if (value !== undefined) out.set(vb.oid, value);
        }
        return;
      } catch (error) {
        if (!(error instanceof SnmpError && error.status === 'NoSuchName')) throw error;
        if (ask.length === 1) return;
        const missing = error.oid !== undefined ? ask.indexOf(error.oid) : -1;
        if (missing >= 0) {
          ask.splice(missing, 1);
          continue;
        }
        // No usable error-index: one OID at a time, so the others still arrive.
        for (const oid of ask) await getBatch([oid], out);
        return;
      }
    }
  }

  /**
   * GET any number of OIDs in batches the agent accepts. One batch at a time while the message size
   * is still being learnt (and a v3 session's engine discovered); once a batch was answered and the
   * size settled, the rest are pipelined, at most GET_IN_FLIGHT requests outstanding: a poll's
   * batches are independent, so a cycle costs about one round trip per GET_IN_FLIGHT batches instead
   * of one per batch (docs/snmp.md).
   */
  async function get(oids: readonly string[]): Promise<Map<string, SnmpValue>> {
    const out = new Map<string, SnmpValue>();
    let rest = [...oids];
    /** One batch from the front of `rest`; on tooBig its OIDs stay there for a narrower one. */
    async function one(): Promise<void> {
      const batch = rest.splice(0, limits.get.value);
      try {
        await getBatch(batch, out);
      } catch (error) {
        if (!(error instanceof SnmpError && error.kind === 'tooBig')) throw error;
        // Strictly fewer varbinds next time, or an error naming the OID when one alone is too big.
        // Batches of one size failing together narrow it once: tooBig is idempotent for a size.
        limits.get.tooBig(batch.length, batch[0]!);
        rest = [...batch, ...rest];
      }
    }
    let answered = false;
    while (rest.length > 0 && !(answered && limits.get.settled)) {
      const left = rest.length;
      await one();
      answered ||= rest.length < left;
    }
    let failed = false;
    const worker = async () => {
      while (!failed && rest.length > 0) {
        try {
          await one();
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const batches = Math.ceil(rest.length / limits.get.value);
    await Promise.all(Array.from({ length: Math.min(GET_IN_FLIGHT, batches) }, worker));
    return out;
  }

  async function fetchRows(oids: string[], repetitions: number): Promise<snmp.Varbind[][]> {
    if (target.version === '1') {
      // v1 has no GETBULK: one GETNEXT per step over all columns.
      const varbinds = await attempt<snmp.Varbind[]>((cb) => session.getNext(oids, cb));
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

  const walk = (columns: readonly string[]) =>
    walkColumns(columns, {
      version: target.version,
      size: limits.walk,
      fetch: fetchRows,
    });

  return {
    get,
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
      return limits.get.value;
    },
    get walkVarbinds() {
      return limits.walk.value;
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
