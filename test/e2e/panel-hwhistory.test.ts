import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SensorDataJson } from '../../bridge/http/api-hardware.ts';
import type { BridgeStack } from '../../support/bridge-stack.ts';
import { type OpenBridge, openBridge, outletCount, SHOTS, sideScroll } from './panel-kit.ts';

/**
 * The history of the external sensors and of the lines in the panel, in Chromium: on the 3-phase
 * simulator the temperature chart (humidity one click away, or a click on a probe in the environment
 * card) draws what /api/sensor-data answers, and the lines' current per phase is charted; a 1-phase
 * PDU without sensors has neither chart.
 */

const RACK = 'rack3';
const PLAIN = 'plain';

let app: OpenBridge;
let stack: BridgeStack;
let page: Page;

/** What Chart.js draws for a chart of the panel: per dataset its label and its non-null y values. */
const drawn = (kind: string) =>
  page.evaluate<{ label: string; ys: number[] }[]>(
    `window.r2mCharts[${JSON.stringify(kind)}].data.datasets.map((d) => ({ label: d.label, ys: d.data.map((p) => p.y).filter((y) => y !== null) }))`,
  );

async function open(id: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${stack.url}/?pdu=${id}`);
  await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
}

const ready = (kind: string, field: string) =>
  page.waitForSelector(
    `[data-testid=${kind}-chart][data-ready=true][data-field=${field}]:not([data-points="0"])`,
    {
      timeout: 15_000,
    },
  );

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openBridge({
    days: 1,
    pollInterval: 3,
    pdus: [
      { id: RACK, displayName: 'Rack 3 (3-phase)', model: { outlets: 36, phases: 3, seed: 3 } },
      {
        id: PLAIN,
        displayName: 'Lab bench',
        model: { outlets: 12, breakers: 0, environment: false, seed: 5, model: 'PX3-5145R' },
      },
    ],
  });
  ({ stack, page } = app);
  // A second poll, so the history has more than the first one.
  await Promise.all(stack.bridge.pollers.map((p) => p.pollNow()));
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the sensor and line history on the 3-phase simulator', () => {
  it('charts the temperature probes as the API has them for the day', async () => {
    await open(RACK, 1366);
    await page.waitForFunction(outletCount(36));
    await ready('sensor', 'temperature');
    const api = (await (
      await fetch(`${stack.url}/api/sensor-data?pdu=${RACK}&period=day&kind=sensor`)
    ).json()) as SensorDataJson;
    const temps = api.series.filter((s) => s.field === 'temperature');
    expect(temps.length).toBeGreaterThan(0);
    const chart = await drawn('sensor');
    expect(chart.map((d) => d.label)).toEqual(temps.map((s) => s.name || s.key));
    // The points drawn are the API's averages (the newest bucket may have gained a poll since: all but it).
    chart.forEach((d, i) => {
      const ys = temps[i]!.avg.filter((v): v is number => v !== null);
      expect(d.ys.length).toBeGreaterThan(0);
      expect(d.ys.slice(0, -1)).toEqual(ys.slice(0, d.ys.length - 1));
      for (const y of d.ys) expect(y).toBeGreaterThan(5);
    });
    await expect(page.locator('[data-testid=sensor-line]').count()).resolves.toBe(temps.length);
    // Its CSV link: the same series, as text.
    const href = await page.getAttribute('[data-testid=sensor-csv]', 'href');
    const csv = await (await fetch(`${stack.url}/${href}`)).text();
    expect(csv.split('\n')[0]).toBe('time,pdu,kind,id,name,field,unit,avg,min,max,samples');
    expect(csv).toContain(`,${RACK},sensor,${temps[0]!.key},`);
  });

  it('switches to humidity by its button, and back to temperature by a click on a probe in the environment card', async () => {
    await page.click('[data-testid=sensor-chart] button:text-is("Humidity")');
    await ready('sensor', 'humidity');
    const humid = await drawn('sensor');
    expect(humid.length).toBeGreaterThan(0);
    for (const d of humid) for (const y of d.ys) expect(y).toBeGreaterThan(5);
    await page.click('[data-testid=sensor][data-type=temperature] [data-testid=sensor-history]');
    await ready('sensor', 'temperature');
    await expect(page.textContent('[data-testid=sensor-chart] button[aria-pressed=true]')).resolves.toBe(
      'Temperature',
    );
  });

  it('charts the current of each line, L1, L2, L3 and N, and their L-N voltage', async () => {
    await ready('line', 'current');
    const lines = await drawn('line');
    expect(lines.map((d) => d.label)).toEqual(['L1', 'L2', 'L3', 'N']);
    for (const d of lines.slice(0, 3)) for (const y of d.ys) expect(y).toBeGreaterThan(0);
    await page.click('[data-testid=line-chart] button:text-is("Voltage L-N")');
    await ready('line', 'voltage_ln');
    const volts = await drawn('line');
    // The neutral has no voltage.
    expect(volts.map((d) => d.label)).toEqual(['L1', 'L2', 'L3']);
    for (const d of volts) for (const y of d.ys) expect(y).toBeGreaterThan(200);
    await page.click('[data-testid=line-chart] button:text-is("Current")');
    await ready('line', 'current');
  });

  it('fits a phone and a desktop without sideways scrolling; screenshots', async () => {
    for (const width of [1366, 390]) {
      await open(RACK, width);
      await ready('sensor', 'temperature');
      await ready('line', 'current');
      expect(await sideScroll(page)).toBe(0);
      await page
        .locator('[aria-label=History]')
        .screenshot({ path: join(SHOTS, `hwhistory-3phase-${width}.png`) });
    }
  });
});

describe('a 1-phase PDU without sensors', () => {
  it('has no sensor or line chart, and its power chart as before', async () => {
    await open(PLAIN, 1366);
    await page.waitForFunction(outletCount(12));
    await page.waitForSelector('[data-testid=power-chart][data-ready=true]');
    for (const id of ['sensor-chart', 'line-chart'])
      await expect(page.locator(`[data-testid=${id}]`).count(), id).resolves.toBe(0);
  });

  it('had no console errors and no failed API request', () => {
    expect(app.problems).toEqual([]);
    expect(app.failed).toEqual([]);
  });
});
