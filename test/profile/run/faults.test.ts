// A program that hangs, is interrupted, or spreads over processes still leaves the profile of what ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, REPO_ROOT, runCli } from '../../../testkit/run-cli.js';
import { findPySpy } from '../../../src/python/tools.js';
import type { Profile } from '../../../src/profile/model.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');
const fixture = (name: string): string => join(FIXTURES, name);
const pyspy = await findPySpy();
const NO_PYSPY = pyspy ? false : 'py-spy is not installed here (python3 -m pip install py-spy): sample-mode faults not tested';

function modelAfter(stdout: string): Profile {
  const start = stdout.indexOf('{\n  "version": 1');
  assert.ok(start >= 0, `no profile JSON in stdout: ${stdout.slice(0, 300)}`);
  return JSON.parse(stdout.slice(start)) as Profile;
}

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From our signal to vecprof's exit. */
  afterSignalMs: number;
}

/** Starts vecprof, waits until the program says it is running, sends SIGINT as a terminal's Ctrl-C would. */
function interruptWhenRunning(args: string[], marker: string, delayMs: number): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalledAt = 0;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    // The program's marker: on stdout, or on stderr where --json sends the program's stdout.
    const watch = (): void => {
      if (signalledAt === 0 && (stdout.includes(marker) || stderr.includes(marker))) {
        signalledAt = -1;
        setTimeout(() => {
          signalledAt = performance.now();
          child.kill('SIGINT');
        }, delayMs);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      watch();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      watch();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, afterSignalMs: performance.now() - signalledAt });
    });
  });
}

for (const mode of ['cpu', 'sample'] as const) {
  const skip = mode === 'sample' ? NO_PYSPY : false;

  test(`${mode}: --timeout stops a hanging program and keeps its profile (exit 124)`, { skip }, async () => {
    const started = performance.now();
    const r = await runCli(['profile', '--mode', mode, '--timeout', '1', '--json', fixture('hang.py')]);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 124, r.stderr);
    assert.ok(seconds < 4, `stopped after ${seconds.toFixed(2)} s`);
    const p = modelAfter(r.stdout);
    assert.equal(p.meta.stoppedBy, 'timeout');
    const spin = p.functions.find((f) => f.name === 'spin');
    assert.ok(spin, 'the function that was running is in the profile');
    assert.ok((spin.totalTime ?? 0) > 0.3, `spin ran ${spin.totalTime} s before the stop`);
    assert.match(r.stderr, /time limit/);
  });

  test(`${mode}: Ctrl-C stops the program, the profile follows within a second, exit 130`, { skip }, async () => {
    const r = await interruptWhenRunning(['profile', '--mode', mode, '--json', fixture('hang.py')], 'spinning', 600);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.afterSignalMs < 1000, `profile took ${r.afterSignalMs.toFixed(0)} ms after Ctrl-C`);
    assert.match(r.stderr, /KeyboardInterrupt/, 'the program saw the interrupt as Python would');
    const p = modelAfter(r.stdout);
    assert.equal(p.meta.stoppedBy, 'interrupt');
    assert.ok(p.functions.some((f) => f.name === 'spin'));
  });
}

test('sample: a multiprocessing program is profiled in its worker processes too', { skip: NO_PYSPY }, async () => {
  const r = await runCli(['profile', '--mode', 'sample', '--json', fixture('multiproc.py'), '0.6']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^children counted True$/m, "with --json the program's stdout goes to stderr");
  const p = modelAfter(r.stdout);
  const burn = p.functions.find((f) => f.name === 'burn');
  assert.ok(burn, 'burn runs only in the children, so seeing it means the children were sampled');
  assert.ok((burn.samples ?? 0) >= 10, `burn has ${burn.samples} samples`);
  assert.ok(p.lines.some((l) => l.function === 'burn' && l.file === fixture('multiproc.py')));
});

test('sample: --pid attaches to a running program for --duration seconds and leaves it running', { skip: NO_PYSPY }, async () => {
  const target = spawn('python3', [fixture('hang.py')], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve) => target.stdout.once('data', () => resolve()));
    const r = await runCli(['profile', '--pid', String(target.pid), '--duration', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as Profile;
    assert.ok(p.functions.some((f) => f.name === 'spin'));
    assert.equal(target.exitCode, null, 'the attached program is still running');
  } finally {
    target.kill('SIGKILL');
  }
});

test('sample: a program stuck in native code ignores SIGTERM; it is killed and py-spy\'s profile survives', { skip: NO_PYSPY }, async () => {
  const r = await runCli(['profile', '--mode', 'sample', '--timeout', '1', '--json', fixture('stuck_native.py')]);
  assert.equal(r.code, 124, r.stderr);
  assert.match(r.stderr, /did not stop within 3 s/);
  const p = modelAfter(r.stdout);
  const stuck = p.lines.find((l) => l.file === fixture('stuck_native.py') && l.line === 3);
  assert.ok(stuck && stuck.share > 0.8, 'the stuck line holds the samples');
});
