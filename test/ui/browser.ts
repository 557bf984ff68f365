import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, SYSTEM_PACKAGES_HINT } from '../../src/embedded/system-packages';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Browser-test support: the UI build (rebuilt when ui/ or the shared tables changed), Debian's
 * Chromium, sign-in, and the helpers that drive "My tasks" the way a person would.
 */
export const ROOT = join(__dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test', 'artifacts', 'screenshots');
export const CHROMIUM = chromiumPath();
export const PASSWORD = 'opsdesk-demo';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === '.build-lock') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isFresh(ui: string): boolean {
  const built = join(ui, 'dist', 'index.html');
  const sources = Math.max(newestMtime(ui), newestMtime(join(ROOT, 'workflows', 'shared')));
  return existsSync(built) && statSync(built).mtimeMs >= sources;
}

/**
 * Builds ui/dist when it is missing or older than its sources (ui/ and workflows/shared/). Jest runs
 * test files in parallel workers: a lock directory makes the others wait for the one that builds.
 */
export function ensureUiBuilt(): void {
  const ui = join(ROOT, 'ui');
  if (isFresh(ui)) return;
  const lock = join(ui, '.build-lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held for more than 5 minutes: remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (isFresh(ui)) return;
    const t0 = Date.now();
    if (!existsSync(join(ui, 'node_modules', '.bin', 'vite'))) {
      execFileSync('npm', ['--prefix', ui, 'ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
    }
    execFileSync('npm', ['--prefix', ui, 'run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`[ui test] built ui/dist in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: ${SYSTEM_PACKAGES_HINT} (or set CHROMIUM_PATH)`);
  }
}

/**
 * The system and the browser side by side. If either fails to start, the other is stopped before
 * the error goes on: a suite whose set-up failed must not leave servers or a browser behind.
 */
export async function startSystemAndBrowser(): Promise<{ system: TestSystem; browser: Browser }> {
  const [system, browser] = await Promise.allSettled([startTestSystem(), launch()]);
  if (system.status === 'fulfilled' && browser.status === 'fulfilled') return { system: system.value, browser: browser.value };
  if (system.status === 'fulfilled') await system.value.close();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw system.status === 'rejected' ? system.reason : (browser as PromiseRejectedResult).reason;
}

export async function launch(): Promise<Browser> {
  assertChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    // A Japanese office PC: date and time inputs in Japanese order and 24-hour time.
    env: { ...process.env, LANG: 'C.UTF-8', LANGUAGE: 'ja' },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=ja-JP'],
  });
}

/** A signed-in tab of its own (sessionStorage is per tab, so each user gets a context). */
export async function signIn(browser: Browser, baseUrl: string, username: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403|404|409|422|503)/.test(m.text())) errors.push(`${username}: ${m.text()}`);
  });
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('ユーザー名').fill(username);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return { context, page, errors };
}

export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** The list item of an open task on "My tasks", waiting (with refreshes) until the workflow opens it. */
export async function findTask(page: Page, baseUrl: string, caseNumber: string, label: string, timeoutMs = 30_000) {
  if (!page.url().endsWith('/tasks')) await page.goto(`${baseUrl}/tasks`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const item = page.locator('li.task-item').filter({ hasText: caseNumber }).filter({ has: page.getByRole('heading', { name: label, exact: true }) });
    if ((await item.count()) > 0) return item.first();
    if (Date.now() > deadline) {
      const seen = await page.locator('li.task-item h2').allTextContents();
      throw new Error(`no open task "${label}" for ${caseNumber} on My tasks within ${timeoutMs} ms (seen: ${seen.join(', ') || 'none'})`);
    }
    await page.waitForTimeout(500);
    await page.getByRole('button', { name: '最新の状態に更新' }).click();
    await page.waitForLoadState('networkidle');
  }
}

/**
 * Waits, polling from the test, until `condition` holds. The UI's Content-Security-Policy forbids
 * eval, and Playwright's waitForFunction evaluates its predicate as a string after the first try,
 * so a condition that is not true at once would fail with an EvalError instead of waiting.
 */
export async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Opens the task in place and returns its item; the caller fills the form and clicks an outcome. */
export async function openTask(page: Page, baseUrl: string, caseNumber: string, label: string) {
  const item = await findTask(page, baseUrl, caseNumber, label);
  await item.getByRole('button', { name: /対応する/ }).click();
  return item;
}

/** Clicks an outcome button and waits for the "completed" notice. */
export async function completeWith(page: Page, item: ReturnType<Page['locator']>, outcome: string): Promise<void> {
  await item.getByRole('button', { name: outcome, exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'を完了しました' }).waitFor({ timeout: 30_000 });
}

/** A value for <input type="datetime-local"> in Japan time. */
export function jstInput(ms: number, seconds = false): string {
  const iso = new Date(ms + 9 * 3_600_000).toISOString();
  return seconds ? iso.slice(0, 19) : iso.slice(0, 16);
}

/**
 * The people of one test file, each in their own browser context. `closeAll()` after each test
 * closes them and returns what went wrong in their pages (uncaught errors, console errors other
 * than the refusals the UI shows on purpose), which the test then asserts to be nothing.
 */
export class BrowserSessions {
  private readonly open: Array<{ errors: string[]; context: BrowserContext }> = [];

  constructor(private readonly where: () => { browser: Browser; baseUrl: string }) {}

  async as(username: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const { browser, baseUrl } = this.where();
    const session = await signIn(browser, baseUrl, username);
    this.open.push(session);
    return session;
  }

  /** A context the test made itself (a signed-out visitor), closed with the rest. */
  track(context: BrowserContext): void {
    this.open.push({ context, errors: [] });
  }

  async closeAll(): Promise<string[]> {
    const errors = this.open.flatMap((s) => s.errors);
    await Promise.all(this.open.splice(0).map((s) => s.context.close()));
    return errors;
  }
}

/**
 * The frame of a browser-test file: the real system and Chromium started once for the file (then
 * `ready` gets them, for the file's own set-up), both closed after it, and the people's sessions
 * closed after each test, failing it if a page logged an error.
 */
export function withSystemAndBrowser(ready: (started: { system: TestSystem; browser: Browser }) => void | Promise<void>): BrowserSessions {
  let started: { system: TestSystem; browser: Browser } | undefined;
  const sessions = new BrowserSessions(() => ({ browser: started!.browser, baseUrl: started!.system.baseUrl }));
  beforeAll(async () => {
    ensureUiBuilt();
    started = await startSystemAndBrowser();
    await ready(started);
  }, 240_000);
  afterAll(async () => {
    await started?.browser.close();
    await started?.system.close();
  });
  afterEach(async () => {
    expect(await sessions.closeAll()).toEqual([]);
  });
  return sessions;
}
