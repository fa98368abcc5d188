/**
 * The simulated Raritan PDU on the network: an SNMP v1/v2c/v3 agent serving PDU2-MIB from the model
 * (values computed at request time), with a read and a write community, v3 users, the PX3's
 * message-size limit (tooBig / truncated GETBULK) and request counters for the benchmarks.
 */
import type { Logger } from '../log.ts';
import { type SimCommunities, type SimV3User, startSnmpServer } from './endpoint.ts';
import { createSimModel } from './model.ts';
import type { SimModel, SimModelOptions } from './model-types.ts';
import { createPduBackend } from './pdu-backend.ts';
import type { SimStats } from './responder.ts';
import { type SimTrapTarget, withTraps } from './traps.ts';

export type { SimCommunities, SimV3User } from './endpoint.ts';
export type { SimStats } from './responder.ts';
export { requestCount } from './responder.ts';

export interface SimAgentOptions {
  /** 0 (default) = a free port; SimAgent.port says which. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A model to serve (shared with the test or demo), or options to create one. */
  model?: SimModel | SimModelOptions;
  /** Default { read: 'public', write: 'private' }. */
  communities?: SimCommunities;
  users?: SimV3User[];
  /** Largest response, bytes. Default 1472 (a PX3: about 50 varbinds). */
  maxMsgSize?: number;
  /** Time the values are computed at; default Date.now. */
  clock?: () => number;
  log?: Logger;
  /** Send the PDU's traps (sim/traps.ts) to this receiver when the model changes. */
  traps?: SimTrapTarget;
}

export interface SimAgent {
  readonly port: number;
  readonly host: string;
  readonly model: SimModel;
  /** Live counters: get, getNext, getBulk, set, tooBig, truncated, dropped, refused, varbinds. */
  readonly stats: SimStats;
  readonly engineId: string;
  resetStats(): void;
  /** Stop answering (requests are dropped, as by an unreachable PDU) until resume(). */
  pause(): void;
  resume(): void;
  /** Send the PDU's traps to this receiver from now on (undefined: stop sending). */
  sendTrapsTo(target: SimTrapTarget | undefined): void;
  stop(): Promise<void>;
}

const isModel = (m: SimModel | SimModelOptions | undefined): m is SimModel =>
  typeof (m as SimModel | undefined)?.sample === 'function';

export async function startSimAgent(options: SimAgentOptions = {}): Promise<SimAgent> {
  const plain = isModel(options.model) ? options.model : createSimModel(options.model);
  // Every change, an SNMP SET or a call on agent.model, sends the PDU's traps once they have a destination.
  const model = withTraps(plain);
  const trapsTo = (target: SimTrapTarget | undefined) =>
    model.sendTrapsTo(target && { ...target, log: target.log ?? options.log });
  trapsTo(options.traps);
  const server = await startSnmpServer({
    backend: createPduBackend(model),
    port: options.port,
    host: options.host,
    communities: options.communities,
    users: options.users,
    maxMsgSize: options.maxMsgSize,
    clock: options.clock,
    isPaused: () => model.state.paused,
    log: options.log,
  });
  options.log?.debug(
    { port: server.port, units: model.units, outlets: model.outlets },
    'sim agent listening',
  );
  return {
    port: server.port,
    host: server.host,
    model,
    stats: server.stats,
    engineId: server.engineId,
    resetStats: server.resetStats,
    pause: () => model.pause(),
    resume: () => model.resume(),
    sendTrapsTo: trapsTo,
    stop: async () => {
      model.stopTraps();
      await server.stop();
    },
  };
}
