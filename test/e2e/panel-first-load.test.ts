import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import { startSimAgent } from '../../bridge/sim/agent.ts';
import type { BridgeStack } from '../../support/bridge-stack.ts';
import type { Browser } from '../../support/browser.ts';
import {
  type OpenBridge,
  openBridge,
  outletCount,
  SHOTS,
  sideScroll,
  WIDTHS,
  waitForChart,
  watchProblems,
} from './panel-kit.ts';

/**
 * The first seconds, at phone, tablet and laptop widths: a configured PDU that never answered (one clear
 * state, no empty cards, no chart errors, no 400s) and a first load that fails (retried by itself, or
 * taken from the live stream). Against the whole bridge with a simulated PX3-5892 ("Rack A" by
 * pdus[].name) and a configured PDU nothing answers for ("Rack B").
 */

let app: OpenBridge;
let stack: BridgeStack;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let failed: string[] = [];

const status = async () =>
  (await (await fetch(`${stack.url}/api/current-status`)).json()) as CurrentStatusJson;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openBridge({
    days: 10,
    pollInterval: 3,
    pdus: [
      { id: 'pdu1', displayName: 'Rack A' },
      { id: 'rack-b', displayName: 'Rack B', silent: true },
    ],
  });
  ({ stack, browser, page, problems, failed } = app);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('a configured PDU that never answered', () => {
  it('shows one clear state: waiting for its first answer, its address and last error, nothing empty', async () => {
    const b = (await status()).pdus.find((p) => p.id === 'rack-b');
    expect(b?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    await page.goto(`${stack.url}/?pdu=rack-b`);
    await page.waitForSelector('[data-testid=waiting-error]', { timeout: 20_000 });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const text = (await page.textContent('[data-testid=waiting]')) ?? '';
      expect(text).toContain(`Waiting for the first answer from Rack B (${b?.address})`);
      expect(await page.textContent('[data-testid=waiting-error]')).toMatch(/no answer|timeout/i);
      for (const gone of [
        '[aria-label=Totals]',
        '[data-testid=power-chart]',
        '[data-testid=outlet-grid]',
        '[role=alert]',
      ])
        expect(await page.$(gone), gone).toBeNull();
      await expect(page.getAttribute('[role=status][data-health]', 'data-health')).resolves.toBe('waiting');
      expect(await page.textContent('header')).not.toMatch(/never|0 on of 0|unknown pdu/);
      expect(await sideScroll(page), `${width}`).toBe(0);
      await page.screenshot({ path: join(SHOTS, `never-answered-${width}.png`) });
    }
    // The dot is not green while waiting.
    const dot = await page.evaluate<{ bg: string; shadow: string; good: string }>(`(() => {
      const d = getComputedStyle(document.querySelector('[data-health] .dot'));
      const probe = document.createElement('span');
      probe.style.color = 'var(--good)';
      document.body.append(probe);
      const good = getComputedStyle(probe).color;
      probe.remove();
      return { bg: d.backgroundColor, shadow: d.boxShadow, good };
    })()`);
    expect(dot.bg).not.toBe(dot.good);
    expect(dot.shadow).toBe('none');
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('the selector names both PDUs by their configured names, and switching shows the one that answers', async () => {
    const options = await page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid=pdu-select] option')].map((o) => o.textContent.trim())`,
    );
    expect(options).toEqual(['Rack A', 'Rack B · no answer yet']);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.selectOption('[data-testid=pdu-select]', 'pdu1');
    await page.waitForFunction(outletCount(36), undefined, { timeout: 15_000 });
    await expect(page.textContent('header h1')).resolves.toBe('Rack A');
    await waitForChart(page, 'power', 'day', 'total');
    expect(failed).toEqual([]);
  });
});

describe('a PDU that answers at last', () => {
  it('the waiting state gives way to the PDU itself, without a reload', async () => {
    const port = Number((await status()).pdus.find((p) => p.id === 'rack-b')?.address?.split(':')[1]);
    await page.goto(`${stack.url}/?pdu=rack-b`);
    await page.waitForSelector('[data-testid=waiting]', { timeout: 20_000 });
    const agent = await startSimAgent({ port, host: '127.0.0.1', model: { outlets: 12, seed: 3 } });
    try {
      await page.waitForSelector('[data-health=live]', { timeout: 30_000 });
      await page.waitForFunction(outletCount(12), undefined, { timeout: 15_000 });
      expect(await page.$('[data-testid=waiting]')).toBeNull();
      await expect(page.textContent('header h1')).resolves.toBe('Rack B');
      await waitForChart(page, 'power', 'day', 'total');
      await page.screenshot({ path: join(SHOTS, 'never-answered-then-live-1366.png') });
    } finally {
      await agent.stop();
    }
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('a first load that fails', () => {
  it('retries by itself with backoff, without a reload, while the stream is down too', async () => {
    const p = await browser.context.newPage();
    const seen = watchProblems(p);
    let calls = 0;
    await p.route('**/api/current-status', async (route) => {
      calls++;
      if (calls <= 2)
        await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"restarting"}' });
      else await route.continue();
    });
    await p.route('**/api/events', (route) => (calls <= 2 ? route.abort() : route.continue()));
    await p.goto(stack.url);
    await p.waitForSelector('[data-testid=load-error]');
    expect(await p.textContent('[data-testid=load-error]')).toMatch(/restarting\. Trying again( in \d+ s)?…/);
    await p.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await p.waitForFunction(outletCount(36));
    expect(calls).toBe(3);
    expect(await p.$('[data-testid=load-error]')).toBeNull();
    await p.close();
    // The 503s are ours; the aborted stream logs a network error.
    expect(seen.filter((m) => !/503|ERR_FAILED|EventSource/.test(m))).toEqual([]);
  });

  it('takes the live stream’s first event as the state when the status request keeps failing', async () => {
    const p = await browser.context.newPage();
    await p.route('**/api/current-status', (route) =>
      route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' }),
    );
    await p.goto(stack.url);
    await p.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await p.waitForFunction(outletCount(36));
    await expect(p.textContent('header h1')).resolves.toBe('Rack A');
    expect(await p.$('[data-testid=load-error]')).toBeNull();
    await p.close();
  });
});
