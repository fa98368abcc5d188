/**
 * An SNMP command responder over an OidSpace, on net-snmp's agent (see netsnmp.ts for why the four
 * request handlers are ours). Behaves like a real PDU's agent where the bridge can tell: GETBULK
 * returns nonRepeaters + maxRepetitions × repeaters varbinds cut to the message size, GET answers
 * tooBig when the response would not fit, SNMPv1 gets noSuchName instead of v2 exceptions, SET is
 * all-or-nothing and needs write access, and a paused agent answers nothing at all.
 */
import type dgram from 'node:dgram';
import snmp from 'net-snmp';
import { varbindSize } from './bersize.ts';
import {
  type NsAgent,
  type NsMessage,
  type NsRequestHandler,
  type NsResponsePdu,
  type NsVarbind,
  type RemoteInfo,
  VERSION_1,
} from './netsnmp.ts';
import type { OidSpace } from './oidspace.ts';

const { ErrorStatus, ObjectType } = snmp;

export interface Served {
  type: number;
  value: string | number | bigint | Buffer;
}

/** An ErrorStatus refuses the varbind; a function commits it once every varbind passed. */
export type SetPlan = number | (() => void);

export interface Backend {
  readonly space: OidSpace;
  /** Values as of `now`; a reader lives for one request, so it may cache per-outlet samples. */
  reader(now: number): (index: number) => Served;
  prepareSet?(index: number, type: number, value: unknown, now: number): SetPlan;
}

export interface SimStats {
  get: number;
  getNext: number;
  getBulk: number;
  set: number;
  /** GET/GETNEXT/SET answered tooBig (and GETBULK where not even one varbind fit). */
  tooBig: number;
  /** GETBULK responses cut short to fit maxMsgSize. */
  truncated: number;
  /** Requests ignored while paused. */
  dropped: number;
  /** Messages net-snmp rejected: unknown community or user, failed authentication or decryption. */
  refused: number;
  /** Varbinds returned in responses. */
  varbinds: number;
}

export const newStats = (): SimStats => ({
  get: 0,
  getNext: 0,
  getBulk: 0,
  set: 0,
  tooBig: 0,
  truncated: 0,
  dropped: 0,
  refused: 0,
  varbinds: 0,
});

/** GET + GETNEXT + GETBULK + SET: the "requests per poll" the benchmarks count. */
export const requestCount = (s: SimStats): number => s.get + s.getNext + s.getBulk + s.set;

export interface ResponderOptions {
  agent: NsAgent;
  backend: Backend;
  stats: SimStats;
  maxMsgSize: number;
  clock: () => number;
  isPaused: () => boolean;
  /** May this community / v3 user SET? */
  canWrite: (message: NsMessage) => boolean;
}

const EXCEPTIONS = new Set<number>([
  ObjectType.NoSuchObject,
  ObjectType.NoSuchInstance,
  ObjectType.EndOfMibView,
]);
/** No varbind encodes in fewer bytes: bounds the work a huge maxRepetitions can cause. */
const MIN_VARBIND_SIZE = 7;

/** Replace the agent's request handlers with ours. */
export function attachResponder(o: ResponderOptions): void {
  const { agent, backend, stats } = o;
  // The OIDs a backend serves may change (a simulated probe unplugged): taken afresh per request.
  let space = backend.space;

  const send = agent.listener.send.bind(agent.listener);
  agent.listener.send = (message, rinfo, socket) => {
    // Also silences SNMPv3 discovery reports, which net-snmp answers before our handlers run.
    if (!o.isPaused()) send(message, rinfo, socket);
  };

  const valueAt = (read: (i: number) => Served, oid: string, i: number): NsVarbind =>
    i < 0 ? { oid, type: ObjectType.NoSuchObject, value: null } : { oid: space.oids[i]!, ...read(i) };
  const endOfMib = (oid: string): NsVarbind => ({ oid, type: ObjectType.EndOfMibView, value: null });

  function respond(socket: dgram.Socket, message: NsMessage, rinfo: RemoteInfo, pdu: NsResponsePdu): void {
    const limit = Math.min(o.maxMsgSize, message.msgGlobalData?.msgMaxSize ?? Number.POSITIVE_INFINITY);
    let encoded = message.createResponseForRequest(pdu);
    if (encoded.toBuffer().length > limit) {
      stats.tooBig++;
      pdu.varbinds = [];
      pdu.errorStatus = ErrorStatus.TooBig;
      pdu.errorIndex = 0;
      encoded = message.createResponseForRequest(pdu);
    }
    stats.varbinds += pdu.varbinds.length;
    agent.listener.send(encoded, rinfo, socket);
  }

  /** SNMPv1 has no exception values: the first one becomes noSuchName (RFC 3584 4.2.2). */
  function v1Exceptions(message: NsMessage, pdu: NsResponsePdu): void {
    if (message.version !== VERSION_1) return;
    const bad = pdu.varbinds.findIndex((vb) => EXCEPTIONS.has(vb.type));
    if (bad < 0) return;
    pdu.errorStatus = ErrorStatus.NoSuchName;
    pdu.errorIndex = bad + 1;
    pdu.varbinds = message.pdu.varbinds;
  }

  const handler =
    (kind: 'get' | 'getNext' | 'getBulk' | 'set', answer: (m: NsMessage, pdu: NsResponsePdu) => void) =>
    (socket: dgram.Socket, message: NsMessage, rinfo: RemoteInfo) => {
      if (o.isPaused()) {
        stats.dropped++;
        return;
      }
      stats[kind]++;
      space = backend.space;
      const pdu = message.pdu.getResponsePduForRequest();
      answer(message, pdu);
      if (kind === 'getBulk') sendBulk(socket, message, rinfo, pdu);
      else {
        v1Exceptions(message, pdu);
        respond(socket, message, rinfo, pdu);
      }
    };

  const get: NsRequestHandler = handler('get', (message, pdu) => {
    const read = backend.reader(o.clock());
    pdu.varbinds = message.pdu.varbinds.map((vb) => valueAt(read, vb.oid, space.indexOf(vb.oid)));
  });

  const getNext: NsRequestHandler = handler('getNext', (message, pdu) => {
    const read = backend.reader(o.clock());
    pdu.varbinds = message.pdu.varbinds.map((vb) => {
      const i = space.nextIndex(vb.oid);
      return i < 0 ? endOfMib(vb.oid) : valueAt(read, vb.oid, i);
    });
  });

  const getBulk: NsRequestHandler = handler('getBulk', (message, pdu) => {
    const read = backend.reader(o.clock());
    const request = message.pdu.varbinds;
    const n = Math.min(Math.max(message.pdu.nonRepeaters, 0), request.length);
    const cap = Math.ceil(o.maxMsgSize / MIN_VARBIND_SIZE);
    const out: NsVarbind[] = [];
    const next = (oid: string): NsVarbind => {
      const i = space.nextIndex(oid);
      return i < 0 ? endOfMib(oid) : valueAt(read, oid, i);
    };
    for (let j = 0; j < n; j++) out.push(next(request[j]!.oid));
    const cursors = request.slice(n).map((vb) => vb.oid);
    for (let rep = 0; rep < message.pdu.maxRepetitions && cursors.length > 0 && out.length < cap; rep++) {
      let allEnded = true;
      for (let r = 0; r < cursors.length; r++) {
        const vb = next(cursors[r]!);
        out.push(vb);
        cursors[r] = vb.oid;
        if (vb.type !== ObjectType.EndOfMibView) allEnded = false;
      }
      if (allEnded) break;
    }
    pdu.varbinds = out;
  });

  /** RFC 3416 4.2.3: keep as many leading varbinds as fit; tooBig only if none does. */
  function sendBulk(socket: dgram.Socket, message: NsMessage, rinfo: RemoteInfo, pdu: NsResponsePdu): void {
    const all = pdu.varbinds;
    const limit = Math.min(o.maxMsgSize, message.msgGlobalData?.msgMaxSize ?? Number.POSITIVE_INFINITY);
    pdu.varbinds = [];
    const overhead = message.createResponseForRequest(pdu).toBuffer().length;
    // Length fields of the enclosing sequences grow by up to 2 bytes each once they pass 255 bytes.
    let budget = limit - overhead - 8;
    let count = 0;
    while (count < all.length) {
      const vb = all[count]!;
      budget -= varbindSize(vb.oid, vb.type, vb.value);
      if (budget < 0) break;
      count++;
    }
    for (;;) {
      pdu.varbinds = all.slice(0, count);
      const encoded = message.createResponseForRequest(pdu);
      if (encoded.toBuffer().length <= limit || count === 0) {
        if (count === 0 && all.length > 0) {
          // Not even one varbind fits: tooBig (respond() finds it too big). The PDU object itself,
          // not a copy: net-snmp encodes it with its own methods.
          pdu.varbinds = all;
          respond(socket, message, rinfo, pdu);
          return;
        }
        if (count < all.length) stats.truncated++;
        stats.varbinds += count;
        agent.listener.send(encoded, rinfo, socket);
        return;
      }
      count--;
    }
  }

  const set: NsRequestHandler = handler('set', (message, pdu) => {
    const request = message.pdu.varbinds;
    pdu.varbinds = request;
    const fail = (status: number, index: number) => {
      pdu.errorStatus = status;
      pdu.errorIndex = index + 1;
    };
    if (!o.canWrite(message)) return fail(ErrorStatus.NoAccess, 0);
    const now = o.clock();
    const commits: (() => void)[] = [];
    for (let j = 0; j < request.length; j++) {
      const vb = request[j]!;
      const i = space.indexOf(vb.oid);
      const plan =
        i < 0
          ? ErrorStatus.NoCreation
          : (backend.prepareSet?.(i, vb.type, vb.value, now) ?? ErrorStatus.NotWritable);
      if (typeof plan === 'number') return fail(plan, j);
      commits.push(plan);
    }
    for (const commit of commits) commit();
  });

  agent.getRequest = get;
  agent.getNextRequest = getNext;
  agent.getBulkRequest = getBulk;
  agent.setRequest = set;
}
