#!/usr/bin/env node
// Overhead of `vecprof profile` (issue 4): profiled wall / plain wall, every mode beside `python -m cProfile`, on an
// element-loop workload and a NumPy-kernel workload. All configurations run interleaved, round by round, so a change
// in machine load hits them alike; each figure is the median of the rounds.
//
// "program wall" is what the user's program costs under the profiler: spawn to exit of the profiled Python process,
// as vecprof's launcher measures it (meta.passes[].wallSeconds; auto sums its passes, since it runs the program once
// per pass). "command wall" adds vecprof's own start-up (Node, finding Python and py-spy) and the analysis.
// "CPU" is the program's user + system time (in-process profilers included) plus, in sample mode, the CPU of both
// py-spy processes while they sampled. On a shared, loaded machine the wall figures swing by ±10–30 % from run to run.
//
// Sample mode adds two columns. "gate": how long the launcher held the program before its first line while the
// native py-spy took its first sample (profiler start-up: in the command wall, not the program wall). "stopped": the
// program wall minus its main thread's time on a CPU and waiting for one (/proc/self/schedstat): these workloads never
// sleep, so that is the time py-spy kept them stopped, and unlike the wall it does not move with the machine's load.
// "py-spy --native, directly" is `py-spy record --native --subprocesses -- python script` (what vecprof ran before):
// its wall runs until py-spy has also written its (raw) file, a few ms.
//
// Usage: npm run build && node bench/profile-overhead.mjs [--rounds 5]   (writes bench/results/profile-overhead.md)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOAD_BODIES } from './profile-workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'vecprof.js');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const PYTHON = process.env.VECPROF_PYTHON ?? 'python3';

const WORKLOADS = Object.fromEntries(Object.entries(WORKLOAD_BODIES).map(([name, body]) => [name, `import numpy as np\n${body}`]));

// Each vecprof configuration: its name in the table and the words after `vecprof profile`.
const MODES = { cpu: ['--mode', 'cpu'], sample: ['--mode', 'sample'], 'sample --no-native': ['--mode', 'sample', '--no-native'], lines: ['--mode', 'lines'], memory: ['--mode', 'memory'], auto: [] };
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timed(cmd, args) {
  const started = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { wall, stdout: r.stdout, stderr: r.stderr };
}

// Runs a Python command under a parent that reports its child's wall (spawn to exit, as vecprof's launcher measures
// a profiled program) and CPU time (RUSAGE_CHILDREN) on stderr; the parent's own start-up stays out of both.
const WALL_AND_CPU_OF_CHILD = [
  'import resource,subprocess,sys,time',
  't=time.perf_counter()',
  'r=subprocess.run(sys.argv[1:])',
  'w=time.perf_counter()-t',
  'u=resource.getrusage(resource.RUSAGE_CHILDREN)',
  'sys.stderr.write("wall %r cpu %r\\n" % (w, u.ru_utime+u.ru_stime))',
  'sys.exit(r.returncode)',
].join('\n');

function withCpu(args) {
  const r = spawnSync(PYTHON, ['-c', WALL_AND_CPU_OF_CHILD, PYTHON, ...args], { encoding: 'utf8' });
  const m = /wall ([\d.e-]+) cpu ([\d.e-]+)\n$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { program: Number(m[1]), cpu: Number(m[2]) };
}

function plain(script) {
  return withCpu([script]);
}

function cprofileDirect(script, dir) {
  return withCpu(['-m', 'cProfile', '-o', join(dir, 'direct.prof'), script]);
}

// py-spy as vecprof finds it: beside the interpreter (pip puts it there), else on PATH.
const scriptsDir = execFileSync(PYTHON, ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], { encoding: 'utf8' }).trim();
const PYSPY = existsSync(join(scriptsDir, 'py-spy')) ? join(scriptsDir, 'py-spy') : 'py-spy';
const PYTHON_EXE = execFileSync(PYTHON, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

function pyspyDirect(script, dir) {
  const r = spawnSync(
    PYTHON,
    ['-c', WALL_AND_CPU_OF_CHILD, PYSPY, 'record', '--native', '--subprocesses', '--rate', '100', '--format', 'raw', '--output', join(dir, 'direct.txt'), '--', PYTHON_EXE, script],
    { encoding: 'utf8' },
  );
  const m = /wall ([\d.e-]+) cpu ([\d.e-]+)\n$/.exec(r.stderr);
  if (!m) throw new Error(`py-spy --native failed (${r.status}): ${r.stderr.slice(-2000)}`); // py-spy's own status means nothing
  return { program: Number(m[1]), cpu: Number(m[2]) };
}

/** A number a log line carries, from vecprof's JSON log on stderr. */
function logged(stderr, field) {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const v = JSON.parse(line)[field];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

function vecprof(config, script) {
  const { wall, stdout, stderr } = timed(process.execPath, [cli, '--log-level', 'debug', 'profile', ...MODES[config], '--json', script]);
  const profile = JSON.parse(stdout.slice(stdout.indexOf('{\n')));
  const passes = profile.meta.passes;
  const sum = (f) => passes.reduce((total, p) => total + (f(p) ?? 0), 0);
  return {
    program: sum((p) => p.wallSeconds),
    cpu: sum((p) => p.cpuSeconds) + sum((p) => p.profilerCpuSeconds),
    command: wall,
    passes: passes.map((p) => p.mode).join('+'),
    gate: logged(stderr, 'heldSeconds'),
    stopped: logged(stderr, 'offCpuSeconds'),
  };
}

const loadAtStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'vecprof-bench-profile-'));
const configs = ['plain', 'python -m cProfile', 'py-spy --native, directly', ...Object.keys(MODES)];
const results = {};
try {
  for (const [name, source] of Object.entries(WORKLOADS)) {
    const script = join(dir, `${name.replace(/\W+/g, '_')}.py`);
    writeFileSync(script, source);
    results[name] = Object.fromEntries(configs.map((c) => [c, []]));
    plain(script); // warm the page cache and NumPy's import
    for (let round = 0; round < ROUNDS; round++) {
      for (const config of configs) {
        const r =
          config === 'plain' ? plain(script) : config === 'python -m cProfile' ? cprofileDirect(script, dir) : config === 'py-spy --native, directly' ? pyspyDirect(script, dir) : vecprof(config, script);
        results[name][config].push(r);
        process.stderr.write(`${name} round ${round + 1}/${ROUNDS} ${config}: ${r.program.toFixed(3)} s, cpu ${r.cpu.toFixed(3)} s${r.command ? ` (command ${r.command.toFixed(3)} s)` : ''}\n`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const TARGETS = { sample: 1.05, 'sample --no-native': 1.05, lines: 3, memory: 3 };
const lines = [
  '# vecprof profile: overhead',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical CPUs, shared; load average (1 / 5 / 15 min) at the start ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')}.`,
  `Python: \`${PYTHON}\`, py-spy: \`${PYSPY}\`. ${ROUNDS} rounds, configurations interleaved within each round; medians.`,
  '',
  'program wall: spawn to exit of the process that runs the program (auto: its passes added up); in sample mode without the gate. ' +
    'gate: how long sample mode held the program before its first line while py-spy --native took its first sample (profiler start-up, in the command wall). ' +
    'stopped: program wall minus the main thread\'s time on a CPU and waiting for one; these workloads never sleep, so it is the time py-spy kept them stopped, and it does not move with the load. ' +
    'CPU: the program\'s user + system time plus, in sample mode, both py-spy processes\'. command wall: the whole vecprof command.',
  '',
];
for (const [name, byConfig] of Object.entries(results)) {
  const base = median(byConfig.plain.map((r) => r.program));
  const baseCpu = median(byConfig.plain.map((r) => r.cpu));
  const cprof = median(byConfig['python -m cProfile'].map((r) => r.cpu)) / baseCpu;
  lines.push(
    `## ${name} (plain run: ${base.toFixed(3)} s wall, ${baseCpu.toFixed(3)} s CPU)`,
    '',
    '| configuration | passes | program wall (s) | wall overhead | CPU (s) | CPU overhead | command wall (s) | gate (ms) | stopped (ms) | target |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const config of configs) {
    const runs = byConfig[config];
    const program = median(runs.map((r) => r.program));
    const command = runs[0].command === undefined ? '' : median(runs.map((r) => r.command)).toFixed(3);
    const target = config === 'cpu' ? `≤ cProfile (${cprof.toFixed(2)}×)` : TARGETS[config] && (config !== 'lines' || name === 'element loop') ? `≤ ${TARGETS[config]}×` : '';
    const cpu = median(runs.map((r) => r.cpu));
    const ms = (f) => (config.startsWith('sample') && runs.every((r) => f(r) !== undefined) ? (median(runs.map(f)) * 1000).toFixed(1) : '');
    lines.push(
      `| ${config} | ${runs[0].passes ?? ''} | ${program.toFixed(3)} | ${(program / base).toFixed(2)}× | ${cpu.toFixed(3)} | ${(cpu / baseCpu).toFixed(2)}× | ${command} | ${ms((r) => r.gate)} | ${ms((r) => r.stopped)} | ${target} |`,
    );
  }
  lines.push('');
}
const report = lines.join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'profile-overhead.md'), `${report}\n`);
process.stdout.write(`${report}\n`);
