import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAgent } from '../../bridge/sim/agent.ts';
import { type BridgeStack, startBridgeStack } from '../../support/bridge-stack.ts';
import { type Browser, launchBrowser } from '../../support/browser.ts';
import { buildPanel, outletCount, outletName, SHOTS, waitForChart, watchProblems } from './panel-kit.ts';

/**
 * The panel on a bridge with two PDUs (two simulated agents: a 36-outlet PX3-5892 and a 12-outlet
 * PX3-5145R): the header's selector lists both, and the choice drives everything below it (grid,
 * cards, charts, export) and survives live readings of either PDU.
 */

const BIG = { id: 'rack-a', name: 'Rack A', outlets: 36, model: 'PX3-5892' };
const SMALL = { id: 'bench', name: 'Lab bench', outlets: 12, model: 'PX3-5145R' };
const SELECT = '[data-testid=pdu-select]';

let ui: ReturnType<typeof buildPanel>;
let stack: BridgeStack;
let browser: Browser;
let page: Page;
let problems: string[] = [];
const seriesRequests: URL[] = [];

const agentOf = (p: typeof BIG): SimAgent => {
  const a = stack.agents[p === BIG ? 0 : 1];
  if (!a) throw new Error('no agent');
  return a;
};

async function gridNames(): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll('[data-testid=outlet] [data-testid=outlet-name]')].map((el) => el.textContent)`,
  );
}

/** What the panel shows for the selected PDU, checked against that simulator. */
async function expectShowing(p: typeof BIG): Promise<void> {
  const agent = agentOf(p);
  await page.waitForFunction(outletCount(p.outlets), undefined, { timeout: 15_000 });
  await expect(page.inputValue(SELECT)).resolves.toBe(p.id);
  await expect(gridNames()).resolves.toEqual(
    Array.from({ length: p.outlets }, (_, i) =>
      outletName({ outlet: i + 1, label: String(i + 1), name: agent.model.outletName(1, i + 1) }),
    ),
  );
  await expect(page.textContent('header h1')).resolves.toBe(p.name);
  await expect(page.textContent('header')).resolves.toContain(p.model);
  const ident = agent.model.identity(1);
  const cards = (await page.textContent('[aria-label=Totals]')) ?? '';
  expect(cards).toContain(ident.serial);
  expect(cards).toContain(p.model);
  await expect(page.textContent('[data-testid=outlets-on]')).resolves.toMatch(
    new RegExp(`^\\d+ ?of ${p.outlets}$`),
  );
  const href = (await page.getAttribute('[data-testid=export-csv]', 'href')) ?? '';
  expect(new URL(href, stack.url).searchParams.get('pdu')).toBe(p.id);
}

/** Reading events the page's own EventSource delivered, per PDU id (counted before the panel's handler). */
const readingCounts = () => page.evaluate<Record<string, number>>('({ ...window.__r2mReadings })');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ui = buildPanel();
  stack = await startBridgeStack({
    days: 10,
    pollInterval: 3,
    uiDir: ui.dir,
    pdus: [
      { id: BIG.id, name: BIG.name, model: { outlets: BIG.outlets, model: BIG.model, seed: 1 } },
      { id: SMALL.id, name: SMALL.name, model: { outlets: SMALL.outlets, model: SMALL.model, seed: 5 } },
    ],
  });
  browser = await launchBrowser({ width: 1400, height: 900 });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  problems = watchProblems(page);
  await page.addInitScript(`(() => {
    window.__r2mReadings = {};
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('reading', (e) => {
          for (const p of JSON.parse(e.data).pdus) window.__r2mReadings[p.id] = (window.__r2mReadings[p.id] ?? 0) + 1;
        });
      }
    };
  })()`);
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/\/api\/(power|energy)-data$/.test(u.pathname)) seriesRequests.push(u);
  });
  await page.goto(stack.url);
  await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  ui?.remove();
});

describe('the panel with two PDUs', () => {
  it('lists both PDUs in the header and starts on the first', async () => {
    const options = await page.evaluate<{ value: string; text: string }[]>(
      `[...document.querySelectorAll('${SELECT} option')].map((o) => ({ value: o.value, text: o.textContent.trim() }))`,
    );
    expect(options.map((o) => o.value)).toEqual([BIG.id, SMALL.id]);
    expect(options[0]?.text).toContain(BIG.name);
    expect(options[1]?.text).toContain(SMALL.name);
    await expect(page.getAttribute(SELECT, 'aria-label')).resolves.toBe('PDU');
    await expectShowing(BIG);
    await waitForChart(page, 'power', 'day', 'total');
  });

  it('switching shows the other PDU: grid, cards, charts and export', async () => {
    await page.click('[aria-label=Lines] button:text-is("per outlet")');
    await waitForChart(page, 'power', 'day', 'ports');
    const before = seriesRequests.length;
    await page.selectOption(SELECT, SMALL.id);
    await expectShowing(SMALL);
    const power = await waitForChart(page, 'power', 'day', 'ports');
    const energy = await waitForChart(page, 'energy', 'day', 'ports');
    // The outlets of this PDU, not of the other: 12 at most.
    expect(power.outlets).toBeGreaterThan(0);
    expect(power.outlets).toBeLessThanOrEqual(SMALL.outlets);
    expect(energy.outlets).toBeLessThanOrEqual(SMALL.outlets);
    expect(power.points).toBeGreaterThan(0);
    const after = seriesRequests.slice(before);
    expect(after.map((u) => u.pathname.split('/').pop()).sort()).toEqual(
      expect.arrayContaining(['energy-data', 'power-data']),
    );
    for (const u of after) expect(u.searchParams.get('pdu'), u.href).toBe(SMALL.id);
    // The chart's data is that PDU's: as many lines as the API has for it.
    const api = (await (
      await fetch(`${stack.url}/api/power-data?pdu=${SMALL.id}&period=day&view=ports`)
    ).json()) as { lines: unknown[] };
    expect(power.outlets).toBe(api.lines.length);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-csv]'),
    ]);
    const rows = readFileSync((await download.path()) ?? '', 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.split(',')[1]))).toEqual(new Set([SMALL.id]));
    expect(Math.max(...rows.map((r) => Number(r.split(',')[2])))).toBeLessThanOrEqual(SMALL.outlets);
  });

  it('keeps the choice through live readings of both PDUs', async () => {
    const start = await readingCounts();
    await page.waitForFunction(
      `(${JSON.stringify(start)}[${JSON.stringify(BIG.id)}] ?? 0) + 2 <= (window.__r2mReadings[${JSON.stringify(BIG.id)}] ?? 0) &&
       (${JSON.stringify(start)}[${JSON.stringify(SMALL.id)}] ?? 0) + 2 <= (window.__r2mReadings[${JSON.stringify(SMALL.id)}] ?? 0)`,
      undefined,
      { timeout: 30_000 },
    );
    await expectShowing(SMALL);
    expect(Number(await page.getAttribute('[data-testid=outlet-grid]', 'data-time'))).toBeGreaterThan(0);
  });

  it('keeps the choice in the address: a reload shows the same PDU', async () => {
    expect(new URL(page.url()).searchParams.get('pdu')).toBe(SMALL.id);
    await page.reload();
    await expectShowing(SMALL);
  });

  it('a rename started on one PDU does not carry over to the other', async () => {
    await page.click('[data-testid=outlet][data-outlet="3"] [data-testid=outlet-name]');
    await page.waitForSelector('[data-testid=rename-input]');
    // Switched from the keyboard this time: the selector is a native select, arrows change it.
    await page.focus(SELECT);
    await page.keyboard.press('ArrowUp');
    await expectShowing(BIG);
    expect(await page.$('[data-testid=rename-input]')).toBeNull();
  });

  it('a line hidden through the legend on one PDU is not hidden on the other, nor when back', async () => {
    const legend = '[data-testid=legend] button[data-outlet]';
    const pressed = () =>
      page.evaluate<string[]>(
        `[...document.querySelectorAll('${legend}')].map((b) => b.getAttribute('aria-pressed'))`,
      );
    const visible = () =>
      page.evaluate<boolean[]>(
        'window.r2mCharts.power.data.datasets.map((_, i) => window.r2mCharts.power.isDatasetVisible(i))',
      );
    await page.click('[aria-label=Lines] button:text-is("per outlet")');
    await waitForChart(page, 'power', 'day', 'ports');
    await page.click(`${legend} >> nth=0`);
    expect((await pressed())[0]).toBe('false');
    expect((await visible())[0]).toBe(false);
    await page.selectOption(SELECT, SMALL.id);
    await expectShowing(SMALL);
    await waitForChart(page, 'power', 'day', 'ports');
    expect((await pressed()).every((p) => p === 'true')).toBe(true);
    expect((await visible()).every(Boolean)).toBe(true);
    await page.selectOption(SELECT, BIG.id);
    await expectShowing(BIG);
    await waitForChart(page, 'power', 'day', 'ports');
    // The top 8 and "others".
    await page.waitForFunction(`document.querySelectorAll('${legend}').length === 9`);
    expect((await pressed()).every((p) => p === 'true')).toBe(true);
    expect((await visible()).every(Boolean)).toBe(true);
  });

  it('takes screenshots of the two-PDU header, desktop and phone', async () => {
    await page.click('[aria-label=Lines] button:text-is("total")');
    await waitForChart(page, 'power', 'day', 'total');
    await page.screenshot({ path: join(SHOTS, 'pdus-desktop-top.png') });
    await page.locator('header').screenshot({ path: join(SHOTS, 'pdus-desktop-header.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(outletCount(BIG.outlets));
    // Chart.js follows a resize on its ResizeObserver, a frame or two later: the page comes to fit.
    await page.waitForFunction('document.documentElement.scrollWidth <= window.innerWidth', undefined, {
      timeout: 5000,
    });
    await page.screenshot({ path: join(SHOTS, 'pdus-phone-top.png') });
    // An open rename (input, save and cancel) fits a phone's card too.
    await page.click('[data-testid=outlet][data-outlet="2"] [data-testid=outlet-name]');
    await page.waitForSelector('[data-testid=rename-input]');
    await expect(
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).resolves.toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    await page.locator('header').screenshot({ path: join(SHOTS, 'pdus-phone-header.png') });
    await page.click('header button[aria-label^="Switch to the light"]');
    await page.locator('header').screenshot({ path: join(SHOTS, 'pdus-phone-header-light.png') });
    await page.click('header button[aria-label^="Switch to the dark"]');
    expect(problems).toEqual([]);
  });
});
