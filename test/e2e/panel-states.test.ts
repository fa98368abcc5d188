import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import type { BridgeStack } from '../../support/bridge-stack.ts';
import { launchBrowser } from '../../support/browser.ts';
import {
  type OpenBridge,
  openBridge,
  outletCount,
  outletName,
  SHOTS,
  sideScroll,
  WIDTHS,
  waitForChart,
} from './panel-kit.ts';

/**
 * What a user meets once the panel is up, at phone, tablet and laptop widths: the outlet cards (on, idle,
 * off; an open rename), clearing a name, the custom range, charts that do not refetch on every reading,
 * the theme of the system, the live dot. Against the whole bridge on a simulated PX3-5892 ("Rack A" by
 * pdus[].name). panel-first-load.test.ts has a PDU that never answered and a first load that fails.
 */

let app: OpenBridge;
let stack: BridgeStack;
let page: Page;
let problems: string[] = [];
let failed: string[] = [];

const status = async () =>
  (await (await fetch(`${stack.url}/api/current-status`)).json()) as CurrentStatusJson;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openBridge({ days: 10, pollInterval: 3, pdus: [{ id: 'pdu1', displayName: 'Rack A' }] });
  ({ stack, page, problems, failed } = app);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the outlet cards', () => {
  it('tell on, idle and off apart, show kWh and share, say "33 of 36 on", fit every width', async () => {
    await page.goto(`${stack.url}/?pdu=pdu1`);
    await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await page.waitForFunction(outletCount(36));
    await waitForChart(page, 'power', 'day', 'total');
    const s = (await status()).pdus.find((p) => p.id === 'pdu1');
    await expect(page.textContent('[data-testid=grid-on]')).resolves.toMatch(/^\d+ of 36 on$/);
    const cards = await page.evaluate<
      {
        outlet: number;
        look: string;
        state: string;
        power: number;
        energy: string;
        share: string;
        opacity: number;
      }[]
    >(`[...document.querySelectorAll('[data-testid=outlet]')].map((el) => ({
      outlet: Number(el.dataset.outlet),
      look: el.dataset.look,
      state: el.dataset.state,
      power: Number(el.dataset.power),
      energy: el.querySelector('[data-testid=outlet-energy]').textContent.replace(/\\s+/g, ' ').trim(),
      share: el.querySelector('[data-testid=outlet-share]').textContent.trim(),
      opacity: Number(getComputedStyle(el.querySelector('.values')).opacity),
    }))`);
    for (const c of cards) {
      expect(c.look, `outlet ${c.outlet}`).toBe(c.state === 'off' ? 'off' : c.power < 5 ? 'idle' : 'active');
      expect(c.opacity, `outlet ${c.outlet}`).toBe(c.look === 'off' ? 0.5 : 1);
      expect(c.share).toMatch(/^\d+(\.\d)? % of total$/);
      const e = s?.outlet_energy?.find((x) => x.outlet === c.outlet);
      expect(c.energy).toMatch(/^today [\d.,]+ ?kWh month [\d.,]+ ?kWh$/);
      // The cards follow the history's commits: within a poll's worth of the API's value.
      const month = Number(/month ([\d.]+)/.exec(c.energy.replace(/,/g, ''))?.[1]);
      expect(Math.abs(month - (e?.month_kwh ?? 0)), `outlet ${c.outlet}`).toBeLessThan(0.05);
    }
    expect(cards.some((c) => c.look === 'idle')).toBe(true);
    expect(cards.some((c) => c.look === 'off')).toBe(true);

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      expect(await sideScroll(page), `${width}`).toBe(0);
      // Nothing in the PDU card is cut off, and the big numbers keep clear of their card's border.
      const fit = await page.evaluate<{ cut: string[]; tight: string[] }>(`(() => {
        const cut = [...document.querySelectorAll('[data-testid=pdu-card] dd, [aria-label=Totals] dd')]
          .filter((dd) => dd.scrollWidth > dd.clientWidth + 1).map((dd) => dd.textContent);
        const tight = [...document.querySelectorAll('[aria-label=Totals] .big')].filter((big) => {
          const card = big.closest('article').getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(big);
          return range.getBoundingClientRect().right > card.right - 8;
        }).map((b) => b.textContent);
        return { cut, tight };
      })()`);
      expect(fit.cut, `${width}`).toEqual([]);
      expect(fit.tight, `${width}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `states-top-${width}.png`) });
      await page
        .locator('[data-testid=outlet-grid]')
        .screenshot({ path: join(SHOTS, `states-grid-${width}.png`) });
    }
  });

  it('an open rename on an off outlet is fully legible (it does not fade with the card)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const off = await page.getAttribute('[data-testid=outlet][data-look=off]', 'data-outlet');
    const card = page.locator(`[data-testid=outlet][data-outlet="${off}"]`);
    await card.locator('[data-testid=outlet-name]').click();
    // The opacity that reaches the input: its own times every ancestor's.
    const opacity = await page.evaluate<number>(`(() => {
      let o = 1;
      for (let e = document.querySelector('[data-outlet="${off}"] [data-testid=rename-input]'); e; e = e.parentElement)
        o *= Number(getComputedStyle(e).opacity);
      return o;
    })()`);
    expect(opacity).toBe(1);
    expect(await sideScroll(page)).toBe(0);
    await card.screenshot({ path: join(SHOTS, 'states-rename-off-390.png') });
    await page.keyboard.press('Escape');
  });
});

describe('clearing an outlet name', () => {
  it('sends an empty name and shows the PDU’s answer', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    const named = stack.agent.model.outletName(1, 1);
    expect(named).not.toBe('');
    const card = page.locator('[data-testid=outlet][data-outlet="1"]');
    await card.locator('[data-testid=outlet-name]').click();
    const logged = problems.length;
    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/update-port-name') && r.method() === 'POST'),
      page.waitForResponse((r) => r.url().endsWith('/api/update-port-name')),
      card.locator('[data-testid=rename-clear]').click(),
    ]);
    expect(JSON.parse(request.postData() ?? '{}')).toMatchObject({ pdu: 'pdu1', outlet: 1, name: '' });
    const body = (await response.json()) as { status: string; data?: { name: string }; error?: string };
    const message = card.locator('[data-testid=rename-message]');
    await message.waitFor();
    if (response.ok()) {
      // The command module takes '' (the PDU's own "no name"): the outlet is shown by its label.
      expect(body.data?.name).toBe('');
      await expect(message.textContent()).resolves.toBe('PDU cleared the name');
      expect(stack.agent.model.outletName(1, 1)).toBe('');
      await page.waitForFunction(
        `document.querySelector('[data-outlet="1"] [data-testid=outlet-name]')?.textContent === ${JSON.stringify(outletName({ outlet: 1, label: '1', name: '' }))}`,
        undefined,
        { timeout: 15_000 },
      );
    } else {
      // Until the command module accepts '': its refusal, as it said it, and the name unchanged.
      await expect(message.textContent()).resolves.toBe(body.error);
      expect(stack.agent.model.outletName(1, 1)).toBe(named);
      await page.keyboard.press('Escape');
      // That refusal is the expected answer for now, not a problem of the panel: Chromium logs every
      // 4xx fetch, and the response check below would count it.
      expect(problems.slice(logged)).toEqual([expect.stringMatching(/Failed to load resource: .* 400/)]);
      problems.splice(logged);
      failed.splice(
        failed.findIndex((f) => f.endsWith('/api/update-port-name')),
        1,
      );
    }
    await card.screenshot({ path: join(SHOTS, 'states-clear-name.png') });
  });
});

describe('the toolbar, the theme and the live dot', () => {
  it('"custom" is pressed only once a custom range shows', async () => {
    const custom = '[aria-label=Period] button:has-text("custom")';
    await page.click(custom);
    await expect(page.getAttribute(custom, 'aria-pressed')).resolves.toBe('false');
    await expect(page.getAttribute(custom, 'aria-expanded')).resolves.toBe('true');
    await expect(
      page.getAttribute('[aria-label=Period] button:text-is("day")', 'aria-pressed'),
    ).resolves.toBe('true');
    await page.click('button:has-text("Show")');
    await waitForChart(page, 'power', 'custom', 'total');
    await expect(page.getAttribute(custom, 'aria-pressed')).resolves.toBe('true');
    await expect(
      page.getAttribute('[aria-label=Period] button:text-is("day")', 'aria-pressed'),
    ).resolves.toBe('false');
    await page.click('[aria-label=Period] button:text-is("day")');
    await waitForChart(page, 'power', 'day', 'total');
  });

  it('a year chart is fetched once, not again on every live reading', async () => {
    const year: string[] = [];
    const count = (r: { url(): string }) => {
      if (/\/api\/(power|energy)-data\?.*period=year/.test(r.url())) year.push(r.url());
    };
    page.on('request', count);
    try {
      await page.click('[aria-label=Period] button:text-is("year")');
      await waitForChart(page, 'power', 'year', 'total');
      await waitForChart(page, 'energy', 'year', 'total');
      const fetched = year.length;
      expect(fetched).toBe(2);
      // Two more readings (the grid shows each one's time), and the cards the history commits after them.
      const t0 = await page.getAttribute('[data-testid=outlet-grid]', 'data-time');
      await page.waitForFunction(
        `document.querySelector('[data-testid=outlet-grid]').dataset.time !== ${JSON.stringify(t0)}`,
        undefined,
        { timeout: 20_000 },
      );
      const t1 = await page.getAttribute('[data-testid=outlet-grid]', 'data-time');
      await page.waitForFunction(
        `document.querySelector('[data-testid=outlet-grid]').dataset.time !== ${JSON.stringify(t1)}`,
        undefined,
        { timeout: 20_000 },
      );
      expect(year).toHaveLength(fetched);
    } finally {
      page.off('request', count);
    }
    await page.click('[aria-label=Period] button:text-is("day")');
    await waitForChart(page, 'power', 'day', 'total');
  });

  it('asks for the opening charts with the status, and for the event list once however many readings come', async () => {
    const asked: string[] = [];
    const note = (r: { url(): string }) => {
      const m = /\/api\/(current-status|power-data|energy-data|event-log)/.exec(r.url());
      if (m) asked.push(m[1]!);
    };
    page.on('request', note);
    try {
      await page.goto(`${stack.url}/?pdu=pdu1`);
      await waitForChart(page, 'power', 'day', 'total');
      await waitForChart(page, 'energy', 'day', 'total');
      // Two readings more (the grid shows each one's time): the day charts follow them, the events do not.
      for (let i = 0; i < 2; i++) {
        const t = await page.getAttribute('[data-testid=outlet-grid]', 'data-time');
        await page.waitForFunction(
          `document.querySelector('[data-testid=outlet-grid]').dataset.time !== ${JSON.stringify(t)}`,
          undefined,
          { timeout: 20_000 },
        );
      }
    } finally {
      page.off('request', note);
    }
    // The series first, with the status; the event list once: a reading replaces the PDU's object, and
    // the list is fetched again only for another PDU.
    expect(asked.slice(0, 4)).toEqual(['current-status', 'power-data', 'energy-data', 'event-log']);
    expect(asked.filter((a) => a === 'event-log')).toHaveLength(1);
    expect(asked.filter((a) => a === 'current-status')).toHaveLength(1);
  });

  it('follows the system theme until the user picks one', async () => {
    const light = await launchBrowser({ width: 390, height: 844, colorScheme: 'light' });
    try {
      const p = light.context.pages()[0] ?? (await light.context.newPage());
      await p.goto(stack.url);
      await p.waitForSelector('[data-health=live]', { timeout: 20_000 });
      await expect(p.getAttribute('html', 'data-theme')).resolves.toBe('light');
      await p.screenshot({ path: join(SHOTS, 'states-system-light-390.png') });
      await p.click('header button[aria-label^="Switch to the dark"]');
      await p.reload();
      await p.waitForSelector('[data-health]');
      await expect(p.getAttribute('html', 'data-theme')).resolves.toBe('dark');
    } finally {
      await light.close();
    }
    await expect(page.getAttribute('html', 'data-theme')).resolves.toBe('dark');
  });

  it('the dot is green with a ring only while live; offline is red without the ring', async () => {
    const dot = () =>
      page.evaluate<{ health: string; bg: string; shadow: string; good: string; bad: string }>(`(() => {
        const el = document.querySelector('[data-health]');
        const d = getComputedStyle(el.querySelector('.dot'));
        const probe = document.createElement('span');
        document.body.append(probe);
        probe.style.color = 'var(--good)';
        const good = getComputedStyle(probe).color;
        probe.style.color = 'var(--bad)';
        const bad = getComputedStyle(probe).color;
        probe.remove();
        return { health: el.dataset.health, bg: d.backgroundColor, shadow: d.boxShadow, good, bad };
      })()`);
    await page.waitForSelector('[data-health=live]');
    const live = await dot();
    expect(live.bg).toBe(live.good);
    expect(live.shadow).not.toBe('none');
    stack.agent.pause();
    try {
      await page.waitForSelector('[data-health=offline]', { timeout: 30_000 });
      const off = await dot();
      expect(off.bg).toBe(off.bad);
      expect(off.shadow).toBe('none');
      await page.locator('header').screenshot({ path: join(SHOTS, 'states-offline-header.png') });
    } finally {
      stack.agent.resume();
    }
    await page.waitForSelector('[data-health=live]', { timeout: 30_000 });
    expect(problems).toEqual([]);
    expect(failed).toEqual([]);
  });
});
