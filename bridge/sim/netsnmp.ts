/**
 * The few internals of net-snmp's Agent that responder.ts builds on, typed narrowly. net-snmp
 * decodes, authenticates (communities, USM users, SHA/AES) and encodes; we answer the PDUs.
 *
 * Why not net-snmp's own Mib providers: its GETBULK caps the whole response at maxRepetitions
 * varbinds (a real agent returns nonRepeaters + maxRepetitions × repeaters, cut to fit the message),
 * it never answers tooBig, and a Mib tree of ~2,500 nodes per PDU makes 200 simulated PDUs heavy.
 * Agent.onMsg dispatches through `this.getRequest/getNextRequest/getBulkRequest/setRequest`, so
 * replacing those four on the instance keeps every other part of net-snmp intact.
 */
import type dgram from 'node:dgram';

export interface NsVarbind {
  oid: string;
  type: number;
  value: unknown;
}

export interface NsResponsePdu {
  varbinds: NsVarbind[];
  errorStatus: number;
  errorIndex: number;
}

export interface NsRequestPdu {
  type: number;
  varbinds: NsVarbind[];
  nonRepeaters: number;
  maxRepetitions: number;
  getResponsePduForRequest(): NsResponsePdu;
}

export interface NsMessage {
  version: number;
  community?: string;
  user?: { name: string };
  msgGlobalData?: { msgMaxSize: number };
  pdu: NsRequestPdu;
  createResponseForRequest(pdu: NsResponsePdu): NsEncodable;
}

export interface NsEncodable {
  toBuffer(): Buffer;
}

export interface RemoteInfo {
  address: string;
  port: number;
}

export type NsRequestHandler = (socket: dgram.Socket, message: NsMessage, rinfo: RemoteInfo) => void;

export interface NsListener {
  send(message: NsEncodable, rinfo: RemoteInfo, socket: dgram.Socket): void;
  sockets: Record<string, dgram.Socket>;
}

export interface NsAuthorizer {
  addCommunity(community: string): void;
  addUser(user: {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }): void;
}

export interface NsAgent {
  getRequest: NsRequestHandler;
  getNextRequest: NsRequestHandler;
  getBulkRequest: NsRequestHandler;
  setRequest: NsRequestHandler;
  listener: NsListener;
  engine: { engineID: Buffer };
  getAuthorizer(): NsAuthorizer;
  close(callback?: () => void): void;
}

/** SNMP version numbers as net-snmp's Message carries them. */
export const VERSION_1 = 0;
export const VERSION_3 = 3;
