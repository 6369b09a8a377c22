// How long drawing a sweep plot takes: importing the plot module (fresh processes), rendering the SVG,
// and rasterising it to PNG, each a median, side by side in one run. Also writes the sample plot so a person
// can look at it:  node dist/bench/plot.js [OUT_DIR]   (default /tmp: sample-plot.svg, sample-plot.png)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { SweepPlotSpec } from '../src/render/plot.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLOT_MODULE = new URL('../src/render/plot.js', import.meta.url).href;
const outDir = process.argv[2] ?? '/tmp';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeEach(times: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Import cost as the CLI would pay it: a fresh Node process each time. */
function importMs(): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(PLOT_MODULE)}); process.stdout.write(String(performance.now() - t0));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

const imports = Array.from({ length: 7 }, importMs);
const { renderSweepSvg, svgToPng } = await import(PLOT_MODULE);
const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/render/sum-sweep.json'), 'utf8')) as SweepPlotSpec;

const firstSvgStart = performance.now();
let svg = renderSweepSvg(spec);
const firstSvg = performance.now() - firstSvgStart;
const firstPngStart = performance.now();
let png = svgToPng(svg);
const firstPng = performance.now() - firstPngStart;

const svgTimes = timeEach(20, () => (svg = renderSweepSvg(spec)));
const pngTimes = timeEach(20, () => (png = svgToPng(svg)));
const png1xTimes = timeEach(20, () => svgToPng(svg, { width: 760 }));

writeFileSync(join(outDir, 'sample-plot.svg'), svg);
writeFileSync(join(outDir, 'sample-plot.png'), png);

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const lines = [
  `import of render/plot.js (fresh process, median of ${imports.length}): ${fmt(median(imports))}`,
  `first SVG ${fmt(firstSvg)}, first PNG ${fmt(firstPng)} (includes loading resvg and the font)`,
  `SVG render (median of 20): ${fmt(median(svgTimes))}  [${(svg.length / 1024).toFixed(0)} KiB]`,
  `PNG 1520×1280 (median of 20): ${fmt(median(pngTimes))}  [${(png.length / 1024).toFixed(0)} KiB]  = ${(median(pngTimes) / median(svgTimes)).toFixed(1)}× the SVG`,
  `PNG 760×640 (median of 20): ${fmt(median(png1xTimes))}`,
  `wrote ${join(outDir, 'sample-plot.svg')} and ${join(outDir, 'sample-plot.png')}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
