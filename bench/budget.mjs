#!/usr/bin/env node
// Proof for `vecprof budget` (issue 2): agreement with `python3 -m timeit`, time inside timed regions,
// stability of the DRAM plateau over three default runs back to back, and the default run's wall time.
// Usage: npm run build && node bench/budget.mjs [--runs 3]   (writes bench/results/budget.md)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'vecprof.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function defaultRun(i) {
  const out = mkdtempSync(join(tmpdir(), `vecprof-bench-budget-${i}-`));
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, '--quiet', 'budget', '--out', out], { encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`budget run ${i} failed (${r.status}): ${r.stderr}`);
  return { wall, result: JSON.parse(readFileSync(join(out, 'budget.json'), 'utf8')), out };
}

/** `python3 -m timeit` prints "N loops, best of R: X usec per loop". */
function timeit(setup, stmts) {
  const text = execFileSync('python3', ['-m', 'timeit', '-r', '7', '-s', setup, ...stmts], { encoding: 'utf8' });
  const m = /best of \d+: ([\d.]+) (nsec|usec|msec|sec) per loop/.exec(text);
  if (!m) throw new Error(`unexpected timeit output: ${text}`);
  const scale = { nsec: 1, usec: 1e3, msec: 1e6, sec: 1e9 }[m[2]];
  return Number(m[1]) * scale;
}

const runs = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(defaultRun(i));
  process.stderr.write(`run ${i + 1}/${RUNS}: ${runs.at(-1).wall.toFixed(1)} s\n`);
}

// Agreement: timeit runs after all the default runs have finished (not between them), on the same statements and
// the same kind of data; it is compared with the first run's medians.
const agreement = [];
for (const exponent of [8, 16, 20]) {
  const n = 2 ** exponent;
  const setup = `import numpy as np; a = np.random.default_rng(1).random(${n})`;
  const loop = timeit(setup, ['total = 0.0', 'for x in a: total += x']);
  const sum = timeit(setup, ['a.sum()']);
  const cells = runs[0].result.cells.filter((c) => c.exponent === exponent);
  const ours = Object.fromEntries(cells.map((c) => [c.kernel, c.wall]));
  agreement.push({ exponent, loop, sum, oursLoop: ours.loop, oursSum: ours.numpy });
}

const plateau = (r) => r.derived.plateaus.find((p) => p.regime === 'DRAM')?.ratio ?? NaN;
const dram = runs.map((r) => plateau(r.result));
const spread = (Math.max(...dram) - Math.min(...dram)) / median(dram);
const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const pct = (a, b) => `${((a / b - 1) * 100 >= 0 ? '+' : '')}${((a / b - 1) * 100).toFixed(1)} %`;

const lines = [];
lines.push(`Machine: ${cpus()[0].model}, ${cpus().length} CPUs; load average at end ${loadavg()[0].toFixed(2)}; ${new Date().toISOString()}`);
lines.push('');
lines.push('| size | statement | timeit best of 7 | vecprof median | vecprof min | median vs timeit |');
lines.push('|---|---|---|---|---|---|');
for (const a of agreement) {
  lines.push(`| 2^${a.exponent} | loop | ${fmt(a.loop)} | ${fmt(a.oursLoop.median)} | ${fmt(a.oursLoop.min)} | ${pct(a.oursLoop.median, a.loop)} |`);
  lines.push(`| 2^${a.exponent} | a.sum() | ${fmt(a.sum)} | ${fmt(a.oursSum.median)} | ${fmt(a.oursSum.min)} | ${pct(a.oursSum.median, a.sum)} |`);
}
lines.push('');
lines.push('| run | wall | inside timed regions | DRAM plateau | crossover | loop ns/element | NumPy per call |');
lines.push('|---|---|---|---|---|---|---|');
runs.forEach((r, i) => {
  const d = r.result.derived;
  const cross = d.crossover ? `${d.crossover.kind === 'at' ? '≈' : d.crossover.kind === 'below' ? '<' : '>'} ${d.crossover.size.toFixed(1)}` : '–';
  lines.push(
    `| ${i + 1} | ${r.wall.toFixed(1)} s | ${(100 * r.result.timing.efficiency).toFixed(0)} % | ${plateau(r.result).toFixed(1)}× | ${cross} | ${d.loopPerElementNs.toFixed(1)} | ${fmt(d.numpyPerCallNs)} |`,
  );
});
lines.push('');
lines.push(`DRAM plateau spread over ${RUNS} runs: ${(spread * 100).toFixed(1)} % of the median (target ≤ 15 %).`);
const worst = Math.max(...agreement.flatMap((a) => [Math.abs(a.oursLoop.median / a.loop - 1), Math.abs(a.oursSum.median / a.sum - 1)]));
lines.push(`Largest disagreement with timeit: ${(worst * 100).toFixed(1)} % (target ≤ 15 %).`);
lines.push(`Slowest default run: ${Math.max(...runs.map((r) => r.wall)).toFixed(1)} s (target ≤ 90 s); lowest share inside timed regions: ${(100 * Math.min(...runs.map((r) => r.result.timing.efficiency))).toFixed(0)} % (target ≥ 60 %).`);

const report = lines.join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'budget.md'), `${report}\n`);
process.stdout.write(`${report}\n`);
