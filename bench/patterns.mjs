#!/usr/bin/env node
// Run-time targets of issue 6, measured through the CLI as a user runs it: `vecprof budget --pattern all` within
// 5 minutes, `--pattern all --quick` within 60 s; `--pitfalls` (and `--quick`) timed alongside. Prints each wall
// time and writes bench/results/patterns.md with the machine, the load average before and after, and the date.
//
// Usage: npm run build && node bench/patterns.mjs
//        node bench/patterns.mjs --smoke   (or VECPROF_BENCH_SMOKE=1): one quick pattern only, a check that the
//        script works; its report goes to a temporary directory, never over bench/results/patterns.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'vecprof.js');
const smoke = process.argv.includes('--smoke') || process.env.VECPROF_BENCH_SMOKE === '1';

/** name, arguments after `vecprof budget`, the target in seconds (null: timed, no target). */
const RUNS = smoke
  ? [{ name: 'smoke: --pattern where --quick', args: ['--pattern', 'where', '--quick'], target: 60 }]
  : [
      { name: '--pattern all', args: ['--pattern', 'all'], target: 300 },
      { name: '--pattern all --quick', args: ['--pattern', 'all', '--quick'], target: 60 },
      { name: '--pitfalls', args: ['--pitfalls'], target: null },
      { name: '--pitfalls --quick', args: ['--pitfalls', '--quick'], target: null },
    ];

/** Median thread CPU time / wall time over the one-thread cells: well below 100 % means other processes had the CPU. */
function onCpu(result) {
  const shares = result.cells.filter((c) => c.clock === 'thread' && c.wall.median > 0).map((c) => c.cpu.median / c.wall.median);
  if (shares.length === 0) return '–';
  const s = [...shares].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `${(100 * mid).toFixed(0)} %`;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');

function run({ name, args, target }) {
  const out = mkdtempSync(join(tmpdir(), 'vecprof-bench-patterns-'));
  const argv = [cli, '--quiet', 'budget', ...args, '--out', out];
  const loadBefore = load();
  const started = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wall = (performance.now() - started) / 1000;
  const files = readdirSync(out).filter((f) => f.endsWith('.json'));
  const results = files.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
  const verdict = r.status !== 0 ? `failed (exit ${r.status})` : target === null ? '–' : wall <= target ? 'within' : 'OVER';
  process.stderr.write(`${name}: ${wall.toFixed(1)} s${target !== null ? ` (target ≤ ${target} s: ${verdict})` : ''}, load ${loadBefore} → ${load()}\n`);
  if (r.status !== 0) process.stderr.write(r.stderr.split('\n').slice(-5).join('\n'));
  return { name, args, target, wall, status: r.status, verdict, loadBefore, loadAfter: load(), results, out };
}

const loadStart = load();
const date = new Date().toISOString();
const done = RUNS.map(run);
const loadEnd = load();

const env = done.flatMap((d) => d.results).find((r) => r.environment)?.environment;
const lines = [];
lines.push('# `vecprof budget --pattern` / `--pitfalls`: run times');
lines.push('');
lines.push(`Date: ${date}${smoke ? ' (smoke run: one quick pattern)' : ''}`);
lines.push(
  `Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}` +
    (env ? `; Python ${env.python.version}, NumPy ${env.python.numpy ?? '?'}` : ''),
);
lines.push(
  `Load average (1 / 5 / 15 min): before ${loadStart}, after ${loadEnd}. The runs are sequential; a load above the CPU count, ` +
    'or "on a CPU" well below 100 %, means other work shared the machine and the wall times are inflated.',
);
lines.push('');
lines.push('| run | wall | target | verdict | load before → after |');
lines.push('|---|---|---|---|---|');
for (const d of done) {
  lines.push(`| \`vecprof budget ${d.args.join(' ')}\` | ${d.wall.toFixed(1)} s | ${d.target !== null ? `≤ ${d.target} s` : '–'} | ${d.verdict} | ${d.loadBefore} → ${d.loadAfter} |`);
}
for (const d of done.filter((x) => x.results.some((r) => r.schema === 'vecprof.pattern/1'))) {
  lines.push('');
  lines.push(`Per pattern, \`${d.name}\` (wall time of each pattern's helper run, and the share of it inside timed regions):`);
  lines.push('');
  lines.push('| pattern | wall | timed | on a CPU | sizes | complete |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of d.results.filter((x) => x.schema === 'vecprof.pattern/1')) {
    const share = r.timing.wallSeconds > 0 ? `${((100 * r.timing.timedSeconds) / r.timing.wallSeconds).toFixed(0)} %` : '–';
    lines.push(`| ${r.name} | ${r.timing.wallSeconds.toFixed(1)} s | ${share} | ${onCpu(r)} | ${r.config.sizes.join(', ')} | ${r.complete ? 'yes' : 'no'} |`);
  }
}
lines.push('');

const resultsDir = smoke ? mkdtempSync(join(tmpdir(), 'vecprof-bench-patterns-smoke-')) : join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, 'patterns.md');
writeFileSync(file, `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\nwrote ${file}\n`);
process.exitCode = done.every((d) => d.status === 0 && d.verdict !== 'OVER') ? 0 : 1;
