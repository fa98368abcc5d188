import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { type BridgeStack, type SimPdu, startBridgeStack } from '../../support/bridge-stack.ts';
import { type Browser, launchBrowser } from '../../support/browser.ts';
import { repoRoot } from './harness.ts';

/**
 * Shared pieces of the panel e2e tests. Browser-side code is passed as strings: the test project has
 * no DOM types (tsconfig: node only).
 */

export const SHOTS = join(repoRoot, 'screenshots');

/**
 * The panel built into a temp dir of its own: test files run in parallel forks, and vite empties its
 * output dir first, so two files building ui/dist at once would serve each other half a bundle.
 */
export function buildPanel(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'r2m-ui-'));
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'ui/vite.config.ts',
      '--outDir',
      dir,
      '--emptyOutDir',
    ],
    { cwd: repoRoot, stdio: 'ignore' },
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Console errors and warnings, and uncaught page errors, of `page` from now on. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export const outletCount = (n: number) => `document.querySelectorAll('[data-testid=outlet]').length === ${n}`;

/** The chart once drawn for exactly this period and view. */
export async function waitForChart(
  page: Page,
  kind: 'power' | 'energy',
  period: string,
  view: 'total' | 'ports',
): Promise<{ points: number; lines: number; outlets: number }> {
  const sel = `[data-testid=${kind}-chart][data-ready=true][data-period=${period}][data-view=${view}]`;
  await page.waitForSelector(sel, { timeout: 15_000 });
  return page.evaluate<{ points: number; lines: number; outlets: number }>(`(() => {
    const fig = document.querySelector('[data-testid=${kind}-chart]');
    return { points: Number(fig.dataset.points), lines: Number(fig.dataset.lines), outlets: Number(fig.dataset.outlets) };
  })()`);
}

/** The one rule for an outlet's name in the panel (ui/src/lib/names.ts), for a test's expectations. */
export { outletName } from '../../ui/src/lib/names.ts';

/** The widths a user meets the panel at: two phones, a tablet, two laptops. */
export const WIDTHS = [360, 390, 1024, 1366, 1440] as const;

/** How far the page scrolls sideways (0: not at all), once Chart.js has followed a resize. */
export async function sideScroll(page: Page): Promise<number> {
  await page
    .waitForFunction('document.documentElement.scrollWidth <= innerWidth', undefined, { timeout: 3000 })
    .catch(() => undefined);
  return page.evaluate<number>('document.documentElement.scrollWidth - innerWidth');
}

/** The focused element, and whether the user can see that it is: what a keyboard user relies on. */
export interface Focused {
  tag: string;
  text: string;
  testid: string;
  label: string;
  focusVisible: boolean;
  outline: string;
  outlineWidth: number;
  boxShadow: string;
}

export function focused(page: Page): Promise<Focused> {
  return page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', text: '', testid: '', label: '', focusVisible: false, outline: 'none', outlineWidth: 0, boxShadow: 'none' };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) === 0 ? 'none' : cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor;
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim(),
      testid: el.getAttribute('data-testid') ?? '',
      label: el.getAttribute('aria-label') ?? '',
      focusVisible: el.matches(':focus-visible'),
      outline,
      outlineWidth: parseFloat(cs.outlineWidth),
      boxShadow: cs.boxShadow,
    };
  })()`);
}

/**
 * Whether the focused element shows a focus ring of its own: an outline at least 2 px wide (WCAG 2.4.13's
 * minimum; Chromium's default `auto 1px` ring is hard to see on the dark theme) or a box-shadow.
 */
export const ringShown = (f: Focused) =>
  f.focusVisible && ((f.outline !== 'none' && f.outlineWidth >= 2) || f.boxShadow !== 'none');

/**
 * Tab (or Shift+Tab) until the focused element matches the CSS selector `sel` (and has the text
 * `text`, when given), at most `max` presses; every element passed on the way must show its focus
 * ring. Returns how many presses it took.
 */
export async function tabTo(
  page: Page,
  sel: string,
  opts: { back?: boolean; max?: number; text?: string } = {},
): Promise<number> {
  const match = `(() => {
    const el = document.activeElement;
    return !!el && el.matches(${JSON.stringify(sel)}) &&
      (${JSON.stringify(opts.text ?? null)} === null || el.textContent.trim() === ${JSON.stringify(opts.text ?? '')});
  })()`;
  const key = opts.back ? 'Shift+Tab' : 'Tab';
  for (let i = 1; i <= (opts.max ?? 80); i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f.tag === 'body') continue;
    if (!ringShown(f))
      throw new Error(`no visible focus on <${f.tag}> “${f.text || f.label}”: ${JSON.stringify(f)}`);
    if (await page.evaluate<boolean>(match)) return i;
  }
  throw new Error(`${key} never reached ${sel}`);
}

export interface OpenPanel {
  ui: { dir: string; remove(): void };
  stack: BridgeStack;
  browser: Browser;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

/**
 * The panel built into its own folder, served by the whole bridge on the simulated PX3-5892 with some
 * history, loaded at desktop size and settled: live, 36 outlets, the day chart drawn.
 */
export async function openPanel(opts: { pollInterval: number; days?: number }): Promise<OpenPanel> {
  const ui = buildPanel();
  const stack = await startBridgeStack({
    days: opts.days ?? 10,
    pollInterval: opts.pollInterval,
    uiDir: ui.dir,
  });
  const browser = await launchBrowser({ width: 1400, height: 900 });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems = watchProblems(page);
  await page.goto(stack.url);
  await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
  await page.waitForFunction(outletCount(36));
  await waitForChart(page, 'power', 'day', 'total');
  return {
    ui,
    stack,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await stack.stop();
      ui.remove();
    },
  };
}

/** API answers of 400 and above that `page` got (none is expected from the panel's own requests). */
export function watchFailures(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (r: Response) => {
    if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/api/'))
      failed.push(`${r.status()} ${r.url()}`);
  });
  return failed;
}

export interface OpenBridge extends Omit<OpenPanel, 'close'> {
  failed: string[];
  close(): Promise<void>;
}

/** The panel built, the whole bridge on `pdus`, and a browser page not yet navigated. */
export async function openBridge(opts: {
  pdus: SimPdu[];
  days: number;
  pollInterval: number;
}): Promise<OpenBridge> {
  const ui = buildPanel();
  const stack = await startBridgeStack({ ...opts, uiDir: ui.dir });
  const browser = await launchBrowser({ width: 1366, height: 900 });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  return {
    ui,
    stack,
    browser,
    page,
    problems: watchProblems(page),
    failed: watchFailures(page),
    async close() {
      await browser.close();
      await stack.stop();
      ui.remove();
    },
  };
}
