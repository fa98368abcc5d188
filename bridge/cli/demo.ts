import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UI_DIR } from '../controller.ts';
import { fillDemo } from '../history/index.ts';
import { createLogger } from '../log.ts';
import { startSimAgent } from '../sim/agent.ts';
import { withSimHardware } from '../sim/history-hardware.ts';
import { readingsFromSim } from '../sim/history-readings.ts';
import { loadOrExit, startBridge } from './run.ts';

/**
 * `raritan2mqtt demo` (`npm run demo`): the whole system on a simulated PX3-5892. The simulated agent
 * takes a free port of its own, so two demos, or a demo beside a test run, never collide; the bridge
 * honours the usual R2M_* overrides (ports, database path). The panel serves live data within seconds;
 * a year of history is backfilled from the same model through the same recording path as live polls,
 * behind the running bridge, so every chart fills in while the user watches.
 */

const DEMO_ID = 'pdu1';

function buildPanelIfMissing(log: ReturnType<typeof createLogger>): void {
  if (existsSync(join(UI_DIR, 'index.html'))) return;
  log.info('building the panel (first run)…');
  const root = dirname(dirname(UI_DIR));
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'ui/vite.config.ts'],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  if (r.status !== 0)
    log.warn('could not build the panel: run `npm run build`; the API and MQTT work without it');
}

export async function demo(opts: { days: number }): Promise<void> {
  const env = process.env;
  const agent = await startSimAgent({ port: 0, communities: { read: 'public', write: 'private' } });
  const config = loadOrExit({
    overrides: {
      demo: true,
      pdus: [
        {
          id: DEMO_ID,
          name: 'Simulated PX3-5892',
          host: '127.0.0.1',
          port: agent.port,
          community: 'public',
          writeCommunity: 'private',
          allowSwitching: true,
          pollInterval: 10,
        },
      ],
      // The demo keeps its own database unless R2M_DB_PATH says otherwise.
      ...(env.R2M_DB_PATH ? {} : { db: { path: './data/demo.db' } }),
    },
  });
  const log = createLogger(config.log.level);
  buildPanelIfMissing(log);
  // The simulated PDU sends its traps to the bridge's receiver, as a PDU given a trap destination does:
  // a switch on it shows up everywhere within a second.
  if (config.snmp.trapPort !== null) {
    const host = config.snmp.trapHost;
    // The sim sends over IPv4: a receiver on every interface (0.0.0.0, or :: dual-stack) hears loopback.
    const to = host === '0.0.0.0' || host.includes(':') ? '127.0.0.1' : host;
    agent.sendTrapsTo({ host: to, port: config.snmp.trapPort, community: 'public' });
  }

  // The bridge serves at once; the year of history fills in behind it, while live polls wait for it
  // (bridge/history/consumer.ts): progress in the log and in /api/current-status.
  // With the lines, protectors and probes: a year of temperature and humidity to chart.
  const model = withSimHardware(agent.model, readingsFromSim(agent.model, DEMO_ID));
  // Up to the start: the first live poll comes after it (the backfill itself starts after that poll).
  const now = Date.now();
  const bridge = await startBridge(config, log, {
    after: () => agent.stop(),
    stopped: 'raritan2mqtt demo stopped.',
    backfill: (history, report, signal) =>
      fillDemo({
        history,
        model,
        ids: [DEMO_ID],
        now,
        days: opts.days,
        onProgress: report,
        signal,
      }),
  });
  const http = bridge.http!;
  const host = http.host === '0.0.0.0' ? 'localhost' : http.host;
  // The broker the demo publishes to: its own embedded one, or R2M_MQTT_URL's.
  const broker = new URL(bridge.mqtt.url ?? `mqtt://127.0.0.1:${config.mqtt.port}`);
  process.stdout.write(
    [
      '',
      'raritan2mqtt demo: a simulated PX3-5892 (36 outlets)',
      `  panel:      http://${host}:${http.port}`,
      `  MQTT:       ${broker.href}`,
      `  watch:      mosquitto_sub -h ${broker.hostname} -p ${broker.port || 1883} -t '${config.mqtt.baseTopic}/#' -v`,
      `  SNMP agent: 127.0.0.1:${agent.port} (community public, write community private)`,
      `  history:    ${opts.days} days of simulated history fill in behind the live data (progress in the log)`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole system on a simulated 36-outlet PX3-5892, with a year of history')
    .option('--days <n>', 'days of simulated history to backfill', (v) => Number.parseInt(v, 10), 365)
    .action(async (opts: { days: number }) => {
      await demo(opts);
    });
}
