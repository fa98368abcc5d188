import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson } from '../../bridge/http/bodies.ts';
import { type BridgeStack, startBridgeStack } from '../../support/bridge-stack.ts';
import { type Browser, launchBrowser } from '../../support/browser.ts';
import { buildPanel, outletCount, watchProblems } from './panel-kit.ts';

/**
 * The panel from another machine of the LAN, against the whole bridge listening on all interfaces
 * without configured credentials (the default): it asks once for the token the bridge generated,
 * says which file holds it, and keeps it. The browser can only reach 127.0.0.1 here, so it comes
 * "from the LAN" through a proxy header (X-Forwarded-For), which the bridge treats as not local.
 */

const LAN = { 'x-forwarded-for': '192.0.2.50' };
let ui: { dir: string; remove(): void };
let browser: Browser;

beforeAll(() => {
  ui = buildPanel();
}, 120_000);
afterAll(() => ui?.remove());

async function tokenFileOf(stack: BridgeStack): Promise<string> {
  const status = (await (await fetch(`${stack.url}/api/current-status`)).json()) as CurrentStatusJson;
  expect(status.auth).toBe('token');
  if (!status.token_file) throw new Error('no token file reported');
  return status.token_file;
}

async function lanPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  await page.setExtraHTTPHeaders(LAN);
  // The 401s the panel is shown on purpose are the only console errors allowed.
  const problems = watchProblems(page);
  return { page, problems };
}
const unexpected = (problems: string[]) => problems.filter((p) => !/401 \(Unauthorized\)/.test(p));

describe('renaming from the LAN with the generated token', () => {
  let stack: BridgeStack;
  beforeAll(async () => {
    stack = await startBridgeStack({ days: 1, pollInterval: 5, uiDir: ui.dir, http: { host: '0.0.0.0' } });
    browser = await launchBrowser({ width: 1400, height: 900 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('asks for the token once, naming its file, and keeps it for the next visit', async () => {
    const tokenFile = await tokenFileOf(stack);
    const token = readFileSync(tokenFile, 'utf8').trim();
    const { page, problems } = await lanPage();
    await page.goto(stack.url);
    // Reads stay open: the panel is live without any credentials.
    await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await page.waitForFunction(outletCount(36));

    const card = page.locator('[data-testid=outlet][data-outlet="9"]');
    await card.locator('[data-testid=outlet-name]').click();
    await card.locator('[data-testid=rename-input]').fill('lan rename 1');
    await card.locator('[data-testid=rename-input]').press('Enter');
    await expect(card.locator('[data-testid=rename-message]').textContent()).resolves.toBe(
      'Renaming needs credentials.',
    );
    await expect(card.locator('[data-testid=auth-token-file]').textContent()).resolves.toContain(tokenFile);
    expect(stack.agent.model.outletName(1, 9)).not.toBe('lan rename 1');
    // The page says where the token is, never what it is.
    expect(await page.textContent('body')).not.toContain(token);

    await card.locator('input[aria-label=Token]').fill(token);
    await card.locator('button:text-is("Sign in")').click();
    await card
      .locator('[data-testid=rename-message]', { hasText: 'PDU stored “lan rename 1”' })
      .waitFor({ timeout: 15_000 });
    expect(stack.agent.model.outletName(1, 9)).toBe('lan rename 1');

    // The next visit (a reload) renames without asking.
    await page.reload();
    await page.waitForFunction(outletCount(36));
    await card.locator('[data-testid=outlet-name]').click();
    await card.locator('[data-testid=rename-input]').fill('lan rename 2');
    await card.locator('[data-testid=rename-input]').press('Enter');
    await card
      .locator('[data-testid=rename-message]', { hasText: 'PDU stored “lan rename 2”' })
      .waitFor({ timeout: 15_000 });
    expect(await card.locator('[data-testid=auth-prompt]').count()).toBe(0);
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  });
});

describe('http.protectReads: the panel signs in before it shows anything', () => {
  let stack: BridgeStack;
  beforeAll(async () => {
    stack = await startBridgeStack({
      days: 1,
      pollInterval: 5,
      uiDir: ui.dir,
      http: { host: '0.0.0.0', protectReads: true },
    });
    browser = await launchBrowser({ width: 1400, height: 900 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the sign-in, then the live panel (event stream included) and the CSV export', async () => {
    const tokenFile = await tokenFileOf(stack);
    const token = readFileSync(tokenFile, 'utf8').trim();
    const { page, problems } = await lanPage();
    await page.goto(stack.url);
    const prompt = page.locator('[data-testid=auth-prompt]');
    await prompt.waitFor({ timeout: 20_000 });
    await expect(prompt.locator('[data-testid=auth-token-file]').textContent()).resolves.toContain(tokenFile);
    expect(await page.locator('[data-testid=outlet]').count()).toBe(0);

    await prompt.locator('input[aria-label=Token]').fill(token);
    await prompt.locator('button:text-is("Sign in")').click();
    // Live needs the event stream, which goes with the cookie (EventSource sends no header).
    await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await page.waitForFunction(outletCount(36));

    const csv = await page.evaluate<{ status: number; head: string }>(`(async () => {
      const a = document.querySelector('a[href*="export-data"]');
      const r = await fetch(a.href, { credentials: 'same-origin' });
      return { status: r.status, head: (await r.text()).slice(0, 4) };
    })()`);
    expect(csv).toEqual({ status: 200, head: 'time' });
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  });
});
