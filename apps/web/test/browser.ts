import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

// Debian's Chromium driven by playwright-core: headless, offline-friendly (nothing phones home),
// a fresh profile per run. .ci/run installs /usr/bin/chromium when it is missing.

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
];

/**
 * How long a page action (click, fill, waitFor) may wait for its element. Pages are served by a
 * production build, but on a busy 2-CPU machine (two test files, their servers and Chromium at
 * once) a page's hydration passed 10 s in CI now and then.
 */
export const BROWSER_ACTION_TIMEOUT_MS = 20_000;

export const SCREENSHOT_DIR = fileURLToPath(new URL("../screenshots/", import.meta.url));

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH?.trim() || "/usr/bin/chromium";
}

export interface TestBrowser {
  readonly context: BrowserContext;
  /** A new tab of the one profile (cookies are shared, as in a real browser). */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Saves a full-page screenshot as screenshots/<folder>/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(folder: string): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), "collab-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    locale: "en-GB",
    timezoneId: "Europe/Berlin",
    colorScheme: "light",
  });
  context.setDefaultTimeout(BROWSER_ACTION_TIMEOUT_MS);
  const shots = join(SCREENSHOT_DIR, folder);
  await mkdir(shots, { recursive: true });
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async screenshot(page, name) {
      const path = join(shots, `${name}.png`);
      // Let transitions and fonts settle, so the picture is what a person sees.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(250);
      await page.screenshot({ path, fullPage: true, animations: "disabled" });
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium for several separate profiles (browser.newContext(), each its own cookies and
 * storage: several devices). Sound may play without a click, as on a phone the user set up.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"],
  });
}
