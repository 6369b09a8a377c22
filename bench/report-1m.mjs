#!/usr/bin/env node
// Benchmark: how fast a report of a 1,000,000-sample profile opens in headless Chromium: the time from navigation to
// the first paint that shows the flame graph (median of fresh page loads), how long building the file takes and how
// large it is, next to a 10,000-sample profile made the same way, measured in the same run: the page loads of the two
// sizes alternate (10k, 1M, 10k, 1M, …), so a burst of load on the shared machine falls on both, and the 1M/10k
// first-paint ratio (the median of each round's ratio) is printed and recorded. Writes bench/results/report-1m.md.
//
//   npm run build && node bench/report-1m.mjs [--runs 5] [--sizes 10000,1000000] [--keep DIR] [--no-write]
//
// The profile is synthetic but shaped like a real one and complete like one: ~3,000 distinct frames in 80 files,
// stacks 8-70 deep that share their upper part (each function calls a few others, the first ones most often), some
// native leaves; its function and line tables are computed from those stacks by the importer the sample mode uses,
// and every file has source text, so the page builds the source view, the function table and the flame graph.
//
// "First paint" is the page's own measurement (src/report/front/main.ts): the whole page, flame graph included, is
// built in one task; the first Paint Timing entry after the flame graph's draw is when it reached the screen (a
// requestAnimationFrame callback runs before that paint, which is why it is not used).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildReport } from '../dist/src/report/build.js';
import { profileFromStacks } from '../dist/src/profile/import/stacks.js';
// The same seeded generator the budget's bootstrap uses, so every run benchmarks the same profile.
import { seededRandom as rng } from '../dist/src/budget/stats.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '10000,1000000' },
    keep: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const SIZES = values.sizes.split(',').map(Number);
const CHROMIUM = process.env.VECPROF_CHROMIUM ?? '/usr/bin/chromium';
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'report-1m.md');
const FILES = 80;
const FILE_LINES = 450;

const fileOf = (k) => `/home/user/project/pkg/module_${k}.py`;

function syntheticStacks(totalSamples, seed = 1) {
  const rand = rng(seed);
  const FRAMES = 3000;
  const frames = [];
  for (let i = 0; i < FRAMES; i++) {
    const native = i % 7 === 6;
    frames.push(
      native
        ? { name: ['PyArray_Scalar', 'array_subscript', 'DOUBLE_add', 'cblas_dgemm', 'memcpy', 'PyObject_GetAttr'][i % 6] + `_${i}`, file: '/usr/lib/python3/libpython.so', line: 0, native: true }
        : { name: `func_${i}`, file: fileOf(i % FILES), line: 10 + (i % 400), native: false },
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
  return { frames, stacks, intervalSeconds: 0.01 };
}

/** A profile as sample mode makes one: functions and lines from the stacks, the run's metadata, its RSS. */
export function syntheticProfile(totalSamples, seed = 1) {
  const samples = syntheticStacks(totalSamples, seed);
  const durationSeconds = totalSamples * samples.intervalSeconds;
  const profile = profileFromStacks(samples, {
    tool: 'py-spy 0.4.2 (+ --native at 25 Hz)',
    mode: 'sample',
    command: ['synthetic.py'],
    startedAt: new Date(0).toISOString(),
    durationSeconds,
    exitStatus: 0,
    python: { executable: '/usr/bin/python3', version: '3.11.7', numpy: '2.4.6' },
  });
  profile.meta.rss = { startBytes: 30e6, endBytes: 410e6, peakBytes: 520e6, peakChildrenBytes: null };
  return profile;
}

/** Source text for the 80 files, so the page has a source view to build (450 lines each, like a real module). */
function syntheticSources() {
  const sources = {};
  for (let k = 0; k < FILES; k++) {
    const lines = ['import numpy as np', '', ''];
    while (lines.length < FILE_LINES) {
      const n = lines.length;
      if (n % 25 === 3) lines.push('', `def func_${k}_${n}(a, b, out):`, '    """Combine two arrays element by element."""');
      else if (n % 7 === 0) lines.push(`    for i in range(len(a)):  # loop ${n}`);
      else lines.push(`        out[i] = a[i] * ${n % 13}.0 + b[i] - np.float64(${n % 5})`);
    }
    sources[fileOf(k)] = lines.join('\n') + '\n';
  }
  return sources;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One fresh page load of a report: its first paint, flame draw, a search's redraw and how the paint was timed. */
async function loadOnce(browser, file) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => globalThis.vecprofReport?.ready === true || globalThis.vecprofReport?.error, null, { timeout: 120_000 });
  const status = await page.evaluate(() => globalThis.vecprofReport);
  if (errors.length > 0 || status.error) throw new Error(`the report failed: ${status.error ?? errors.join('; ')}`);
  // One search over every frame name and the redraw it causes, synchronously inside the input handler.
  const search = await page.evaluate(() => {
    const input = document.querySelector('input.flame-search');
    input.value = 'func_1';
    const t0 = performance.now();
    input.dispatchEvent(new Event('input'));
    return performance.now() - t0;
  });
  await page.close();
  return { paint: status.flameFirstRenderMs, draw: status.flameDrawnMs, search, method: status.flameFirstRenderBy };
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
const loadAtStart = load();
const started = new Date();
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'vecprof-bench-report-'));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const chromiumVersion = browser.version();
const sources = syntheticSources();
const results = [];
/** Per size, its page loads in round order: round i loads every size once, one after the other. */
const loads = new Map(SIZES.map((s) => [s, []]));
try {
  for (const samples of SIZES) {
    const profile = syntheticProfile(samples);
    const builds = [];
    let html = '';
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      html = buildReport({ title: `synthetic ${samples} samples`, createdAt: new Date().toISOString(), profile, sources });
      builds.push(performance.now() - t0);
    }
    const file = join(dir, `report-${samples}.html`);
    writeFileSync(file, html);
    const data = JSON.parse(/id="vecprof-data">([\s\S]*?)<\/script>/.exec(html)[1]);
    results.push({
      file,
      samples,
      stacks: profile.samples.stacks.length,
      nodes: data.flame.frame.length,
      functions: profile.functions.length,
      lines: profile.lines.length,
      sourceFiles: data.files.filter((f) => f.text !== null).length,
      bytes: statSync(file).size,
      buildMs: median(builds),
    });
  }
  for (let i = 0; i < RUNS; i++) for (const r of results) loads.get(r.samples).push(await loadOnce(browser, r.file));
  for (const r of results) {
    const l = loads.get(r.samples);
    Object.assign(r, {
      paintMs: median(l.map((x) => x.paint)),
      paints: l.map((x) => x.paint),
      drawMs: median(l.map((x) => x.draw)),
      searchMs: median(l.map((x) => x.search)),
      methods: [...new Set(l.map((x) => x.method))],
    });
  }
} finally {
  await browser.close();
  if (values.keep === undefined) rmSync(dir, { recursive: true, force: true });
}

const ms = (x) => `${x.toFixed(0)} ms`;
const int = (n) => n.toLocaleString('en-US');
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; Chromium ${chromiumVersion} (headless, ${CHROMIUM})`;
const table = [
  '| samples | distinct stacks | tree nodes | functions | lines | source files | file size | build | flame drawn | **first paint** (each load) | search + redraw |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${int(r.samples)} | ${int(r.stacks)} | ${int(r.nodes)} | ${int(r.functions)} | ${int(r.lines)} | ${r.sourceFiles} | ${(r.bytes / 1048576).toFixed(1)} MiB | ${ms(r.buildMs)} | ${ms(r.drawMs)} | **${ms(r.paintMs)}** (${r.paints.map((t) => t.toFixed(0)).join(', ')}) | ${ms(r.searchMs)} |`,
  ),
];
const large = results.find((r) => r.samples === 1_000_000);
const small = results.find((r) => r.samples === 10_000);
// Each round loaded both pages one after the other: the median of the rounds' ratios, and their range.
const roundRatios = large && small ? large.paints.map((p, i) => p / small.paints[i]) : [];
const ratioLine =
  roundRatios.length > 0
    ? `First paint, 1M over 10k samples, loaded alternately in ${RUNS} rounds: **${median(roundRatios).toFixed(2)}×** (median of the rounds' ratios; ${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)}×), ${ms(large.paintMs)} vs ${ms(small.paintMs)}.`
    : '';
const report = [
  '# vecprof report: opening a 1,000,000-sample profile',
  '',
  `Run ${started.toISOString()}. Machine: ${machine}. Load average (1 / 5 / 15 min) at the start ${loadAtStart}, at the end ${load()}; the machine is shared with other engineers' builds and tests, so absolute times are pessimistic and vary between runs.`,
  '',
  `\`node bench/report-1m.mjs\`: medians of ${RUNS} fresh page loads (and ${RUNS} builds), the sizes' loads alternating round by round. "flame drawn": navigation start to the end of the flame graph's first canvas draw (the summary, source view and tables are built before it, in the same task); "first paint": navigation start to the first paint after that draw (${[...new Set(results.flatMap((r) => r.methods))].map((m) => (m === 'paint' ? 'a Paint Timing entry' : 'the frame after the painted one')).join(' / ')}). "build": the models to the HTML string in Node (assemble, call tree, JSON). Functions and lines come from the stacks through the importer sample mode uses; every file has 450 lines of source.`,
  '',
  ...table,
  '',
  large ? `The 1M-sample report is on screen after ${ms(large.paintMs)}: ${((large.paintMs / 2000) * 100).toFixed(0)} % of the 2 s budget.` : '',
  '',
  ratioLine,
  '',
].join('\n');
console.log(report);
if (!values['no-write']) {
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, report);
  console.log(`wrote ${RESULTS}`);
}
