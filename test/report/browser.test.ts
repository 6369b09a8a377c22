// The report in a real browser: Debian's headless Chromium driven by playwright-core. Each test opens a report,
// checks it drew without a console error or a network request, and keeps a screenshot under test-artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import { writeReport } from '../../src/report/build.js';
import { loadAdvice, loadBudgetResult } from '../../src/report/load.js';
import type { Profile } from '../../src/profile/model.js';
import { browserSkip, launchChromium, openReport, reportStatus, screenshot } from './browser-kit.js';
import { TINY_SOURCE, oldAdviceV1, tinyAdvice } from './synth.js';

const skip = browserSkip();
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'report');
const EVIL_NAME = '<img src=x onerror=alert(1)>.py';
const EVIL_SOURCE = `import numpy as np

banner = "</script><script>alert(2)</script>"


def scale(a: np.ndarray) -> np.ndarray:
    out = np.empty_like(a)
    for i in range(len(a)):  # <img src=x onerror=alert(3)>
        out[i] = a[i] * 2.0
    return out
`;

describe('the HTML report in headless Chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'vecprof-report-browser-'));
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('vecprof advise on the truth workload: the top advice names the element loop, and clicking it shows the line', async () => {
    const work = join(dir, 'advise');
    mkdirSync(work);
    copyFileSync(join(FIXTURES, 'truth.py'), join(work, 'truth.py'));
    const run = await runCli(['advise', '--html', 'report.html', 'truth.py'], { cwd: work, timeoutMs: 120_000 });
    assert.equal(run.code, 0, run.stderr);
    const { page, problems, dialogs } = await openReport(browser, join(work, 'report.html'));
    try {
      assert.deepEqual(problems, []);
      assert.deepEqual(dialogs, []);
      const top = page.locator('li.advice[data-rank="1"]');
      assert.match((await top.locator('.location').textContent()) ?? '', /^truth\.py:6\b/, 'the `for i in range(len(a))` loop of normalise()');
      assert.equal(await top.locator('.code-badge').textContent(), 'VEC001');
      assert.match((await top.locator('pre.rewrite').textContent()) ?? '', /\S/, 'a rewrite in a code block');
      await page.locator('#summary .top-advice a.location').first().click();
      await page.waitForSelector('#source tr.flash[data-line="6"]', { timeout: 5000 });
      assert.ok(((await reportStatus(page))?.flameFirstRenderMs ?? 0) > 0, 'the flame graph drew');
      await screenshot(page, 'report-advise-truth.png');
    } finally {
      await page.close();
    }
  });

  test('a file named like markup and a source line with </script> run nothing (vecprof check --html)', async () => {
    const work = join(dir, 'xss');
    mkdirSync(work);
    writeFileSync(join(work, EVIL_NAME), EVIL_SOURCE);
    const run = await runCli(['check', '--html', 'check.html', '.'], { cwd: work });
    assert.equal(run.code, 1, `one finding expected: ${run.stdout}${run.stderr}`);
    const { page, problems, dialogs } = await openReport(browser, join(work, 'check.html'));
    try {
      assert.deepEqual(dialogs, [], 'no alert() ran');
      assert.deepEqual(problems, []);
      assert.equal(await page.locator('img[src="x"]').count(), 0, 'no injected element');
      assert.equal(await page.locator('script').count(), 2, 'only the data block and the page code');
      assert.match((await page.locator('select.file-select option').first().textContent()) ?? '', /^<img src=x onerror=alert\(1\)>\.py/);
      assert.equal(await page.locator('#source tr[data-line="3"] .code-cell').textContent(), 'banner = "</script><script>alert(2)</script>"');
      assert.equal(await page.locator('#findings .code-badge').first().textContent(), 'VEC001');
      await screenshot(page, 'report-check-xss.png');
    } finally {
      await page.close();
    }
  });

  test('advice cards lead to their line; the flame graph: hostile frame names stay text, search highlights, click zooms, reset; the function table sorts', async () => {
    const file = join(dir, EVIL_NAME);
    writeFileSync(file, TINY_SOURCE);
    const advice = tinyAdvice(file, EVIL_NAME, TINY_SOURCE);
    const profile: Profile = advice.profile;
    profile.samples!.frames[1]!.name = '</script><img src=x onerror=alert(4)>';
    profile.functions[0]!.name = '<svg onload=alert(5)>';
    const out = join(dir, 'flame.html');
    await writeReport(out, { title: '<img src=x onerror=alert(6)>', createdAt: '2026-11-24T10:00:00.000Z', advice, sources: {}, cwd: dir });
    const { page, problems, dialogs } = await openReport(browser, out);
    try {
      assert.deepEqual(problems, []);
      assert.equal(await page.title(), '<img src=x onerror=alert(6)>');
      await page.locator('li.advice[data-rank="2"] .advice-summary').click();
      await page.waitForSelector('#source tr.flash[data-line="12"]', { timeout: 5000 });
      const canvas = page.locator('canvas.flame-canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      // Row 2 (depth 2) holds normalise's frame, the widest child, at the left.
      await page.mouse.move(box.x + 20, box.y + 2 * 18 + 9);
      assert.equal(await page.locator('.flame-tip .tip-name').textContent(), '</script><img src=x onerror=alert(4)>');
      assert.match((await page.locator('.flame-tip').textContent()) ?? '', /total: 55 samples.*self: 25 samples/, 'self = total minus the children');
      await page.mouse.click(box.x + 20, box.y + 2 * 18 + 9);
      assert.match((await page.locator('.flame-status').textContent()) ?? '', /^zoomed to <\/script><img/);
      await page.click('a.flame-source');
      await page.waitForSelector('#source tr.flash[data-line="7"]', { timeout: 5000 });
      await page.fill('input.flame-search', 'total');
      assert.match((await page.locator('.flame-status').textContent()) ?? '', /matches 25\.0 % of samples/);
      await page.click('text=Reset zoom');
      assert.doesNotMatch((await page.locator('.flame-status').textContent()) ?? '', /zoomed/);
      const header = page.locator('#functions th').first();
      await header.locator('button').click();
      assert.equal(await header.getAttribute('aria-sort'), 'ascending');
      assert.equal(await page.locator('#functions tbody tr').first().locator('td').first().textContent(), '<svg onload=alert(5)>');
      assert.equal(await page.locator('img[src="x"], svg[onload]').count(), 0);
      assert.deepEqual(dialogs, []);
      await screenshot(page, 'report-flame.png');
    } finally {
      await page.close();
    }
  });

  test('a long file opens folded to its measured lines; the toggle unfolds it', async () => {
    const file = join(dir, 'long.py');
    const text = Array.from({ length: 600 }, (_, i) => (i === 299 ? 'total = sum(x * x for x in values)' : `x_${i} = ${i}`)).join('\n');
    writeFileSync(file, `${text}\n`);
    const profile = tinyAdvice(file, 'long.py', '').profile;
    profile.lines = [{ file, line: 300, share: 0.9, time: 0.45, hits: 1 }];
    const out = join(dir, 'long.html');
    await writeReport(out, { title: 'long', createdAt: '2026-11-24T10:00:00.000Z', profile, sources: {}, cwd: dir });
    const { page, problems } = await openReport(browser, out);
    try {
      assert.deepEqual(problems, []);
      assert.equal(await page.locator('#source tr.fold-row').count(), 2);
      assert.equal(await page.locator('#source tr[data-line="300"]').count(), 1);
      assert.equal(await page.locator('#source tr[data-line="10"]').count(), 0);
      await page.locator('#source input.compact-toggle').uncheck();
      assert.equal(await page.locator('#source tr[data-line="10"]').count(), 1);
      assert.equal(await page.locator('#source tr.fold-row').count(), 0);
    } finally {
      await page.close();
    }
  });

  test('advice saved as vecprof.advice/1: a kernel card says "of peak", capped "at the measured peak", never NaN', async () => {
    const file = join(dir, 'job.py');
    writeFileSync(file, TINY_SOURCE);
    const saved = join(dir, 'old-advice.json');
    writeFileSync(saved, JSON.stringify(oldAdviceV1(file, 'job.py', TINY_SOURCE)));
    const out = join(dir, 'old-advice.html');
    await writeReport(out, { title: 'old advice', createdAt: '2026-11-24T10:00:00.000Z', advice: await loadAdvice(saved), sources: {}, cwd: dir });
    const { page, problems } = await openReport(browser, out);
    try {
      assert.deepEqual(problems, []);
      const metrics = (await page.locator('li.advice-numpy-kernel .metrics').textContent()) ?? '';
      assert.match(metrics, /18\.9 GB\/s/);
      assert.match(metrics, /at the measured peak\s*of peak/i);
      assert.doesNotMatch(metrics, /NaN|189/);
    } finally {
      await page.close();
    }
  });

  test('a budget report shows the sweep plot image and the table', async () => {
    const out = join(dir, 'budget.html');
    await writeReport(out, { title: 'budget', createdAt: '2026-11-24T10:00:00.000Z', budget: await loadBudgetResult(join(FIXTURES, 'budget.json')), sources: {} });
    const { page, problems } = await openReport(browser, out);
    try {
      assert.deepEqual(problems, []);
      const width = await page.locator('img.budget-plot').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
      assert.ok(width > 100, 'the SVG data image decoded (allowed by img-src data:)');
      assert.equal(await page.locator('#budget tbody tr').count(), 9);
      await screenshot(page, 'report-budget.png');
    } finally {
      await page.close();
    }
  });
});
