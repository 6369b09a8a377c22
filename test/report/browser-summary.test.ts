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
import { TINY_SOURCE, tinyAdvice, tinyProfile } from './synth.js';

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
  test('a cold print that ran unsampled reads "ran, unsampled" as in the terminal; advice from another run is noted at the top', async () => {
    const file = join(dir, 'job.py');
    const advice = tinyAdvice(file, 'job.py', TINY_SOURCE);
    const print = advice.findings[0]!;
    advice.items = [
      { rank: 1, kind: 'cold', file, displayPath: 'job.py', line: 17, endLine: 17, finding: { ...print, code: 'LOG001', line: 17, message: 'print() in a script' }, hits: 1, timeSeconds: 0, share: 0, arrays: [], summary: 'line 17 ran once, unsampled' },
      { rank: 2, kind: 'cold', file, displayPath: 'job.py', line: 3, endLine: 3, finding: { ...print, code: 'VEC001', line: 3 }, timeSeconds: 0, share: 0, arrays: [], summary: 'line 3 did not run' },
    ];
    const other = tinyProfile(file);
    other.meta.startedAt = '2026-11-25T09:30:00.000Z';
    const out = join(dir, 'cold.html');
    await writeReport(out, { title: 'cold', createdAt: new Date(0).toISOString(), profile: other, advice, sources: { [file]: TINY_SOURCE } });
    const { page, problems } = await openReport(browser, out);
    try {
      assert.deepEqual(problems, []);
      const top = await page.locator('#summary .top-advice li').allTextContents();
      assert.equal(top.length, 2);
      assert.match(top[0]!, /LOG001 print\(\) in a script — ran, unsampled$/);
      assert.match(top[1]!, / — did not run$/);
      assert.ok(top.every((t) => !/0 ns|0 % of the run/.test(t)), top.join('\n'));
      const note = (await page.locator('#summary .summary-warning').allTextContents()).join('\n');
      assert.match(note, /^Note: the profile \(`python job\.py` started 2026-11-25T09:30:00\.000Z\) and the advice .* come from different runs of the same command/);
    } finally {
      await page.close();
    }
  });
});
