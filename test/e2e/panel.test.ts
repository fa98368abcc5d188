import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTLET_CONFIG } from '../../bridge/snmp/mib.ts';
import { type BridgeStack, PDU, startBridgeStack } from '../../support/bridge-stack.ts';
import { type Browser, launchBrowser } from '../../support/browser.ts';
import { repoRoot } from './harness.ts';
import { outletName } from './panel-kit.ts';

/**
 * The panel in headless Chromium against the whole bridge on the simulated PX3-5892 (npm run build
 * first: the bridge serves ui/dist). Screenshots go to screenshots/ (git-ignored).
 */

const SHOTS = join(repoRoot, 'screenshots');
let stack: BridgeStack;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'ui/vite.config.ts'],
    {
      cwd: repoRoot,
      stdio: 'ignore',
    },
  );
  mkdirSync(SHOTS, { recursive: true });
  stack = await startBridgeStack({ days: 400, pollInterval: 5 });
  browser = await launchBrowser({ width: 1400, height: 900 });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('console', (m) => {
    // The test's own pixel readback (getImageData) draws a Canvas2D performance hint: not the panel's.
    if (m.text().includes('willReadFrequently')) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(stack.url);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

// Browser-side code is passed as strings: the test project has no DOM types (tsconfig: node only).
const OUTLETS_36 = "document.querySelectorAll('[data-testid=outlet]').length === 36";
interface Shown {
  time: number;
  outlets: { outlet: number; power: number | null; state: string; shownPower: string; name: string }[];
}
const chart = (kind: 'power' | 'energy') => `[data-testid=${kind}-chart]`;
async function waitForChart(kind: 'power' | 'energy', period: string, view: 'total' | 'ports') {
  await page.waitForSelector(`${chart(kind)}[data-ready=true][data-period=${period}][data-view=${view}]`, {
    timeout: 15_000,
  });
  return page.evaluate<{
    points: number;
    lines: number;
    outlets: number;
    painted: number;
    legend: number;
  }>(`(() => {
    const fig = document.querySelector('${chart(kind)}');
    const canvas = fig.querySelector('canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    const legend = document.querySelectorAll('[data-testid=legend] button[data-outlet]').length;
    return { points: Number(fig.dataset.points), lines: Number(fig.dataset.lines), outlets: Number(fig.dataset.outlets), painted, legend };
  })()`);
}

describe('the panel on the simulated PDU', () => {
  it('loads without console errors and shows the PDU, live', async () => {
    await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await waitForChart('power', 'day', 'total');
    await expect(page.textContent('header')).resolves.toMatch(/PX3-5892/);
    await expect(page.textContent('header')).resolves.toMatch(/simulated/i);
    expect(problems).toEqual([]);
  });

  it('shows 36 outlets in label order whose values match the simulator', async () => {
    await page.waitForFunction(OUTLETS_36);
    const shown = await page.evaluate<Shown>(`(() => {
      const grid = document.querySelector('[data-testid=outlet-grid]');
      return {
        time: Number(grid.dataset.time),
        outlets: [...grid.querySelectorAll('[data-testid=outlet]')].map((el) => ({
          outlet: Number(el.dataset.outlet),
          power: el.dataset.power === '' ? null : Number(el.dataset.power),
          state: el.dataset.state,
          shownPower: el.querySelector('[data-testid=outlet-power]')?.textContent ?? '',
          name: el.querySelector('[data-testid=outlet-name]')?.textContent ?? '',
        })),
      };
    })()`);
    expect(shown.outlets.map((o) => o.outlet)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    const model = stack.agent.model;
    for (const o of shown.outlets) {
      const truth = model.sample(1, o.outlet, shown.time);
      // The agent computes values when it answers, a few ms after the poll's timestamp.
      expect(Math.abs((o.power ?? Number.NaN) - truth.power), `outlet ${o.outlet}`).toBeLessThanOrEqual(
        Math.max(2, truth.power * 0.02),
      );
      expect(o.shownPower.replace(/\D/g, '')).toBe(String(o.power));
      expect(o.state).toBe(truth.on ? 'on' : 'off');
      expect(o.name).toBe(
        outletName({ outlet: o.outlet, label: String(o.outlet), name: model.outletName(1, o.outlet) }),
      );
    }
  });

  it('renames an outlet in place; the PDU stores it (SNMP GET) and the grid shows it', async () => {
    const name = `e2e rack-${Date.now() % 10_000}`;
    const card = page.locator('[data-testid=outlet][data-outlet="7"]');
    await card.locator('[data-testid=outlet-name]').click();
    const input = card.locator('[data-testid=rename-input]');
    await input.fill(name);
    await input.press('Enter');
    await expect(
      card.locator('[data-testid=rename-message]').textContent({ timeout: 15_000 }),
    ).resolves.toContain(`PDU stored “${name}”`);
    const oid = `${OUTLET_CONFIG.name}.1.7`;
    // Async: the simulated agent answers from this very process.
    const { stdout: out } = await promisify(execFile)(
      'snmpget',
      ['-v2c', '-c', 'public', '-Ov', `${stack.agent.host}:${stack.agent.port}`, oid],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain(`"${name}"`);
    await page.waitForFunction(
      `document.querySelector('[data-outlet="7"] [data-testid=outlet-name]')?.textContent === ${JSON.stringify(name)}`,
      undefined,
      { timeout: 15_000 },
    );
  });

  it('draws a power and an energy chart with data for every period, total and per outlet', async () => {
    for (const view of ['total', 'ports'] as const) {
      await page.click(`button:has-text("${view === 'total' ? 'total' : 'per outlet'}")`);
      for (const period of ['hour', 'day', 'week', 'month', 'year']) {
        await page.click(`[aria-label=Period] button:has-text("${period}")`);
        for (const kind of ['power', 'energy'] as const) {
          const c = await waitForChart(kind, period, view);
          expect(c.points, `${kind} ${period} ${view}`).toBeGreaterThan(0);
          expect(c.painted, `${kind} ${period} ${view} painted`).toBeGreaterThan(1000);
          if (view === 'ports') expect(c.outlets).toBeGreaterThan(20);
          // Per outlet: the top 8 and "others" (ui/src/lib/lines.ts), one HTML legend button each.
          expect(c.lines, `${kind} ${period} ${view} lines`).toBe(view === 'ports' ? 9 : 1);
          expect(c.legend, `${kind} ${period} ${view} legend`).toBe(view === 'ports' ? 9 : 0);
        }
      }
    }
    await page.screenshot({ path: join(SHOTS, 'desktop-year-per-outlet.png'), fullPage: true });
  });

  it('draws a custom range', async () => {
    await page.click('[aria-label=Period] button:has-text("custom")');
    const to = new Date(Date.now() - 86_400_000);
    const from = new Date(to.getTime() - 3 * 86_400_000);
    const local = (d: Date) =>
      new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.fill('input[type=datetime-local] >> nth=0', local(from));
    await page.fill('input[type=datetime-local] >> nth=1', local(to));
    await page.click('button:has-text("Show")');
    const c = await waitForChart('power', 'custom', 'ports');
    expect(c.points).toBeGreaterThan(0);
  });

  it('downloads the CSV of what is shown, and it parses', async () => {
    await page.click('button:has-text("total")');
    await page.click('[aria-label=Period] button:has-text("week")');
    await waitForChart('power', 'week', 'total');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-csv]'),
    ]);
    expect(download.suggestedFilename()).toBe(`${PDU}-week-total.csv`);
    const text = readFileSync((await download.path())!, 'utf8');
    const rows = text
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual([
      'time',
      'pdu',
      'outlet',
      'label',
      'name',
      'power_avg_w',
      'power_min_w',
      'power_max_w',
      'energy_kwh',
      'samples',
      'estimated',
    ]);
    expect(rows.length).toBeGreaterThan(24 * 6);
    for (const r of rows.slice(1)) {
      expect(r).toHaveLength(11);
      expect(Number.isNaN(Date.parse(r[0]!))).toBe(false);
      expect(r[2]).toBe('0');
      expect(Number(r[5])).toBeGreaterThan(0);
    }
  });

  it('takes desktop screenshots in both themes', async () => {
    await page.click('[aria-label=Period] button:has-text("day")');
    await waitForChart('power', 'day', 'total');
    await page.screenshot({ path: join(SHOTS, 'desktop-dark.png'), fullPage: true });
    await page.click('header button[aria-label^="Switch to the light"]');
    await expect(page.getAttribute('html', 'data-theme')).resolves.toBe('light');
    await waitForChart('power', 'day', 'total');
    await page.screenshot({ path: join(SHOTS, 'desktop-light.png'), fullPage: true });
    await page.click('header button[aria-label^="Switch to the dark"]');
  });

  it('fits a phone: no horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await waitForChart('power', 'day', 'total');
    await page.waitForFunction(OUTLETS_36);
    const { scroll, width } = await page.evaluate<{ scroll: number; width: number }>(
      '({ scroll: document.documentElement.scrollWidth, width: window.innerWidth })',
    );
    expect(scroll).toBeLessThanOrEqual(width);
    await page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: true });
    await page.screenshot({ path: join(SHOTS, 'phone-top.png') });
    expect(problems).toEqual([]);
  });

  it('makes an offline PDU unmistakable, and recovers when it answers again', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    stack.agent.pause();
    try {
      await page.waitForSelector('[data-health=offline]', { timeout: 30_000 });
      await expect(page.textContent('[role=alert]')).resolves.toMatch(/pdu1 is offline/);
      await page.screenshot({ path: join(SHOTS, 'desktop-offline.png') });
    } finally {
      stack.agent.resume();
    }
    await page.waitForSelector('[data-health=live]', { timeout: 30_000 });
    expect(await page.$('[role=alert]')).toBeNull();
  });
});
