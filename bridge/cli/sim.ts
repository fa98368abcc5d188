/**
 * `raritan2mqtt sim`: run simulated Raritan PDUs (or replay a recorded walk) until SIGINT/SIGTERM.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '../log.ts';
import { type SimAgent, startSimAgent } from '../sim/agent.ts';
import type { AuthProtocol, PrivProtocol, SimV3User } from '../sim/endpoint.ts';
import { type ReplayAgent, startReplayAgent } from '../sim/replay.ts';

interface SimCliOptions {
  port: number;
  host: string;
  outlets: number;
  units: number;
  phases: '1' | '3';
  breakers?: number;
  environment: boolean;
  count: number;
  seed: number;
  community: string;
  writeCommunity: string;
  v3User?: string;
  authKey?: string;
  authProtocol: AuthProtocol;
  privKey?: string;
  privProtocol: PrivProtocol;
  maxMsgSize: number;
  replay?: string;
}

const integer =
  (min: number, max: number) =>
  (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
    return n;
  };

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run simulated Raritan PX3 PDUs (SNMP v1/v2c/v3 agents), or replay a .snmprec walk')
    .option('--port <port>', 'UDP port (the first one with --count)', integer(0, 65535), 1161)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--outlets <n>', 'outlets per unit (0: an inlet-metered PDU)', integer(0, 64), 36)
    .addOption(
      new Option('--phases <n>', 'inlet phases (3: a wye inlet with L1, L2, L3, N)')
        .choices(['1', '3'])
        .default('1'),
    )
    .option(
      '--breakers <n>',
      'overcurrent protectors feeding the outlets (default 2 on 1-phase, 6 on 3-phase)',
      integer(0, 24),
    )
    .option('--no-environment', 'no external sensors (temperature/humidity probe, door, leak)')
    .option('--units <n>', 'linked units per PDU (pduCount)', integer(1, 8), 1)
    .option('--count <n>', 'number of PDUs, on consecutive ports', integer(1, 2000), 1)
    .option('--seed <n>', 'model seed (PDU i uses seed + i)', integer(0, 2 ** 31), 1)
    .option('--community <name>', 'read community', 'public')
    .option('--write-community <name>', 'write community (SET)', 'private')
    .option('--v3-user <name>', 'SNMPv3 user (authPriv with --auth-key and --priv-key)')
    .option('--auth-key <key>', 'SNMPv3 authentication passphrase')
    .addOption(
      new Option('--auth-protocol <p>', 'SNMPv3 authentication')
        .choices(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'])
        .default('sha'),
    )
    .option('--priv-key <key>', 'SNMPv3 privacy passphrase')
    .addOption(
      new Option('--priv-protocol <p>', 'SNMPv3 privacy')
        .choices(['des', 'aes', 'aes256b', 'aes256r'])
        .default('aes'),
    )
    .option('--max-msg-size <bytes>', 'largest response (tooBig beyond it)', integer(484, 65507), 1472)
    .option('--replay <file>', 'serve this .snmprec walk read-only instead of the simulator')
    .action(async (opts: SimCliOptions) => {
      await runSim(opts);
    });
}

async function runSim(opts: SimCliOptions): Promise<void> {
  const log = createLogger();
  const users: SimV3User[] = opts.v3User
    ? [
        {
          name: opts.v3User,
          authKey: opts.authKey,
          authProtocol: opts.authProtocol,
          privKey: opts.privKey,
          privProtocol: opts.privProtocol,
        },
      ]
    : [];
  const common = {
    host: opts.host,
    communities: { read: opts.community, write: opts.writeCommunity },
    users,
    maxMsgSize: opts.maxMsgSize,
    log,
  };
  const agents: (SimAgent | ReplayAgent)[] = [];
  const stopAll = () => Promise.all(agents.map((a) => a.stop()));
  try {
    for (let i = 0; i < opts.count; i++) {
      const port = opts.port === 0 ? 0 : opts.port + i;
      agents.push(
        opts.replay
          ? await startReplayAgent({ ...common, port, file: opts.replay })
          : await startSimAgent({
              ...common,
              port,
              model: {
                outlets: opts.outlets,
                units: opts.units,
                seed: opts.seed + i,
                phases: opts.phases === '3' ? 3 : 1,
                breakers: opts.breakers,
                environment: opts.environment,
              },
            }),
      );
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const ports = agents.map((a) => a.port);
  const consecutive = ports.every((p, i) => p === ports[0]! + i);
  const what = opts.replay
    ? `replaying ${opts.replay}`
    : `${opts.units} × ${opts.outlets}-outlet ${opts.phases}-phase PX3`;
  const where =
    ports.length === 1 ? `${ports[0]}` : consecutive ? `${ports[0]}..${ports.at(-1)}` : ports.join(',');
  const v3 = opts.v3User ? `, v3 user ${opts.v3User}` : '';
  process.stdout.write(`sim: ${agents.length} agent(s) (${what}) on udp ${opts.host}:${where}${v3}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write(`sim: ${signal}, stopping\n`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await stopAll();
}
