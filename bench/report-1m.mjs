#!/usr/bin/env node
// Benchmark: how fast a report of a 1,000,000-sample profile opens in headless Chromium (time to the first render of
// the flame graph, median of 5 fresh page loads), how long building it takes, and how large the file is, next to a
// 10,000-sample profile made the same way, measured in the same run.
//
//   npm run build && node bench/report-1m.mjs [--runs 5] [--keep DIR]
//
// The profile is synthetic but shaped like a real one: ~3,000 distinct frames in 80 files, stacks 8-70 deep that
// share their upper part (each function calls a few others, the first ones most often), some native leaves.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildReport } from '../dist/src/report/build.js';
// The same seeded generator the budget's bootstrap uses, so every run benchmarks the same profile.
import { seededRandom as rng } from '../dist/src/budget/stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, keep: { type: 'string' } } });
const RUNS = Number(values.runs);
const CHROMIUM = process.env.VECPROF_CHROMIUM ?? '/usr/bin/chromium';


export function syntheticProfile(totalSamples, seed = 1) {
  const rand = rng(seed);
  const FRAMES = 3000;
  const frames = [];
  for (let i = 0; i < FRAMES; i++) {
    const native = i % 7 === 6;
    frames.push(
      native
        ? { name: ['PyArray_Scalar', 'array_subscript', 'DOUBLE_add', 'cblas_dgemm', 'memcpy', 'PyObject_GetAttr'][i % 6] + `_${i}`, file: '/usr/lib/python3/libpython.so', line: 0, native: true }
        : { name: `func_${i}`, file: `/home/user/project/pkg/module_${i % 80}.py`, line: 10 + (i % 400), native: false },
    );
  }
  // Each frame calls 2-5 others; callee k is chosen with weight 1/(k+1), so some paths are hot and most are cold.
  const callees = frames.map(() => Array.from({ length: 2 + Math.floor(rand() * 4) }, () => Math.floor(rand() * FRAMES)));
  const pick = (list) => {
    const weights = list.map((_, k) => 1 / (k + 1));
    let r = rand() * weights.reduce((s, w) => s + w, 0);
    for (let k = 0; k < list.length; k++) if ((r -= weights[k]) <= 0) return list[k];
    return list[list.length - 1];
  };
  const stacks = [];
  let left = totalSamples;
  while (left > 0) {
    const depth = 8 + Math.floor(rand() * rand() * 62);
    const path = [0];
    for (let d = 1; d < depth; d++) path.push(pick(callees[path[d - 1]]));
    const weight = Math.min(left, 1 + Math.floor(rand() * 12));
    stacks.push({ frames: path, weight });
    left -= weight;
  }
  return {
    version: 1,
    meta: { mode: 'sample', passes: [], command: ['python', 'synthetic.py'], startedAt: new Date(0).toISOString(), durationSeconds: totalSamples / 100, exitStatus: 0 },
    functions: [],
    lines: [],
    samples: { frames, stacks, intervalSeconds: 0.01 },
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function measure(browser, file) {
  const times = [];
  const searches = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => globalThis.vecprofReport?.ready === true || globalThis.vecprofReport?.error, null, { timeout: 60_000 });
    const status = await page.evaluate(() => globalThis.vecprofReport);
    if (errors.length > 0 || status.error) throw new Error(`the report failed: ${status.error ?? errors.join('; ')}`);
    times.push(status.flameFirstRenderMs);
    // One search over every frame name and the redraw it causes, synchronously inside the input handler.
    searches.push(
      await page.evaluate(() => {
        const input = document.querySelector('input.flame-search');
        input.value = 'func_1';
        const t0 = performance.now();
        input.dispatchEvent(new Event('input'));
        return performance.now() - t0;
      }),
    );
    await page.close();
  }
  return { times, searches };
}

const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'vecprof-bench-report-'));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
try {
  for (const samples of [10_000, 1_000_000]) {
    const profile = syntheticProfile(samples);
    const builds = [];
    let html = '';
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      html = buildReport({ title: `synthetic ${samples} samples`, createdAt: new Date().toISOString(), profile, sources: {} });
      builds.push(performance.now() - t0);
    }
    const file = join(dir, `report-${samples}.html`);
    writeFileSync(file, html);
    const nodes = JSON.parse(/id="vecprof-data">([\s\S]*?)<\/script>/.exec(html)[1]).flame.frame.length;
    const { times: renders, searches } = await measure(browser, file);
    results.push({ samples, stacks: profile.samples.stacks.length, nodes, bytes: statSync(file).size, buildMs: median(builds), renderMs: median(renders), renders, searchMs: median(searches) });
  }
} finally {
  await browser.close();
  if (values.keep === undefined) rmSync(dir, { recursive: true, force: true });
}

const fmt = (ms) => `${ms.toFixed(0)} ms`;
console.log(`report benchmark: median of ${RUNS} runs; headless Chromium ${CHROMIUM}; ${new Date().toISOString()}`);
console.log('samples     distinct stacks  tree nodes  file size  build    search+redraw  first flame render (runs)');
for (const r of results) {
  console.log(
    `${String(r.samples).padEnd(11)} ${String(r.stacks).padEnd(16)} ${String(r.nodes).padEnd(11)} ${(r.bytes / 1048576).toFixed(1).padStart(6)} MiB ${fmt(r.buildMs).padStart(7)}  ${fmt(r.searchMs).padStart(13)}  ${fmt(r.renderMs).padStart(7)} (${r.renders.map((t) => t.toFixed(0)).join(', ')})`,
  );
}
const [small, large] = results;
console.log(`1M / 10k: first render ${(large.renderMs / small.renderMs).toFixed(2)}×, build ${(large.buildMs / small.buildMs).toFixed(1)}×, size ${(large.bytes / small.bytes).toFixed(1)}×`);
console.log(`1M-sample first render against the 2 s budget: ${(large.renderMs / 2000).toFixed(2)} of it`);
