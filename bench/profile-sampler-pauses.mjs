#!/usr/bin/env node
// Where sample mode's overhead goes (issue 4): how long py-spy holds the program stopped, by phase, for the ways of
// running it that vecprof has used or considered. Same two workloads as bench/profile-overhead.mjs.
//
// "held" is time the program's main thread was neither running nor waiting for a CPU: wall − on-CPU − run-queue wait,
// from /proc/self/schedstat. The workloads never sleep, so held time is time py-spy kept them stopped (ptrace), plus
// py-spy's own start-up before the program exists. Unlike wall time it does not move when other processes compete for
// the 2 cores, which on this shared machine swings wall times by ±10 %.
//
// Phases: "start-up" is spawn to the program's first line (interpreter start, the launcher), "import" is
// `import numpy`, "run" the rest. A "gate" is vecprof's wait before the program's first line while a py-spy --native
// attached by pid takes its first sample; it is reported apart and left out of the phases.
//
// Usage: node bench/profile-sampler-pauses.mjs [--rounds 5]   (writes bench/results/profile-sampler-pauses.md)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOAD_BODIES } from './profile-workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const PYTHON = process.env.VECPROF_PYTHON ?? 'python3';


// The program: optionally waits at a gate (SIGUSR1), imports NumPy (the workloads' own first line), runs the
// workload, and reports its clock and its main thread's schedstat at each phase boundary.
const RUNNER = `
import json, os, signal, sys, time
def mark():
    oncpu, rq, _ = (int(x) for x in open("/proc/self/schedstat").read().split())
    return [time.time(), oncpu / 1e9, rq / 1e9]
out = {"first": mark()}
if os.environ.get("GATE") == "1":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    open(os.environ["PIDFILE"], "w").write(str(os.getpid()))
    t = time.time()
    signal.sigtimedwait({signal.SIGUSR1}, 30)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    out["gate"] = time.time() - t
    out["after_gate"] = mark()
import numpy as np
out["imported"] = mark()
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), {"__name__": "__main__", "np": np})
sys.stdout.flush()
out["end"] = mark()
open(os.environ["RESULT"], "w").write(json.dumps(out))
`;

// name → how to run: wrapper args (py-spy record … --) and/or a native sampler attached by pid at the gate.
const record = (args) => ['record', '--format', 'raw', '--output', 'OUT', '--subprocesses', ...args, '--'];
const CONFIGS = {
  plain: {},
  'py-spy, Python frames, 100 Hz': { wrap: record(['--rate', '100']) },
  'py-spy, Python frames, 100 Hz, --nonblocking': { wrap: record(['--rate', '100', '--nonblocking']) },
  'py-spy --native 25 Hz': { wrap: record(['--rate', '25', '--native']) },
  'py-spy --native 50 Hz': { wrap: record(['--rate', '50', '--native']) },
  'py-spy --native 100 Hz (vecprof before)': { wrap: record(['--rate', '100', '--native']) },
  'py-spy --native 100 Hz, OPENBLAS_NUM_THREADS=1': { wrap: record(['--rate', '100', '--native']), env: { OPENBLAS_NUM_THREADS: '1' } },
  'py-spy --native 200 Hz': { wrap: record(['--rate', '200', '--native']) },
  'gate + py-spy --native by pid, 1 Hz': { native: 1 },
  'gate + py-spy --native by pid, 25 Hz': { native: 25 },
  'gate + py-spy --native by pid, 100 Hz': { native: 100 },
  'gate + Python frames 100 Hz --nonblocking + --native by pid 25 Hz (vecprof now)': { wrap: record(['--rate', '100', '--nonblocking']), native: 25 },
};

const python = (code) => execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' }).trim();
// As vecprof finds them: py-spy beside the interpreter (pip puts it there), else on PATH; the real interpreter binary.
const scripts = python('import sysconfig; print(sysconfig.get_path("scripts"))');
const PYSPY = existsSync(join(scripts, 'py-spy')) ? join(scripts, 'py-spy') : 'py-spy';
const PYTHON_EXE = python('import sys; print(sys.executable)');

function waitFor(path, ms) {
  return new Promise((resolve, reject) => {
    const until = Date.now() + ms;
    const poll = () => {
      if (existsSync(path) && readFileSync(path, 'utf8') !== '') resolve(Number(readFileSync(path, 'utf8')));
      else if (Date.now() > until) reject(new Error(`no ${path}`));
      else setTimeout(poll, 1);
    };
    poll();
  });
}

function exited(child) {
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

async function runOnce(config, dir, runner, script) {
  const result = join(dir, 'result.json');
  const pidfile = join(dir, 'pid');
  rmSync(result, { force: true });
  rmSync(pidfile, { force: true });
  const wrap = (config.wrap ?? []).map((a) => (a === 'OUT' ? join(dir, 'wrap.txt') : a));
  const argv = [...(config.wrap ? [PYSPY, ...wrap] : []), PYTHON_EXE, runner, script];
  const env = { ...process.env, ...config.env, RESULT: result, PIDFILE: pidfile, GATE: config.native ? '1' : '0' };
  const spawned = Date.now() / 1000;
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'ignore'] });
  const done = exited(child);
  let samplerDone;
  if (config.native) {
    const pid = await waitFor(pidfile, 20_000);
    const sampler = spawn(PYSPY, ['record', '--native', '--format', 'raw', '--output', join(dir, 'native.txt'), '--rate', String(config.native), '--subprocesses', '--pid', String(pid)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    samplerDone = exited(sampler);
    await new Promise((resolve) => {
      let text = '';
      sampler.stdout.setEncoding('utf8').on('data', (d) => {
        text += d;
        if (/Sampling process/.test(text)) resolve();
      });
      void samplerDone.then(resolve);
    });
    process.kill(pid, 'SIGUSR1');
    sampler.stdout.resume();
  }
  const code = await done;
  await samplerDone;
  // py-spy's own exit status means nothing (it can fail after a good recording); the program's report is the verdict.
  if (!existsSync(result)) throw new Error(`run failed (${code}): ${argv.join(' ')}`);
  const r = JSON.parse(readFileSync(result, 'utf8'));
  const gate = r.gate ?? 0;
  const held = (from, to, t0 = from[0]) => to[0] - t0 - (to[1] - from[1]) - (to[2] - from[2]);
  // Before the first line the thread's counters start at zero, and the wall runs from the spawn of the first process.
  const startup = r.first[0] - spawned - r.first[1] - r.first[2];
  const afterGate = r.after_gate ?? r.first;
  return {
    wall: r.end[0] - spawned - gate,
    gate,
    startupWall: r.first[0] - spawned,
    startup,
    import: held(afterGate, r.imported),
    run: held(r.imported, r.end),
    held: startup + held(afterGate, r.imported) + held(r.imported, r.end),
  };
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (s) => (s * 1000).toFixed(1);

const loadAtStart = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'vecprof-bench-pauses-'));
const runner = join(dir, 'runner.py');
writeFileSync(runner, RUNNER);
const results = {};
try {
  for (const [name, source] of Object.entries(WORKLOAD_BODIES)) {
    const script = join(dir, `${name.replace(/\W+/g, '_')}.py`);
    writeFileSync(script, source);
    await runOnce(CONFIGS.plain, dir, runner, script); // warm the page cache
    results[name] = Object.fromEntries(Object.keys(CONFIGS).map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [config, how] of Object.entries(CONFIGS)) {
        const r = await runOnce(how, dir, runner, script);
        results[name][config].push(r);
        process.stderr.write(`${name} ${round + 1}/${ROUNDS} ${config}: held ${ms(r.held)} ms, wall ${ms(r.wall)} ms\n`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const lines = [
  '# vecprof profile: where py-spy holds the program',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical CPUs, shared; load average (1 / 5 / 15 min) at the start ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')}.`,
  `py-spy: \`${PYSPY}\`. ${ROUNDS} rounds, configurations interleaved within each round; medians. "held": time the program was stopped (wall − on-CPU − run-queue wait, from /proc/self/schedstat), by phase; "gate": the wait before the first line while a native py-spy attached by pid starts (not in the other columns).`,
  '',
];
for (const [name, byConfig] of Object.entries(results)) {
  const base = median(byConfig.plain.map((r) => r.wall));
  lines.push(
    `## ${name} (plain run: ${ms(base)} ms)`,
    '',
    '| configuration | held, total (ms) | start-up (ms) | import numpy (ms) | run (ms) | gate (ms) | wall (ms) | wall / plain |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const [config, runs] of Object.entries(byConfig)) {
    const m = (f) => median(runs.map(f));
    lines.push(
      `| ${config} | ${ms(m((r) => r.held))} | ${ms(m((r) => r.startup))} | ${ms(m((r) => r.import))} | ${ms(m((r) => r.run))} | ${config.startsWith('gate') ? ms(m((r) => r.gate)) : ''} | ${ms(m((r) => r.wall))} | ${(m((r) => r.wall) / base).toFixed(3)}× |`,
    );
  }
  lines.push('');
}
const report = lines.join('\n');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'profile-sampler-pauses.md'), `${report}\n`);
process.stdout.write(`${report}\n`);
