import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/*
 * Real headless Chromium (Debian's `chromium`, driven by playwright-core with an explicit
 * executable path: no browser download). Every request a page makes is recorded, to prove that
 * nothing leaves the gateway's origin.
 */

/** Where the screenshots of a run go (git-ignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'dist', 'screenshots');

/** A phone-sized viewport (and a desktop one). */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** The Chromium of the machine (`CHROMIUM_PATH`, default Debian's). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A browser context (its own cookies and storage: one person) with its requests recorded. */
export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Every URL requested by the pages of the context, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Opens a fresh context and page at the gateway. */
export async function visit(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<Visit> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB' });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, requests, close: () => context.close() };
}

/** The requested URLs that are not of `origin` (in-page `data:` and `blob:` URLs excepted). */
export function foreignRequests(requests: readonly string[], origin: string): string[] {
  return requests.filter(
    (url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin,
  );
}

/** Signs in through the sign-in page and waits for the person's first page. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Saves a full-page screenshot as `<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let pending loads settle so the picture shows the page, not its spinners.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
