import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { freeTcpPort } from '../../support/ports.ts';

/**
 * The docker-compose deployment (docker-compose.yml, Dockerfile, deploy/). No Docker engine runs in CI:
 * Debian's docker-compose validates and resolves the file, and the pieces that run inside the containers
 * are run here for real (the Mosquitto config in Debian's Mosquitto 2, the healthcheck command, the
 * shipped bridge config through the config loader, the Node-RED first-start script).
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
const MOSQUITTO = '/usr/sbin/mosquitto';
const PROFILES = ['demo', 'homeassistant', 'nodered'];
if (!COMPOSE)
  console.warn(
    'docker-compose not found: apt-get install -y --no-install-recommends docker-compose (compose checks skipped)',
  );

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      file,
      args,
      { cwd: root, env: { ...process.env, ...opts.env }, timeout: 20_000, maxBuffer: 8 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

const profileArgs = (profiles: string[]) => profiles.flatMap((p) => ['--profile', p]);

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  entrypoint?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
  ports?: Array<{ target: number; published: number }>;
}

interface Resolved {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** Volume strings of a resolved service as [source, target, mode]. */
const mounts = (s: Service | undefined) => (s?.volumes ?? []).map((v) => v.split(':'));

// A clean environment: the user's R2M_* or .env-like variables must not change what is checked.
const cleanEnv = Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined]));
const composeEnv = { ...cleanEnv, PATH: process.env.PATH, HOME: process.env.HOME };

describe.skipIf(!COMPOSE)('docker-compose.yml (validated by Debian docker-compose, no engine)', () => {
  let config: Resolved;

  beforeAll(async () => {
    const all = await run(COMPOSE!, ['-f', 'docker-compose.yml', ...profileArgs(PROFILES), 'config'], {
      env: composeEnv,
    });
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    // docker-compose is Python and brings python3-yaml: it parses its own output to JSON for us.
    const json = await run(
      'python3',
      ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      { input: all.stdout },
    );
    expect(json.code).toBe(0);
    config = JSON.parse(json.stdout) as Resolved;
  });

  const profileSets: Array<[string, string[]]> = [
    ['none', []],
    ...PROFILES.map((p): [string, string[]] => [p, [p]]),
    ['all', PROFILES],
  ];
  it.each(profileSets)('config -q passes with profiles: %s', async (_label, profiles) => {
    const r = await run(COMPOSE!, ['-f', 'docker-compose.yml', ...profileArgs(profiles), 'config', '-q'], {
      env: composeEnv,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('builds the bridge from the Dockerfile and checks /healthz with node (no curl in a slim image)', () => {
    const bridge = config.services.bridge;
    expect(bridge?.build?.context).toBe(root);
    expect(bridge?.profiles).toBeUndefined();
    const test = bridge?.healthcheck?.test ?? [];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test.join(' ')).toContain('/healthz');
    expect(test.join(' ')).not.toMatch(/curl|wget/);
    // The same command as the image's own HEALTHCHECK.
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(JSON.stringify(test[3]));
    expect(bridge?.ports).toEqual([expect.objectContaining({ target: 5000 })]);
  });

  it('keeps the SQLite file on a named volume and mounts a config that the bridge accepts', () => {
    const bridge = config.services.bridge!;
    const env = bridge.environment ?? {};
    expect(env.R2M_DB_PATH).toBe('/data/raritan2mqtt.db');
    const data = mounts(bridge).find((m) => m[1] === '/data');
    expect(data?.[0]).toBe('raritan2mqtt-data');
    expect(Object.keys(config.volumes)).toContain('raritan2mqtt-data');

    expect(env.R2M_CONFIG).toBe('/config/raritan2mqtt.json');
    const conf = mounts(bridge).find((m) => m[1] === '/config');
    expect(conf?.[2]).toBe('ro');
    const file = join(conf![0]!, 'raritan2mqtt.json');
    expect(existsSync(file)).toBe(true);
    // The shipped file is valid as it stands, and with the compose environment the R2M_PDU_* path works.
    const loaded = loadConfig({
      file,
      env: { ...env, R2M_CONFIG: '', R2M_PDU_HOST: '192.0.2.10', R2M_PDU_COMMUNITY: 'public' },
    });
    expect(loaded.mqtt.url).toBe('mqtt://mosquitto:1883');
    expect(loaded.db.path).toBe('/data/raritan2mqtt.db');
    expect(loaded.pdus.map((p) => [p.id, p.host])).toEqual([['pdu1', '192.0.2.10']]);
  });

  it('points the bridge at the mosquitto service, which runs eclipse-mosquitto:2 with deploy/mosquitto', () => {
    const bridge = config.services.bridge!;
    expect(bridge.environment?.R2M_MQTT_URL).toBe('mqtt://mosquitto:1883');
    expect(Object.keys(bridge.depends_on ?? {})).toContain('mosquitto');
    const mosquitto = config.services.mosquitto!;
    expect(mosquitto.image).toBe('eclipse-mosquitto:2');
    expect(mosquitto.profiles).toBeUndefined();
    const confDir = mounts(mosquitto).find((m) => m[1] === '/mosquitto/config');
    expect(confDir?.[0]).toBe(join(root, 'deploy/mosquitto'));
    expect(readFileSync(join(confDir![0]!, 'mosquitto.conf'), 'utf8')).toMatch(/^listener 1883$/m);
    expect(mounts(mosquitto).find((m) => m[1] === '/mosquitto/data')?.[0]).toBe('mosquitto-data');
  });

  it('has the demo, homeassistant and nodered profiles', () => {
    const { demo, homeassistant, nodered } = config.services;
    expect(demo?.profiles).toEqual(['demo']);
    expect(demo?.command).toEqual(['demo']);
    expect(demo?.environment?.R2M_MQTT_URL).toBe('mqtt://mosquitto:1883');
    expect(demo?.environment?.R2M_DB_PATH).toMatch(/^\/data\//);
    expect(demo?.ports?.[0]?.published).not.toBe(config.services.bridge?.ports?.[0]?.published);

    expect(homeassistant?.profiles).toEqual(['homeassistant']);
    expect(homeassistant?.image).toBe('ghcr.io/home-assistant/home-assistant:stable');
    expect(Object.keys(homeassistant?.depends_on ?? {})).toEqual(['mosquitto']);
    expect(mounts(homeassistant).find((m) => m[1] === '/config')?.[0]).toBe('homeassistant-config');

    expect(nodered?.profiles).toEqual(['nodered']);
    expect(nodered?.image).toBe('nodered/node-red:4.1');
    const flow = mounts(nodered).find((m) => m[1] === '/examples/raritan2mqtt-flow.json');
    expect(flow?.[0]).toBe(join(root, 'examples/node-red/raritan2mqtt-flow.json'));
    const script = mounts(nodered).find((m) => m[1] === nodered?.entrypoint?.[1]);
    expect(script?.[0]).toBe(join(root, 'deploy/node-red/start.sh'));
    // The image's own entrypoint (nodered/node-red: WORKDIR /usr/src/node-red) is handed over to.
    expect(nodered?.entrypoint?.at(-1)).toBe('./entrypoint.sh');
  });
});

describe('the pieces that run inside the containers', () => {
  let dir: string;
  let mosquitto: ChildProcess | undefined;
  let server: Server | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'r2m-compose-'));
  });
  afterAll(async () => {
    if (mosquitto && mosquitto.exitCode === null) {
      const gone = new Promise((r) => mosquitto!.once('exit', r));
      mosquitto.kill('SIGTERM');
      await gone;
    }
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(MOSQUITTO))('deploy/mosquitto/mosquitto.conf starts a real Mosquitto 2', async () => {
    const port = await freeTcpPort();
    // Only the listener's port and the data folder differ from what the container uses.
    const conf = readFileSync(join(root, 'deploy/mosquitto/mosquitto.conf'), 'utf8')
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
    expect(conf).toContain(`listener ${port} 127.0.0.1`);
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    let log = '';
    mosquitto = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    mosquitto.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    mosquitto.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const accepts = () =>
      new Promise<boolean>((r) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          r(true);
        });
        s.once('error', () => r(false));
      });
    const deadline = Date.now() + 10_000;
    while (!(await accepts())) {
      if (mosquitto.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(mosquitto.exitCode).toBeNull();
  });

  it('the healthcheck command exits 0 on a 200 from /healthz and 1 otherwise', async () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const cmd = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(dockerfile)?.[1];
    expect(cmd).toBeDefined();
    const argv = JSON.parse(cmd!) as string[];
    expect(argv.slice(0, 2)).toEqual(['node', '-e']);
    let status = 200;
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const check = () => run(process.execPath, argv.slice(1), { env: { R2M_HTTP_PORT: String(port) } });
    expect((await check()).code).toBe(0);
    status = 503;
    expect((await check()).code).toBe(1);
    expect(paths).toEqual(['/healthz', '/healthz']);
    await new Promise((r) => server!.close(r));
    server = undefined;
    expect((await check()).code).toBe(1);
  });

  it('the Node-RED first-start script installs the example flow pointed at mosquitto, once', async () => {
    const example = join(root, 'examples/node-red/raritan2mqtt-flow.json');
    const flows = join(dir, 'flows.json');
    const env = { R2M_EXAMPLE_FLOW: example, R2M_FLOWS_FILE: flows, R2M_BROKER_HOST: 'mosquitto' };
    const script = join(root, 'deploy/node-red/start.sh');
    const first = await run('/bin/sh', [script, '/bin/sh', '-c', 'echo handed over: "$0" "$1"', 'a', 'b c'], {
      env,
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('handed over: a b c');
    type Node = { id: string; type: string; broker?: string; port?: string };
    const installed = JSON.parse(readFileSync(flows, 'utf8')) as Node[];
    const original = JSON.parse(readFileSync(example, 'utf8')) as Node[];
    const broker = installed.find((n) => n.type === 'mqtt-broker');
    expect(broker).toMatchObject({ broker: 'mosquitto', port: '1883' });
    // Nothing else changed.
    expect(installed.map((n) => (n.type === 'mqtt-broker' ? { ...n, broker: 'localhost' } : n))).toEqual(
      original,
    );

    // A later start keeps what the user deployed.
    writeFileSync(flows, '[]');
    const second = await run('/bin/sh', [script, 'true'], { env });
    expect(second.code).toBe(0);
    expect(readFileSync(flows, 'utf8')).toBe('[]');
  });

  it('.dockerignore keeps host installs, builds, data and git out of the build context', () => {
    const lines = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'ui/dist', 'data', '.git', 'screenshots'])
      expect(lines).toContain(entry);
  });
});
