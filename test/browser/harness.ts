/**
 * Browser tests: real Chromium (Debian's `chromium`, driven by playwright-core) against a real Lethe
 * listening on a real port, with the console built by Vite. Without a Chromium the suites are
 * skipped, and say so once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import playwright, { type Browser, type BrowserContext, type BrowserType, chromium, type Page } from 'playwright-core';
import { bootApp, type BootOptions, onServer, type TestApp } from '../factories/app.js';
import { createDatabaseBeside } from '../factories/database.js';

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'screenshots');

const CANDIDATES = [process.env.LETHE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const chromiumPath: string | undefined = CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path!));

let said = false;
/** `describe` when a Chromium is installed; otherwise `describe.skip`, with one line saying why. */
export function describeBrowser(name: string, body: () => void): void {
  if (chromiumPath) return describe(name, body);
  if (!said) {
    said = true;
    process.stderr.write('browser tests SKIPPED: no Chromium found (install Debian\'s "chromium" package, or set LETHE_CHROMIUM)\n');
  }
  describe.skip(name, body);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the client package and the web apps (console, privacy center) when their build is missing or older than their sources. */
export function ensureWebBuilt(): void {
  const clientDist = join(ROOT, 'packages', 'client', 'dist', 'index.js');
  if (!existsSync(clientDist) || statSync(clientDist).mtimeMs < newestMtime(join(ROOT, 'packages', 'client', 'src'))) {
    execFileSync('npm', ['run', 'build:client'], { cwd: ROOT, stdio: 'ignore' });
  }
  const sources = Math.max(newestMtime(join(ROOT, 'web', 'console')), newestMtime(join(ROOT, 'web', 'privacy')), newestMtime(join(ROOT, 'web', 'shared')), statSync(clientDist).mtimeMs);
  const built = ['console', 'privacy'].map((app) => join(ROOT, 'web', 'dist', app, 'index.html'));
  if (built.some((index) => !existsSync(index) || statSync(index).mtimeMs < sources)) {
    execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export interface ConsoleApp extends TestApp {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
}

/**
 * A whole Lethe listening on 127.0.0.1, its public URL set to where it listens (cookies, OIDC redirects).
 * `ownDatabase`: for a suite whose counts, orderings or lists assume it is alone. On a Postgres
 * server it gets a new database beside the shared one, dropped when it closes; on the embedded
 * default every app has its own already.
 */
export async function startLethe(options: BootOptions & { port?: number; ownDatabase?: boolean } = {}): Promise<ConsoleApp> {
  ensureWebBuilt();
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const own = options.ownDatabase && onServer ? await createDatabaseBeside(process.env.DATABASE_URL!) : undefined;
  let t: TestApp;
  try {
    t = await bootApp({ ...options, env: { LETHE_PUBLIC_URL: baseUrl, ...(own ? { DATABASE_URL: own.url } : {}), ...options.env } });
    await t.app.listen(port, '127.0.0.1');
  } catch (error) {
    await own?.drop();
    throw error;
  }
  const closeApp = t.close;
  const close = async () => {
    try {
      await closeApp();
    } finally {
      await own?.drop();
    }
  };
  return Object.assign(t, { baseUrl, close });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

const FIREFOX_CANDIDATES = [process.env.LETHE_FIREFOX, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
export const firefoxPath: string | undefined = FIREFOX_CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path!));

/**
 * `describe` when a Firefox is installed; otherwise `describe.skip`, saying why. On a Postgres server
 * it is skipped too: it checks the browser, not the database, and the embedded run covers it.
 */
export function describeFirefox(name: string, body: () => void): void {
  if (firefoxPath && !onServer) return describe(name, body);
  process.stderr.write(
    firefoxPath
      ? 'Firefox browser tests SKIPPED on a Postgres server: they check the browser, not the database (the embedded run covers them)\n'
      : 'Firefox browser tests SKIPPED: no Firefox found (install Debian\'s "firefox-esr" package, or set LETHE_FIREFOX)\n',
  );
  describe.skip(name, body);
}

/**
 * A stock Firefox, driven over WebDriver BiDi (Playwright's own patched Firefox cannot be downloaded
 * here). Playwright exposes its BiDi driver as `_bidiFirefox`; 1.56 is the last release whose BiDi
 * commands Firefox ESR 153 understands (see package.json).
 */
export async function launchFirefox(): Promise<Browser> {
  const bidiFirefox = (playwright as unknown as { _bidiFirefox: BrowserType })._bidiFirefox;
  return bidiFirefox.launch({ executablePath: firefoxPath, env: { ...process.env, HOME: process.env.HOME ?? tmpdir() } });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A browser context that records what must never happen: console errors, CSP violations, requests
 * to any other origin, and personal data in browser storage. `problems()` lists them.
 */
export async function openContext(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number } = DESKTOP,
  allowOrigins: string[] = [],
  browserOptions: { locale?: string; extraHTTPHeaders?: Record<string, string>; javaScriptEnabled?: boolean } = {},
) {
  const context = await browser.newContext({ viewport, baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Europe/Paris', ...browserOptions });
  const problems: string[] = [];
  const origin = new URL(baseUrl).origin;
  // Only Lethe's own pages are judged (an identity provider's login page is not Lethe's to fix).
  const ours = (url: string | undefined) => url !== undefined && url.startsWith(`${origin}/`);
  context.on('request', (request) => {
    const url = new URL(request.url());
    let from: string | undefined;
    try {
      from = request.frame().url();
    } catch {
      from = undefined; // a service-worker request has no frame
    }
    if (ours(from) && url.protocol.startsWith('http') && url.origin !== origin && !allowOrigins.includes(url.origin) && !request.isNavigationRequest()) {
      problems.push(`third-party request: ${url.origin}`);
    }
  });
  context.on('console', (message) => {
    if (!ours(message.page()?.url())) return;
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  const page = await context.newPage();
  return { context, page, problems };
}

/** localStorage, sessionStorage and readable cookies of the page's origin (all must stay empty of secrets). */
export async function browserStorage(page: Page): Promise<string> {
  return page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookies: document.cookie })');
}

export async function signInWithKey(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).first().waitFor();
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core (WCAG 2.0–2.2 A and AA rules) on the page as it is now: the serious and critical violations. */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] };
  const result = await page.evaluate<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }>(
    `axe.run(document, ${JSON.stringify(options)})`,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/**
 * A full-page screenshot in test-artifacts/screenshots/<name>.png, for people to look at (nothing
 * asserts on it). Taken on the embedded default only: the server modes would redraw the same pages
 * into the same files.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (onServer) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export type { Browser, BrowserContext, Page };
