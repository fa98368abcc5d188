import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson, OutletJson } from '../../bridge/http/bodies.ts';
import { PDU, type Stack, startStack } from '../e2e/harness.ts';

/** The API against a bridge on the simulated PX3-5892, auth off (see http-auth.test.ts for auth on). */

let stack: Stack;
const get = (path: string, init?: RequestInit) => fetch(`${stack.url}${path}`, init);
const json = async <T>(path: string): Promise<T> => {
  const r = await get(path);
  expect(r.status, path).toBe(200);
  return (await r.json()) as T;
};

interface Series {
  pdu: string;
  period: string;
  times: number[];
  lines: { outlet: number; label: string; avg?: (number | null)[]; kwh?: (number | null)[] }[];
}

beforeAll(async () => {
  stack = await startStack({
    backfill: [
      { days: 40, stepMinutes: 360 },
      { days: 3, stepMinutes: 15 },
      { days: 0.08, stepMinutes: 1 },
    ],
    heartbeatMs: 200,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('GET /api/current-status', () => {
  it('describes the PDU and its 36 outlets with the values of the last poll', async () => {
    const body = await json<CurrentStatusJson>('/api/current-status');
    expect(body.demo).toBe(true);
    expect(body.auth).toBe('local'); // a loopback-only server without credentials: writes from this machine
    expect(body.token_file).toBeNull();
    const pdu = body.pdus[0]!;
    const reading = stack.poller.last[0]!;
    expect(pdu).toMatchObject({ id: PDU, model: 'PX3-5892', online: true, stale: false });
    expect(pdu.serial).toBe(stack.agent.model.identity(1).serial);
    expect(pdu.time).toBe(reading.time);
    expect(pdu.power).toBe(reading.inlet.power);
    expect(pdu.frequency).toBe(reading.inlet.frequency);
    expect(pdu.outlets).toHaveLength(36);
    expect(pdu.outlets.map((o) => o.label)).toEqual(Array.from({ length: 36 }, (_, i) => String(i + 1)));
    for (const o of pdu.outlets) {
      const r = reading.outlets.find((x) => x.outlet === o.outlet)!;
      expect(o).toMatchObject({ name: r.name, state: r.state, power: r.power, current: r.current });
    }
    expect(pdu.outlets_on).toBe(pdu.outlets.filter((o) => o.state === 'on').length);
    expect(pdu.today?.energy_kwh).toBeGreaterThan(0);
    expect(pdu.month?.energy_kwh).toBeGreaterThanOrEqual(pdu.today?.energy_kwh ?? 0);
    expect(pdu.sparkline?.power.length).toBeGreaterThan(1);
  });

  it('filters by pdu and refuses an unknown one', async () => {
    expect((await json<CurrentStatusJson>(`/api/current-status?pdu=${PDU}`)).pdus).toHaveLength(1);
    const r = await get('/api/current-status?pdu=nope');
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ status: 'error', error: 'unknown pdu "nope"' });
  });

  it('is gzip-compressed when the client accepts it', async () => {
    const r = await get('/api/current-status', { headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers.get('content-encoding')).toBe('gzip');
  });
});

describe('GET /api/ports', () => {
  it('lists every outlet with its metrics', async () => {
    const body = await json<{ pdu: string; ports: OutletJson[] }>('/api/ports');
    expect(body.pdu).toBe(PDU);
    expect(body.ports).toHaveLength(36);
    // The simulated PX3-5892's nameplate: C13 outlets at 10 A.
    expect(body.ports[0]!.rated_current).toBe(10);
    expect(Object.keys(body.ports[0]!).sort()).toEqual(
      [
        'alarms',
        'apparent_power',
        'breaker',
        'current',
        'energy',
        'label',
        'name',
        'outlet',
        'power',
        'power_factor',
        'rated_current',
        'state',
        'thresholds',
        'voltage',
      ].sort(),
    );
  });
});

describe('GET /api/power-data and /api/energy-data', () => {
  const periods = ['hour', 'day', 'week', 'month', 'year'];
  for (const kind of ['power', 'energy'] as const) {
    for (const period of periods) {
      it(`${kind} for a ${period}, total and per outlet, with data`, async () => {
        const total = await json<Series>(`/api/${kind}-data?period=${period}&view=total`);
        expect(total.period).toBe(period);
        expect(total.lines).toHaveLength(1);
        expect(total.lines[0]!.outlet).toBe(0);
        const values = (total.lines[0]!.avg ?? total.lines[0]!.kwh)!;
        expect(values).toHaveLength(total.times.length);
        expect(values.filter((v) => v !== null && v > 0).length).toBeGreaterThan(0);
        const ports = await json<Series>(`/api/${kind}-data?period=${period}&view=ports`);
        expect(ports.lines.length).toBeGreaterThan(20);
        expect(ports.lines.every((l) => l.outlet > 0)).toBe(true);
      });
    }
  }

  it('never sends more points than asked for (the server downsamples)', async () => {
    const s = await json<Series>('/api/power-data?period=month&view=ports&points=12');
    expect(s.times.length).toBeLessThanOrEqual(12);
    const day = await json<Series>('/api/power-data?period=day&points=20');
    expect(day.times.length).toBeLessThanOrEqual(20);
    expect(day.times.length).toBeGreaterThan(5);
  });

  it('serves a custom range given as from/to in ms', async () => {
    const to = Date.now();
    const from = to - 2 * 86_400_000;
    const s = await json<Series>(`/api/power-data?from=${from}&to=${to}`);
    expect(s.period).toBe('custom');
    expect(s.times[0]!).toBeGreaterThanOrEqual(from - 86_400_000);
    expect(s.lines[0]!.avg!.some((v) => v !== null)).toBe(true);
  });

  it('orders the per-outlet lines by energy, top consumers first', async () => {
    const s = await json<{ lines: { energy_kwh: number }[] }>('/api/power-data?period=day&view=ports');
    const energies = s.lines.map((l) => l.energy_kwh);
    expect(energies).toEqual([...energies].sort((a, b) => b - a));
  });
});

describe('GET /api/export-data', () => {
  it('downloads a CSV of the period that parses, one row per point and outlet', async () => {
    const r = await get('/api/export-data?period=day&view=ports&format=csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="pdu1-day-ports\.csv"/);
    const lines = (await r.text()).trim().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 6)).toEqual(['time', 'pdu', 'outlet', 'label', 'name', 'power_avg_w']);
    expect(lines.length).toBeGreaterThan(36 * 50);
    const outlets = new Set(lines.slice(1).map((l) => Number(l.split(',')[2])));
    expect(outlets.size).toBe(36);
    expect(Number.isNaN(Date.parse(lines[1]!.split(',')[0]!))).toBe(false);
  });
});

describe('bad parameters get 400 with a JSON error and change nothing', () => {
  const bad = [
    '/api/power-data?period=decade',
    '/api/power-data?view=everything',
    '/api/power-data?points=3',
    '/api/power-data?points=lots',
    '/api/power-data?perod=day',
    '/api/power-data?from=1700000000000',
    '/api/power-data?from=1700000000000&to=1600000000000',
    '/api/power-data?period=day&from=1700000000000&to=1700003600000',
    '/api/energy-data?pdu=../../etc',
    '/api/energy-data?pdu=nope',
    '/api/export-data?period=day&format=xml',
    '/api/export-data?period=day&resolution=1y',
    '/api/ports?pdu=%00',
  ];
  for (const path of bad) {
    it(path, async () => {
      const r = await get(path);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await r.json()) as { status: unknown; error: unknown };
      expect(body.status).toBe('error');
      expect(typeof body.error).toBe('string');
    });
  }

  it.each([
    [
      '/api/power-data?period=decade',
      'querystring: period must be one of hour, day, week, month, year, got "decade"',
    ],
    ['/api/power-data?view=everything', 'querystring: view must be one of total, ports, got "everything"'],
    ['/api/power-data?points=3', 'querystring: points must be at least 10, got 3'],
    ['/api/power-data?points=lots', 'querystring: points must be an integer, got "lots"'],
    ['/api/power-data?perod=day', 'querystring: unknown parameter "perod"'],
    ['/api/export-data?period=day&format=xml', 'querystring: format must be one of csv, got "xml"'],
  ])('says what %s must be, with the allowed values', async (path, message) => {
    const r = await get(path);
    expect(((await r.json()) as { error: string }).error).toBe(message);
  });

  it('unknown paths are a JSON 404', async () => {
    const r = await get('/api/nope');
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toMatch(/not found/);
  });
});

describe('POST /api/update-port-name', () => {
  const post = (body: string, type = 'application/json') =>
    get('/api/update-port-name', { method: 'POST', headers: { 'content-type': type }, body });

  it('renames the outlet on the PDU through the command module, and the next status shows it', async () => {
    const r = await post(JSON.stringify({ pdu: PDU, port: 5, name: 'api-test web-01' }));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok', data: { pdu: PDU, outlet: 5, name: 'api-test web-01' } });
    expect(stack.agent.model.outletName(1, 5)).toBe('api-test web-01');
    const status = await json<CurrentStatusJson>('/api/current-status');
    expect(status.pdus[0]!.outlets.find((o) => o.outlet === 5)!.name).toBe('api-test web-01');
  });

  it('clears a name with an empty one: the PDU then has none (the outlet goes by its label)', async () => {
    const named = await post(JSON.stringify({ port: 8, name: 'to be cleared' }));
    expect(named.status).toBe(200);
    expect(stack.agent.model.outletName(1, 8)).toBe('to be cleared');
    const r = await post(JSON.stringify({ port: 8, name: '' }));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', data: { outlet: 8, name: '' } });
    expect(stack.agent.model.outletName(1, 8)).toBe('');
  });

  it('accepts `outlet` as well as the original `port`, and defaults to the first PDU', async () => {
    const r = await post(JSON.stringify({ outlet: 6, name: 'api-test db-02' }));
    expect(r.status).toBe(200);
    expect(stack.agent.model.outletName(1, 6)).toBe('api-test db-02');
  });

  const refusals: [string, string, RegExp][] = [
    ['an unknown outlet', JSON.stringify({ port: 99, name: 'x' }), /unknown outlet 99/],
    ['a control character', JSON.stringify({ port: 7, name: 'a\u0007b' }), /printable/],
    ['a name too long for the PDU', JSON.stringify({ port: 7, name: 'x'.repeat(65) }), /too long/],
    ['no outlet', JSON.stringify({ name: 'x' }), /outlet/],
    ['no name', JSON.stringify({ port: 7 }), /name/],
    ['a wrong type', JSON.stringify({ port: 'seven', name: 'x' }), /port/],
    ['an unknown field', JSON.stringify({ port: 7, name: 'x', admin: true }), /unknown parameter "admin"/],
    ['malformed JSON', '{"port": 7, "name": ', /./],
    ['an unknown pdu', JSON.stringify({ pdu: 'pdu9', port: 7, name: 'x' }), /unknown pdu/],
  ];
  for (const [what, body, message] of refusals) {
    it(`refuses ${what} with 400 and leaves the PDU alone`, async () => {
      const before = stack.agent.model.outletName(1, 7);
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(message);
      expect(stack.agent.model.outletName(1, 7)).toBe(before);
    });
  }

  it('refuses a body that is not JSON (415) and a huge one (413)', async () => {
    expect((await post('port=7&name=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post(JSON.stringify({ port: 7, name: 'x'.repeat(20_000) }))).status).toBe(413);
  });
});

describe('GET /api/events', () => {
  it('streams the current state first, then a reading per poll, and heartbeats', async () => {
    const controller = new AbortController();
    const r = await get('/api/events', { signal: controller.signal });
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    const events: { event: string; data: unknown }[] = [];
    let buffer = '';
    const until = async (pred: () => boolean) => {
      while (!pred()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      }
    };
    await until(() => events.length >= 1);
    expect(events[0]!.event).toBe('reading');
    const first = events[0]!.data as { pdus: { id: string; time: number; outlets: unknown[] }[] };
    expect(first.pdus[0]!.outlets).toHaveLength(36);
    const poll = await stack.poller.pollNow();
    await until(() => events.some((e, i) => i > 0 && e.event === 'reading'));
    const next = events.find((e, i) => i > 0 && e.event === 'reading')!.data as typeof first;
    expect(next.pdus[0]!.time).toBe(poll.time);
    await until(() => events.some((e) => e.event === 'heartbeat'));
    controller.abort();
  });
});

describe('/metrics and /healthz', () => {
  it('exports per-outlet and per-PDU metrics in the Prometheus text format', async () => {
    const r = await get('/metrics');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const reading = stack.poller.last[0]!;
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-z_:][a-z0-9_:]* .+|[a-z_:][a-z0-9_:]*(\{.*\})? -?[0-9.e+-]+|.*NaN)$/,
      );
    }
    const o1 = reading.outlets[0]!;
    expect(text).toContain(`raritan_outlet_power_watts{pdu="pdu1",outlet="1"} ${o1.power}`);
    // Label and name on the info series only, so a rename keeps every other series going.
    expect(text).toContain(`raritan_outlet_info{pdu="pdu1",outlet="1",label="1",name="${o1.name}"} 1`);
    expect(text.match(/^raritan_outlet_info\{/gm)?.length).toBe(36);
    expect(text).not.toMatch(/^raritan_outlet_(?!info)[a-z_]+\{[^}]*name=/m);
    expect(text).toContain(`raritan_pdu_power_watts{pdu="pdu1"} ${reading.inlet.power}`);
    expect(text).toContain('raritan_pdu_online{pdu="pdu1"} 1');
    expect(text).toMatch(/raritan_pdu_poll_duration_seconds\{pdu="pdu1"\} [0-9.]+/);
    expect(text).toMatch(/raritan_pdu_poll_requests\{pdu="pdu1"\} \d+/);
    expect(text).toMatch(/raritan_outlet_energy_kilowatt_hours_total\{pdu="pdu1",outlet="36"/);
    expect(text).toContain('raritan2mqtt_pdus 1');
    expect(text.match(/^raritan_outlet_current_amperes\{/gm)?.length).toBe(36);
    // Where the memory is: the heap in use never exceeds the heap reserved, both under the RSS.
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    const used = gauge('raritan2mqtt_heap_used_bytes');
    expect(used).toBeGreaterThan(1e6);
    expect(used).toBeLessThanOrEqual(gauge('raritan2mqtt_heap_total_bytes'));
    expect(gauge('raritan2mqtt_heap_total_bytes')).toBeLessThan(gauge('raritan2mqtt_resident_memory_bytes'));
    expect(gauge('raritan2mqtt_external_memory_bytes')).toBeGreaterThan(0);
  });

  it('healthz reports the bridge and each PDU', async () => {
    expect(await json('/healthz')).toMatchObject({ status: 'ok', pdus: { pdu1: true } });
  });
});
