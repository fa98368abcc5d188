import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemo } from '../../bridge/history/backfill.ts';
import { readingsFromSim } from '../../bridge/sim/history-readings.ts';
import { type BridgeStack, PDU, startBridgeStack } from '../../support/bridge-stack.ts';
import { type Browser, launchBrowser } from '../../support/browser.ts';
import { buildPanel, outletCount, waitForChart, watchProblems } from './panel-kit.ts';

/**
 * The panel while the demo's history fills in behind the live bridge: the outlets are live at once, an
 * empty chart says what it is waiting for, and once the history is there the charts draw it without a
 * reload.
 */

let ui: ReturnType<typeof buildPanel>;
let stack: BridgeStack;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let release: () => void = () => {};

const stateOf = (kind: 'power' | 'energy') => page.textContent(`[data-testid=${kind}-chart] .state`);

beforeAll(async () => {
  ui = buildPanel();
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The fill may start (after the first poll) before startBridgeStack has returned the stack it reads.
  let stackReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    stackReady = resolve;
  });
  stack = await startBridgeStack({
    uiDir: ui.dir,
    pollInterval: 2,
    // Three days, as the demo fills its year, held after the older two until the test has seen the
    // panel waiting for the last day.
    fill: async (history, report, signal) => {
      await ready;
      const now = Date.now();
      const model = readingsFromSim(stack.agent.model, PDU);
      const older = { history, model, ids: [PDU], days: 3, onProgress: report, signal };
      const a = await fillDemo({ ...older, now: now - 26 * 3_600_000 });
      await gate;
      const b = await fillDemo({ ...older, now });
      return { polls: a.polls + b.polls, rows: a.rows + b.rows };
    },
  });
  stackReady();
  browser = await launchBrowser({ width: 1400, height: 900 });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  problems = watchProblems(page);
}, 120_000);

afterAll(async () => {
  release();
  await browser?.close();
  await stack?.stop();
  ui?.remove();
});

describe('the panel while the history fills in', () => {
  it('shows the live outlets and says the charts wait for the history, then draws it without a reload', async () => {
    await page.goto(stack.url);
    await page.waitForFunction(outletCount(36), undefined, { timeout: 15_000 });
    await page.waitForFunction(
      `document.querySelector('[data-testid=power-chart] .state')?.textContent.includes('filling in the history')`,
      undefined,
      { timeout: 15_000 },
    );
    // The day's energy bars too; the week's power has the older days already.
    expect(await stateOf('energy')).toMatch(/filling in the history: \d+ %/);
    release();
    // The day's power: the last hours of the three days, then the live polls queued meanwhile, drawn
    // once the fill has ended (the note goes when it has).
    await page.waitForFunction(
      `Number(document.querySelector('[data-testid=power-chart]')?.dataset.points) > 50 &&
       !document.querySelector('[data-testid=power-chart] .state')?.textContent.includes('filling in')`,
      undefined,
      { timeout: 60_000 },
    );
    const chart = await waitForChart(page, 'power', 'day', 'total');
    expect(chart.lines).toBe(1);
    expect(await stateOf('power')).not.toContain('filling in');
    expect(problems).toEqual([]);
  }, 120_000);
});
