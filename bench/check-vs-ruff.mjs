#!/usr/bin/env node
// vecprof check vs ruff on the installed scipy package's Python sources, side by side in one run.
// Runs are interleaved (ruff, vecprof cold, vecprof warm, vecprof --no-cache, vecprof --full-parse, repeat) so a busy machine hurts
// every tool alike; medians of N. Wall and CPU time and peak RSS come from /usr/bin/time when present; without
// it, wall time is measured here and peak RSS is the CLI's own report (--log-level debug, maxRssKiB).
//   node bench/check-vs-ruff.mjs [--runs 5] [--dir PATH]
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'vecprof.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('--runs', '5'));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function scipyDir() {
  return execFileSync('python3', ['-c', 'import scipy, os; print(os.path.dirname(scipy.__file__))'], { encoding: 'utf8' }).trim();
}

function ruffCommand() {
  for (const cmd of [['ruff'], ['python3', '-m', 'ruff']]) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8' });
    if (r.status === 0) return { cmd, version: r.stdout.trim() };
  }
  console.error('ruff not found: installing it with python3 -m pip install ruff');
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', 'ruff'], { stdio: 'inherit' });
  const r = spawnSync('python3', ['-m', 'ruff', '--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('ruff could not be installed');
  return { cmd: ['python3', '-m', 'ruff'], version: r.stdout.trim() };
}

/** One timed run: wall seconds, CPU seconds (user+sys, children included), peak RSS in MiB. */
function timed(argv, env = {}) {
  const out = join(tmpdir(), `vecprof-bench-time-${process.pid}.txt`);
  const full = TIME ? [TIME, '-o', out, '-f', '%e %U %S %M', ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(full[0], full.slice(1), { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  let cpu = NaN;
  let rss = NaN;
  if (TIME) {
    const [, user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpu = user + sys;
    rss = kb / 1024;
    rmSync(out, { force: true });
  }
  const debug = r.stderr.split('\n').filter((l) => l.includes('"check: done"')).map((l) => JSON.parse(l))[0];
  if (debug && Number.isNaN(rss)) rss = debug.maxRssKiB / 1024;
  return { wall, cpu, rss, debug, stdout: r.stdout };
}

const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const dir = opt('--dir', scipyDir());
const ruff = ruffCommand();
const warmCache = mkdtempSync(join(tmpdir(), 'vecprof-bench-warm-'));
const vecprof = (extra) => ['node', CLI, '--log-level', 'debug', 'check', '--output-format', 'json', ...extra, dir];
console.log(`scipy sources: ${dir}`);
console.log(`ruff: ${ruff.version}; node ${process.version}; runs: ${RUNS}; timing: ${TIME ? '/usr/bin/time' : 'wall clock only'}`);

// Warm-up: fill the warm cache and the OS page cache.
timed(vecprof([]), { VECPROF_CACHE_DIR: warmCache });
timed([...ruff.cmd, 'check', '--no-cache', '--select', 'PERF,NPY', dir]);

const results = { ruff: [], cold: [], warm: [], nocache: [], full: [] };
let summary;
for (let i = 0; i < RUNS; i++) {
  results.ruff.push(timed([...ruff.cmd, 'check', '--no-cache', '--select', 'PERF,NPY', dir]));
  const coldDir = mkdtempSync(join(tmpdir(), 'vecprof-bench-cold-'));
  const cold = timed(vecprof([]), { VECPROF_CACHE_DIR: coldDir });
  rmSync(coldDir, { recursive: true, force: true });
  results.cold.push(cold);
  results.warm.push(timed(vecprof([]), { VECPROF_CACHE_DIR: warmCache }));
  results.nocache.push(timed(vecprof(['--no-cache'])));
  // every unit of every file parsed (the behaviour before the skeleton parse): what parsing less saves
  results.full.push(timed(vecprof(['--no-cache', '--full-parse'])));
  summary ??= cold;
}
rmSync(warmCache, { recursive: true, force: true });

const row = (name, runs) => {
  const wall = median(runs.map((r) => r.wall));
  const cpu = median(runs.map((r) => r.cpu));
  const rss = median(runs.map((r) => r.rss));
  return { name, wall, cpu, rss };
};
const rows = [row('ruff --no-cache --select PERF,NPY', results.ruff), row('vecprof cold (empty cache)', results.cold), row('vecprof warm cache', results.warm), row('vecprof --no-cache', results.nocache), row('vecprof --no-cache --full-parse', results.full)];
const base = rows[0];
console.log('\n| run | wall s (median) | × ruff wall | CPU s (median) | × ruff CPU | peak RSS MiB |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.wall.toFixed(2)} | ${(r.wall / base.wall).toFixed(2)} | ${Number.isNaN(r.cpu) ? '-' : r.cpu.toFixed(2)} | ${Number.isNaN(r.cpu) ? '-' : (r.cpu / base.cpu).toFixed(2)} | ${Number.isNaN(r.rss) ? '-' : r.rss.toFixed(0)} |`);
}
const d = summary.debug ?? {};
const findings = JSON.parse(summary.stdout || '[]');
const byCode = {};
for (const f of findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
console.log(`\nvecprof: ${d.files} files, ${d.analysed} past the pre-filter, ${findings.length} findings ${JSON.stringify(byCode)}`);
const cold = rows[1];
const warm = rows[2];
const peak = Math.max(...[...results.cold, ...results.warm, ...results.nocache].map((r) => r.rss).filter((x) => !Number.isNaN(x)));
console.log(`targets: cold ≤ 2× ruff wall: ${(cold.wall / base.wall).toFixed(2)}× ${cold.wall <= 2 * base.wall ? 'MET' : 'MISSED'}; ` +
  `warm < ruff: ${(warm.wall / base.wall).toFixed(2)}× ${warm.wall < base.wall ? 'MET' : 'MISSED'}; ` +
  `peak RSS ≤ 300 MB: ${peak.toFixed(0)} MiB ${peak <= 300 ? 'MET' : 'MISSED'}`);
