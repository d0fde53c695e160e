// Browser end-to-end harness: a production build of the dashboard, Debian's Chromium driven by
// playwright-core, and a screenshot folder for the test output.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { REPO_DIR } from '../helpers/api.ts';
export { ensureDashboardBuilt } from '../../apps/web/scripts/build-if-stale.ts';

export const SCREENSHOT_DIR = join(REPO_DIR, 'test-output/screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The dashboard's HTTP-only session cookie (apps/server/src/request-auth.ts). */
export const SESSION_COOKIE = 'latent_lab_session';

/**
 * Signs a browser context in with a session token from the API (signUp/signIn answer one), as
 * the sign-in page would: the HTTP-only cookie on the server's origin.
 */
export async function signInContext(
  context: BrowserContext,
  baseUrl: string,
  token: string,
): Promise<void> {
  await context.addCookies([
    { name: SESSION_COOKIE, value: token, url: baseUrl, httpOnly: true, sameSite: 'Lax' },
  ]);
}

/** A new browser context on the server, signed in with this session token. */
export async function newSignedInContext(
  browser: Browser,
  baseUrl: string,
  token: string,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, ...options });
  await signInContext(context, baseUrl, token);
  return context;
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Records, before any page script runs, every layout shift (CLS entries) and every value the run
 * view shows for "frames done" together with the status shown at that moment.
 */
export const OBSERVER_SCRIPT = `
  window.__layoutShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
  window.__progress = [];
  const record = () => {
    const done = document.querySelector('[data-testid="frames-done"]');
    const status = document.querySelector('[data-testid="run-status"]');
    if (!done || !status) return;
    const sample = { done: Number(done.textContent), status: status.textContent.trim() };
    const last = window.__progress[window.__progress.length - 1];
    if (!last || last.done !== sample.done || last.status !== sample.status) window.__progress.push(sample);
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
`;

const INTERACTIVE_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'checkbox',
  'radio',
  'slider',
  'spinbutton',
  'listbox',
  'switch',
]);

/** Controls that Chromium's accessibility tree exposes without a name (so a screen reader cannot announce them). */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes
      .filter((node) => !node.ignored && INTERACTIVE_ROLES.has(String(node.role?.value)))
      .filter((node) => String(node.name?.value ?? '').trim() === '')
      .map((node) => `${String(node.role?.value)} (backend node ${node.backendDOMNodeId})`);
  } finally {
    await cdp.detach();
  }
}
