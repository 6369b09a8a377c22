#!/usr/bin/env node
// Overhead of lines and memory modes: profiled / plain, per workload, rounds interleaved, medians of ROUNDS.
//   node bench/lines-memory-overhead.js [--rounds 5] [--python python3]
// Three ratios per cell: the workload's own process CPU time (all threads, so the sampler's work counts, but not the
// time the VM gave to other processes), its perf_counter time (what a user's loop feels), and the whole process wall
// (interpreter start and NumPy import included). References: a plain sys.settrace line tracer and cProfile.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HERE = join(ROOT, 'bench', 'lines-memory');
const HELPERS = join(ROOT, 'python');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const rounds = Number(option('--rounds', '5'));
const python = option('--python', process.env.VECPROF_PYTHON ?? 'python3');
const scratch = mkdtempSync(join(tmpdir(), 'vecprof-bench-'));

const workloads = [
  { name: 'element loop in a function (1M float64)', script: 'element_loop.py', args: ['1000000'] },
  { name: 'element loop at module level (1M float64)', script: 'element_loop.py', args: ['1000000', 'module'] },
  { name: 'NumPy kernels (4M float64 x 8)', script: 'kernels.py', args: ['4000000', '8'] },
  { name: 'small-array ops (200k, 3 elements)', script: 'small_arrays.py', args: ['200000'] },
];

const launcher = (helper, extra = []) => (script, args) => [join(HELPERS, helper), ...extra, '--script', script, '--', ...args];
const modes = {
  plain: (script, args) => [script, ...args],
  lines: launcher('vecprof_lines.py'),
  'lines, no sampler': launcher('vecprof_lines.py', ['--interval', '1000']),
  memory: launcher('vecprof_memory.py'),
  'memory (tracemalloc)': launcher('vecprof_memory.py', ['--mechanism', 'tracemalloc']),
  'settrace tracer (reference)': (script, args) => [join(HERE, 'settrace_lines.py'), script, ...args],
  'cProfile (reference)': (script, args) => ['-m', 'cProfile', '-o', join(scratch, 'out.prof'), script, ...args],
};

function runOnce(argv) {
  const started = process.hrtime.bigint();
  const r = spawnSync(python, argv, { cwd: HERE, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const match = /BENCH (\d+\.\d+) (\d+\.\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !match) throw new Error(`${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-400)}`);
  return { work: Number(match[1]), cpu: Number(match[2]), wall };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const results = [];
for (const w of workloads) {
  const samples = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  for (let r = 0; r < rounds; r += 1) {
    for (const [mode, argv] of Object.entries(modes)) samples[mode].push(runOnce(argv(join(HERE, w.script), w.args)));
    process.stderr.write(`${w.name}: round ${r + 1}/${rounds}\n`);
  }
  // Ratios per round (profiled and plain ran side by side), then the median of those ratios.
  for (const mode of Object.keys(modes)) {
    const workRatio = median(samples[mode].map((s, i) => s.work / samples.plain[i].work));
    const cpuRatio = median(samples[mode].map((s, i) => s.cpu / samples.plain[i].cpu));
    const wallRatio = median(samples[mode].map((s, i) => s.wall / samples.plain[i].wall));
    results.push({ workload: w.name, mode, work: median(samples[mode].map((s) => s.work)), cpuRatio, workRatio, wallRatio });
  }
}
rmSync(scratch, { recursive: true, force: true });

const version = spawnSync(python, ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], { encoding: 'utf8' }).stdout.trim();
process.stdout.write(`Python/NumPy ${version}; ${rounds} interleaved rounds; medians of per-round ratios\n\n`);
process.stdout.write('| workload | mode | workload s (median) | workload CPU ratio | workload wall ratio | process wall ratio |\n|---|---|---:|---:|---:|---:|\n');
for (const r of results) {
  process.stdout.write(`| ${r.workload} | ${r.mode} | ${r.work.toFixed(3)} | ${r.cpuRatio.toFixed(2)}x | ${r.workRatio.toFixed(2)}x | ${r.wallRatio.toFixed(2)}x |\n`);
}
