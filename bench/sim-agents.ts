/**
 * Simulated PDUs for the benchmarks, in a process of their own so that the agents' CPU is never counted
 * against the client being measured. Started with child_process.fork (IPC channel):
 *   fork('bench/sim-agents.ts', ['--count', '200'], { execArgv: ['--import', 'tsx'] })
 * Every agent listens on a free port (port 0), so no port range has to be probed. Messages:
 *   child → parent  { type: 'ready', ports: number[] }
 *   parent → child  { type: 'stats' }  →  { type: 'stats', requests: number[], stats: SimStats[], cpuMs }
 *   parent → child  { type: 'stop' }   →  the agents stop and the process exits (also on disconnect).
 */
import { parseArgs } from 'node:util';
import { requestCount, type SimAgent, type SimStats, startSimAgent } from '../bridge/sim/agent.ts';

export type SimAgentsMessage =
  | { type: 'ready'; ports: number[] }
  | { type: 'stats'; requests: number[]; stats: SimStats[]; cpuMs: number };

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1' },
    outlets: { type: 'string', default: '36' },
    'max-msg-size': { type: 'string', default: '1472' },
  },
});
const count = Number(values.count);
const outlets = Number(values.outlets);
const maxMsgSize = Number(values['max-msg-size']);

const agents: SimAgent[] = [];
for (let i = 0; i < count; i++) {
  agents.push(await startSimAgent({ port: 0, model: { outlets, seed: 1 + i }, maxMsgSize }));
}

function send(message: SimAgentsMessage): void {
  process.send?.(message);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(agents.map((a) => a.stop()));
  process.exit(0);
}

process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') {
    const usage = process.cpuUsage();
    send({
      type: 'stats',
      requests: agents.map((a) => requestCount(a.stats)),
      stats: agents.map((a) => ({ ...a.stats })),
      cpuMs: (usage.user + usage.system) / 1000,
    });
  } else if (message.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
send({ type: 'ready', ports: agents.map((a) => a.port) });
