import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focused, type OpenPanel, openPanel, ringShown, SHOTS, tabTo, waitForChart } from './panel-kit.ts';

/**
 * The charts' HTML legend (ChartLegend.svelte) used by keyboard only, against the whole bridge on the
 * simulated PX3-5892: one button per line in the chart's order, the line's color, aria-pressed = shown,
 * and what Chart.js draws checked through the instances the panel puts on window.r2mCharts when the
 * browser is automated (ui/src/lib/testhook.ts).
 */

type Kind = 'power' | 'energy';
let page: Page;
let problems: string[] = [];

const item = (kind: Kind, outlet?: number) =>
  `[data-testid=${kind}-chart] [data-testid=legend] button[data-outlet${outlet === undefined ? '' : `="${outlet}"`}]`;
const allButtons = (kind: Kind) => `[data-testid=${kind}-chart] [data-testid=legend] .all button`;

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

function legend(kind: Kind): Promise<Shown[]> {
  return page.evaluate<Shown[]>(`[...document.querySelectorAll(${JSON.stringify(item(kind))})].map((b) => ({
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

describe('the chart legend by keyboard only', () => {
  it('has no legend for the total; per outlet, one button per line in the chart order and color', async () => {
    expect(await page.$$(item('power'))).toHaveLength(0);
    await tabTo(page, '[aria-label=Lines] button', { text: 'per outlet' });
    await page.keyboard.press('Enter');
    await waitForChart(page, 'power', 'day', 'ports');
    await waitForChart(page, 'energy', 'day', 'ports');
    for (const kind of ['power', 'energy'] as const) {
      const chart = await drawn(kind);
      const shown = await legend(kind);
      expect(chart.length, kind).toBe(36);
      expect(shown.map((s) => s.text)).toEqual(chart.map((d) => d.label));
      expect(shown.map((s) => s.color)).toEqual(chart.map((d) => d.color));
      expect(new Set(shown.map((s) => s.color)).size).toBeGreaterThan(20);
      expect(shown.every((s) => s.pressed === 'true')).toBe(true);
      expect(chart.every((d) => d.visible)).toBe(true);
    }
    // Top consumers first: the order is the API's (energy in the range, largest first), not label order.
    const outlets = (await legend('power')).map((s) => s.outlet);
    expect(outlets).not.toEqual([...outlets].sort((a, b) => a - b));
  });

  it('toggles an outlet off with Enter and on with Space; Chart.js hides and shows its line', async () => {
    await tabTo(page, allButtons('power'), { text: 'show all', max: 4 });
    await tabTo(page, item('power'), { max: 3 });
    await page.keyboard.press('Tab');
    const outlet = await focusedOutlet();
    const order = (await legend('power')).map((s) => s.outlet);
    const index = order.indexOf(outlet);
    expect(index).toBe(1);

    await page.keyboard.press('Enter');
    await expect(page.getAttribute(item('power', outlet), 'aria-pressed')).resolves.toBe('false');
    let chart = await drawn('power');
    expect(chart.map((d) => d.visible)).toEqual(order.map((o) => o !== outlet));
    // The focus stays on the button, ring shown, in its "off" look too.
    const f = await focused(page);
    expect(Number(await focusedOutlet())).toBe(outlet);
    expect(ringShown(f), JSON.stringify(f)).toBe(true);
    // The other chart keeps its own legend.
    expect((await drawn('energy')).every((d) => d.visible)).toBe(true);

    await page.keyboard.press('Space');
    await expect(page.getAttribute(item('power', outlet), 'aria-pressed')).resolves.toBe('true');
    chart = await drawn('power');
    expect(chart.every((d) => d.visible)).toBe(true);
    expect(ringShown(await focused(page))).toBe(true);
  });

  it('keeps a hidden line hidden through live updates of the chart', async () => {
    const outlet = await focusedOutlet();
    await page.keyboard.press('Space');
    await expect(page.getAttribute(item('power', outlet), 'aria-pressed')).resolves.toBe('false');
    // A reading refetches the day chart and rebuilds its datasets: wait until Chart.js has new ones.
    await page.evaluate('window.__before = window.r2mCharts.power.data.datasets[0]');
    await page.waitForFunction('window.r2mCharts.power.data.datasets[0] !== window.__before', undefined, {
      timeout: 20_000,
    });
    const label = (await legend('power')).find((s) => s.outlet === outlet)?.text;
    const chart = await drawn('power');
    expect(chart.find((d) => d.label === label)?.visible).toBe(false);
    expect(chart.filter((d) => !d.visible)).toHaveLength(1);
    await expect(page.getAttribute(item('power', outlet), 'aria-pressed')).resolves.toBe('false');
    expect(await focusedOutlet()).toBe(outlet);
  });

  it('hides and shows all lines with the two buttons', async () => {
    await tabTo(page, allButtons('power'), { text: 'hide all', back: true, max: 4 });
    await page.keyboard.press('Enter');
    expect((await drawn('power')).some((d) => d.visible)).toBe(false);
    expect((await legend('power')).every((s) => s.pressed === 'false')).toBe(true);
    expect(ringShown(await focused(page))).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).text).toBe('show all');
    await page.keyboard.press('Enter');
    expect((await drawn('power')).every((d) => d.visible)).toBe(true);
    expect((await legend('power')).every((s) => s.pressed === 'true')).toBe(true);
  });

  it('toggles a bar of the stacked energy chart the same way', async () => {
    await tabTo(page, item('energy'), { max: 80 });
    const outlet = await focusedOutlet();
    await page.keyboard.press('Enter');
    const order = (await legend('energy')).map((s) => s.outlet);
    expect((await drawn('energy')).map((d) => d.visible)).toEqual(order.map((o) => o !== outlet));
    expect((await drawn('power')).every((d) => d.visible)).toBe(true);
    await page.keyboard.press('Enter');
    expect((await drawn('energy')).every((d) => d.visible)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('stays compact: inside the chart’s fixed box, scrolling on its own, within a phone’s width', async () => {
    // One hidden line in the screenshots, to show what "off" looks like.
    const second = (await legend('power'))[1]?.outlet ?? 0;
    await page.focus(item('power', second));
    await page.keyboard.press('Enter');
    for (const size of [
      // A desktop holds the 36 entries on its rows; a phone scrolls them inside the legend.
      { width: 1400, height: 900, shot: 'legend-desktop.png', box: 420, scrolls: false },
      { width: 390, height: 844, shot: 'legend-phone.png', box: 480, scrolls: true },
    ]) {
      await page.setViewportSize({ width: size.width, height: size.height });
      // Chart.js follows its box on the next frames (ResizeObserver): wait until it has.
      await page.waitForFunction(
        `innerWidth === ${size.width} && document.documentElement.scrollWidth <= innerWidth`,
        undefined,
        { timeout: 5000 },
      );
      const m = await page.evaluate<{
        scroll: number;
        width: number;
        box: number;
        legendBottom: number;
        boxBottom: number;
        overflowing: boolean;
        itemsHeight: number;
        rightmost: number;
      }>(`(() => {
        const box = document.querySelector('[data-testid=power-chart] .canvas').getBoundingClientRect();
        const legend = document.querySelector('[data-testid=power-chart] [data-testid=legend]');
        const items = legend.querySelector('.items');
        return {
          scroll: document.documentElement.scrollWidth,
          width: innerWidth,
          box: box.height,
          legendBottom: legend.getBoundingClientRect().bottom,
          boxBottom: box.bottom,
          overflowing: items.scrollHeight > items.clientHeight,
          itemsHeight: items.getBoundingClientRect().height,
          rightmost: Math.max(...[...legend.querySelectorAll('button')].map((b) => b.getBoundingClientRect().right)),
        };
      })()`);
      expect(m.scroll, size.shot).toBeLessThanOrEqual(m.width);
      expect(m.rightmost, size.shot).toBeLessThanOrEqual(m.width);
      // The chart box keeps its fixed height with the legend inside it: nothing below moves.
      expect(m.box, size.shot).toBe(size.box);
      expect(m.legendBottom, size.shot).toBeLessThanOrEqual(m.boxBottom + 0.5);
      expect(m.overflowing, size.shot).toBe(size.scrolls);
      // At most a third of the chart's box goes to its legend.
      expect(m.itemsHeight, size.shot).toBeLessThanOrEqual(size.box / 3);
      const charts = await page.$('[aria-label=History]');
      await charts?.screenshot({ path: join(SHOTS, size.shot) });
    }
    await page.setViewportSize({ width: 1400, height: 900 });
    // The light theme: swatches take the lines' light-theme colors.
    await page.click('header button[aria-label^="Switch to the light"]');
    await expect(page.getAttribute('html', 'data-theme')).resolves.toBe('light');
    await page.waitForFunction('innerWidth === 1400 && document.documentElement.scrollWidth <= innerWidth');
    expect((await legend('power')).map((s) => s.color)).toEqual((await drawn('power')).map((d) => d.color));
    await (await page.$('[aria-label=History]'))?.screenshot({
      path: join(SHOTS, 'legend-desktop-light.png'),
    });
    expect(problems).toEqual([]);
  });
});
