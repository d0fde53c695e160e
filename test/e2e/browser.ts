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
import type { RunningServer } from '../../apps/server/src/index.ts';
import { ensureDashboardBuilt } from '../../apps/web/scripts/build-if-stale.ts';
import { REPO_DIR, startTestServer, type TestServer } from '../helpers/api.ts';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

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

/** A test server serving the built dashboard, Chromium, and the page a test file drives. */
export interface Dashboard {
  testServer: TestServer;
  server: RunningServer;
  browser: Browser;
  /** The page's context: desktop-sized, on the server's URL, signed in as the owner if there is one. */
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page's scripts (a test file adds those of its other pages). */
  pageErrors: string[];
}

/**
 * Builds the dashboard if it is stale, starts a test server that serves it (startTestServer's
 * options, `serveDashboard` set), launches Chromium and opens a page, signed in as the server's
 * owner unless `signUpOwner: false`; `initScript` runs before any page script of the context.
 */
export async function openDashboard({
  initScript,
  ...options
}: Parameters<typeof startTestServer<'postgres'>>[0] & {
  initScript?: string;
}): Promise<Dashboard> {
  ensureDashboardBuilt();
  const testServer = await startTestServer({ ...options, serveDashboard: true });
  const server = testServer.server;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const contextOptions = { viewport: DESKTOP };
    const context =
      options.signUpOwner === false
        ? await browser.newContext({ ...contextOptions, baseURL: server.url })
        : await newSignedInContext(browser, server.url, testServer.owner.token, contextOptions);
    if (initScript) await context.addInitScript(initScript);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { testServer, server, browser, context, page, pageErrors };
  } catch (error) {
    await browser?.close();
    await testServer.close();
    throw error;
  }
}

/** Closes the browser and the test server (nothing when openDashboard did not get that far). */
export async function closeDashboard(dashboard: Dashboard | undefined): Promise<void> {
  await dashboard?.browser.close();
  await dashboard?.testServer.close();
}

/**
 * Waits until the run history lists the runs of `query` (its `data-shown-for`). One list only: a
 * second, hidden copy (a streamed Suspense segment beside the hydrated page, which CI once saw) is
 * a strict-mode violation. An empty list has no height, so with `empty` it need only be there.
 */
export async function waitForHistory(
  page: Page,
  query: string,
  options: { empty?: boolean } = {},
): Promise<void> {
  await page
    .locator(`[data-shown-for="${query}"]`)
    .waitFor({ state: options.empty ? 'attached' : 'visible' });
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
