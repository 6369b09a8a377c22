// Opening a report in Debian's headless Chromium (never a downloaded browser) and collecting what went wrong:
// console errors, page errors, dialogs (an alert() would mean injected script ran) and any non-file request.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../testkit/run-cli.js';

export const CHROMIUM = process.env.VECPROF_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** Why browser tests cannot run here, or false when they can. */
export function browserSkip(): string | false {
  return existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set VECPROF_CHROMIUM`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenedReport {
  page: Page;
  problems: string[];
  dialogs: string[];
}

export async function openReport(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(
    () => {
      const status = (globalThis as unknown as PageGlobals).vecprofReport;
      return status !== undefined && (status.ready || status.error !== null);
    },
    null,
    { timeout: 20_000 },
  );
  return { page, problems, dialogs };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.evaluate(() => globalThis.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page shot
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What the page publishes for tests and the benchmark (src/report/front/main.ts). */
export interface PageGlobals {
  vecprofReport?: { ready: boolean; flameFirstRenderMs: number | null; flameFirstRenderBy: 'paint' | 'frame' | null; flameDrawnMs: number | null; error: string | null };
}

export function reportStatus(page: Page): Promise<PageGlobals['vecprofReport']> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).vecprofReport);
}
