// The summary's counts, the memory section of a profile without a memory pass, and when the flame graph reached the
// screen, in headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { writeReport } from '../../src/report/build.js';
import { browserSkip, launchChromium, openReport, reportStatus, screenshot } from './browser-kit.js';
import { tinyProfile } from './synth.js';

const skip = browserSkip();
const MiB = 1024 * 1024;

describe('the report summary and memory section in headless Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'vecprof-report-summary-'));
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a sample profile: 1,800 samples (not 1.80e+3), its peak RSS, and which mode gives memory per line', async () => {
    const profile = tinyProfile(join(dir, 'job.py'));
    // Grafted native samples are fractions of one: the total is a count all the same.
    profile.samples!.stacks = [
      { frames: [0, 1, 3], weight: 1000.25 },
      { frames: [0, 1], weight: 799.5 },
      { frames: [0, 2], weight: 0.45 },
    ];
    profile.meta.rss = { startBytes: 20 * MiB, endBytes: 64 * MiB, peakBytes: 96 * MiB, peakChildrenBytes: 0 };
    const file = join(dir, 'sample.html');
    await writeReport(file, { title: 'sample profile', createdAt: new Date(0).toISOString(), profile, sources: {} });
    const { page, problems } = await openReport(browser, file);
    try {
      assert.deepEqual(problems, []);
      const facts = await page.locator('#summary .fact').evaluateAll((els) => els.map((e) => [e.querySelector('.fact-label')?.textContent, e.querySelector('.fact-value')?.textContent]));
      assert.deepEqual(
        facts.find(([label]) => label === 'samples'),
        ['samples', '1,800'],
      );
      assert.match((await page.locator('#flame p.muted').first().textContent()) ?? '', /^1,800 samples every 10 ms\./);
      const memory = (await page.locator('#memory').textContent()) ?? '';
      assert.match(memory, /peak resident \(RSS\)\s*96\.0 MiB/);
      assert.match(memory, /20\.0 MiB → 64\.0 MiB/);
      assert.match(memory, /vecprof profile --mode memory/, 'says which mode gives memory per line');
      assert.equal(await page.locator('#memory table').count(), 0, 'no per-line table without a memory pass');

      const status = await reportStatus(page);
      assert.ok(status?.flameDrawnMs !== null && status?.flameDrawnMs !== undefined && status.flameDrawnMs > 0, 'the flame graph drew');
      assert.ok(status.flameFirstRenderBy === 'paint' || status.flameFirstRenderBy === 'frame', String(status.flameFirstRenderBy));
      assert.ok((status.flameFirstRenderMs ?? 0) >= status.flameDrawnMs, `painted (${status.flameFirstRenderMs}) after the draw (${status.flameDrawnMs})`);
      await screenshot(page, 'report-sample-memory.png');
    } finally {
      await page.close();
    }
  });
});
