import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  focused,
  type OpenPanel,
  openPanel,
  outletName,
  ringShown,
  SHOTS,
  sideScroll,
  tabTo,
  waitForChart,
} from './panel-kit.ts';

/**
 * The per-outlet view and its one legend (ChartLegend.svelte, History.svelte) used by keyboard only,
 * against the whole bridge on the simulated PX3-5892: the top 8 outlets by energy and "others", the same
 * lines in both charts in the same distinct colors, one button per line, aria-pressed = shown, a toggle
 * applying to both charts. What Chart.js draws is checked through the instances the panel puts on
 * window.r2mCharts when the browser is automated (ui/src/lib/testhook.ts).
 */

type Kind = 'power' | 'energy';
let page: Page;
let problems: string[] = [];

const item = (outlet?: number) =>
  `[data-testid=legend] button[data-outlet${outlet === undefined ? '' : `="${outlet}"`}]`;
const allButtons = '[data-testid=legend] .all button';

interface Drawn {
  label: string;
  visible: boolean;
  color: string;
}

/** The chart's datasets as Chart.js has them: label, visibility, and color resolved to rgb(). */
function drawn(kind: Kind): Promise<Drawn[]> {
  return page.evaluate<Drawn[]>(`(() => {
    const chart = window.r2mCharts?.${kind};
    if (!chart) throw new Error('no ${kind} chart on window.r2mCharts');
    const probe = document.createElement('span');
    document.body.append(probe);
    const out = chart.data.datasets.map((d, i) => {
      probe.style.color = d.borderColor ?? d.backgroundColor;
      return { label: d.label, visible: chart.isDatasetVisible(i), color: getComputedStyle(probe).color };
    });
    probe.remove();
    return out;
  })()`);
}

interface Shown {
  outlet: number;
  text: string;
  pressed: string | null;
  color: string;
}

function legend(): Promise<Shown[]> {
  return page.evaluate<Shown[]>(`[...document.querySelectorAll(${JSON.stringify(item())})].map((b) => ({
    outlet: Number(b.dataset.outlet),
    text: b.textContent.trim(),
    pressed: b.getAttribute('aria-pressed'),
    color: getComputedStyle(b.querySelector('.swatch')).borderTopColor,
  }))`);
}

const focusedOutlet = () =>
  page.evaluate<number>('Number(document.activeElement?.getAttribute("data-outlet") ?? NaN)');

let app: OpenPanel;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openPanel({ pollInterval: 3 });
  ({ page, problems } = app);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the per-outlet view and its legend, by keyboard only', () => {
  it('per outlet: the top 8 and "others", the same lines, names and colors in both charts and the legend', async () => {
    expect(await page.$$(item())).toHaveLength(0);
    await tabTo(page, '[aria-label=Lines] button', { text: 'per outlet' });
    await page.keyboard.press('Enter');
    const power = await waitForChart(page, 'power', 'day', 'ports');
    await waitForChart(page, 'energy', 'day', 'ports');
    expect(power.outlets).toBe(36);
    const shown = await legend();
    expect(shown).toHaveLength(9);
    expect(shown[8]).toMatchObject({ outlet: -1, text: '28 other outlets' });
    for (const kind of ['power', 'energy'] as const) {
      const chart = await drawn(kind);
      expect(
        chart.map((d) => d.label),
        kind,
      ).toEqual(shown.map((s) => s.text));
      expect(
        chart.map((d) => d.color),
        kind,
      ).toEqual(shown.map((s) => s.color));
      expect(chart.every((d) => d.visible)).toBe(true);
    }
    expect(new Set(shown.map((s) => s.color)).size).toBe(9);
    expect(shown.every((s) => s.pressed === 'true')).toBe(true);
    // The top outlets by the energy over the range (the API's totals), named as the grid names them.
    const api = (await (
      await fetch(`${app.stack.url}/api/energy-data?pdu=pdu1&period=day&view=ports`)
    ).json()) as { lines: { outlet: number; total_kwh: number }[] };
    const top = [...api.lines].sort((a, b) => b.total_kwh - a.total_kwh || a.outlet - b.outlet).slice(0, 8);
    expect(shown.slice(0, 8).map((s) => s.outlet)).toEqual(top.map((l) => l.outlet));
    const grid = await page.evaluate<Record<string, string>>(
      `Object.fromEntries([...document.querySelectorAll('[data-testid=outlet]')].map((el) => [el.dataset.outlet, el.querySelector('[data-testid=outlet-name]').textContent]))`,
    );
    const model = app.stack.agent.model;
    for (const s of shown.slice(0, 8)) {
      expect(s.text).toBe(grid[String(s.outlet)]);
      expect(s.text).toBe(
        outletName({ outlet: s.outlet, label: String(s.outlet), name: model.outletName(1, s.outlet) }),
      );
    }
  });

  it('"others" is the sum of the outlets outside the top, in both charts', async () => {
    const sums = await page.evaluate<{ power: number[]; total: number[] }>(`(() => {
      const c = window.r2mCharts.energy;
      const others = c.data.datasets[8].data;
      return { power: others.slice(0, 3), total: c.data.datasets.map((d) => d.data[0]) };
    })()`);
    const api = (await (
      await fetch(`${app.stack.url}/api/energy-data?pdu=pdu1&period=day&view=ports`)
    ).json()) as { lines: { outlet: number; kwh: (number | null)[]; total_kwh: number }[] };
    const top = new Set((await legend()).slice(0, 8).map((s) => s.outlet));
    const rest = api.lines.filter((l) => !top.has(l.outlet));
    const expected = rest.reduce((n, l) => n + (l.kwh[0] ?? 0), 0);
    expect(sums.power[0]).toBeCloseTo(expected, 2);
  });

  it('toggles a line off with Enter and on with Space, in both charts', async () => {
    await tabTo(page, allButtons, { text: 'show all', max: 4 });
    await tabTo(page, item(), { max: 3 });
    await page.keyboard.press('Tab');
    const outlet = await focusedOutlet();
    const order = (await legend()).map((s) => s.outlet);
    expect(order.indexOf(outlet)).toBe(1);

    await page.keyboard.press('Enter');
    await expect(page.getAttribute(item(outlet), 'aria-pressed')).resolves.toBe('false');
    for (const kind of ['power', 'energy'] as const)
      expect(
        (await drawn(kind)).map((d) => d.visible),
        kind,
      ).toEqual(order.map((o) => o !== outlet));
    // The focus stays on the button, ring shown, in its "off" look too.
    const f = await focused(page);
    expect(await focusedOutlet()).toBe(outlet);
    expect(ringShown(f), JSON.stringify(f)).toBe(true);

    await page.keyboard.press('Space');
    await expect(page.getAttribute(item(outlet), 'aria-pressed')).resolves.toBe('true');
    for (const kind of ['power', 'energy'] as const)
      expect((await drawn(kind)).every((d) => d.visible)).toBe(true);
    expect(ringShown(await focused(page))).toBe(true);
  });

  it('keeps a hidden line hidden through live updates of the charts', async () => {
    const outlet = await focusedOutlet();
    await page.keyboard.press('Space');
    await expect(page.getAttribute(item(outlet), 'aria-pressed')).resolves.toBe('false');
    // A reading refetches the day chart and rebuilds its datasets: wait until Chart.js has new ones.
    await page.evaluate('window.__before = window.r2mCharts.power.data.datasets[0]');
    await page.waitForFunction('window.r2mCharts.power.data.datasets[0] !== window.__before', undefined, {
      timeout: 20_000,
    });
    const label = (await legend()).find((s) => s.outlet === outlet)?.text;
    const chart = await drawn('power');
    expect(chart.find((d) => d.label === label)?.visible).toBe(false);
    expect(chart.filter((d) => !d.visible)).toHaveLength(1);
    await expect(page.getAttribute(item(outlet), 'aria-pressed')).resolves.toBe('false');
    expect(await focusedOutlet()).toBe(outlet);
  });

  it('hides and shows all lines with the two buttons', async () => {
    await tabTo(page, allButtons, { text: 'hide all', back: true, max: 4 });
    await page.keyboard.press('Enter');
    expect((await drawn('power')).some((d) => d.visible)).toBe(false);
    expect((await drawn('energy')).some((d) => d.visible)).toBe(false);
    expect((await legend()).every((s) => s.pressed === 'false')).toBe(true);
    expect(ringShown(await focused(page))).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).text).toBe('show all');
    await page.keyboard.press('Enter');
    expect((await drawn('power')).every((d) => d.visible)).toBe(true);
    expect((await legend()).every((s) => s.pressed === 'true')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('fits every width: no sideways scroll, the legend within the page, at most five rows on a phone, two on a desktop', async () => {
    // One hidden line in the screenshots, to show what "off" looks like.
    const second = (await legend())[1]?.outlet ?? 0;
    await page.focus(item(second));
    await page.keyboard.press('Enter');
    for (const width of [360, 390, 1024, 1366, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await sideScroll(page), `${width}`).toBe(0);
      const m = await page.evaluate<{ rightmost: number; rows: number }>(`(() => {
        const buttons = [...document.querySelectorAll(${JSON.stringify(item())})];
        return {
          rightmost: Math.max(...buttons.map((b) => b.getBoundingClientRect().right)),
          rows: new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size,
        };
      })()`);
      expect(m.rightmost, `${width}`).toBeLessThanOrEqual(width);
      expect(m.rows, `${width}`).toBeLessThanOrEqual(width < 600 ? 5 : 2);
      await (await page.$('[aria-label=History]'))?.screenshot({
        path: join(SHOTS, `per-outlet-${width}.png`),
      });
    }
    await page.setViewportSize({ width: 1400, height: 900 });
    // The light theme: swatches take the lines' light-theme colors.
    await page.click('header button[aria-label^="Switch to the light"]');
    await expect(page.getAttribute('html', 'data-theme')).resolves.toBe('light');
    await page.waitForFunction('innerWidth === 1400 && document.documentElement.scrollWidth <= innerWidth');
    expect((await legend()).map((s) => s.color)).toEqual((await drawn('power')).map((d) => d.color));
    await (await page.$('[aria-label=History]'))?.screenshot({ path: join(SHOTS, 'per-outlet-light.png') });
    expect(problems).toEqual([]);
  });
});
