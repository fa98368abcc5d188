import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import { type OpenPanel, openPanel, SHOTS, sideScroll, WIDTHS, waitForChart } from './panel-kit.ts';

/**
 * A fresh install: no history before the first live poll. The charts say since when they collect
 * instead of looking broken, the first readings are drawn (a lone point as a dot), and the cards show
 * what there is. At phone, tablet and laptop widths.
 */

let app: OpenPanel;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openPanel({ pollInterval: 3, days: 0 });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the panel on a fresh install', () => {
  it('says "collecting since" the first poll on the day charts, at every width', async () => {
    const { page, stack } = app;
    const s = (await (await fetch(`${stack.url}/api/current-status`)).json()) as CurrentStatusJson;
    const since = s.pdus[0]?.since;
    expect(since).toBeGreaterThan(Date.now() - 120_000);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const kind of ['power', 'energy'] as const) {
        const c = await waitForChart(page, kind, 'day', 'total');
        expect(c.points, kind).toBeGreaterThan(0);
        const note = await page.textContent(`[data-testid=${kind}-chart] [data-testid=collecting]`);
        expect(note, `${kind} ${width}`).toMatch(/^collecting since \d{1,2}:\d{2}( [AP]M)?$/);
      }
      expect(await sideScroll(page), `${width}`).toBe(0);
      await page.screenshot({ path: join(SHOTS, `fresh-${width}.png`) });
    }
    // The first readings are drawn, not an empty grid: a point without neighbours shows as a dot.
    const dots = await page.evaluate<{ lone: number; drawn: number }>(`(() => {
      const d = window.r2mCharts.power.data.datasets[0];
      const y = d.data.map((p) => p.y);
      const lone = y.map((v, j) => v !== null && (y[j - 1] ?? null) === null && (y[j + 1] ?? null) === null);
      return { lone: lone.filter(Boolean).length, drawn: lone.filter((l, j) => l && d.pointRadius[j] > 0).length };
    })()`);
    expect(dots.drawn).toBe(dots.lone);
    expect(app.problems).toEqual([]);
  });
});
