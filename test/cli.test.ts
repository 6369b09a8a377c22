import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, logLines, REPO_ROOT } from '../testkit/run-cli.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('--version prints the package version and exits 0', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help lists the verbs', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /budget/);
  assert.match(r.stdout, /doctor/);
});

test('an unknown verb is a usage error: exit 2 and one JSON log line on a piped stderr', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  const line = JSON.parse(lines[0]!) as { level: number; msg: string };
  assert.equal(line.level, 50);
  assert.equal(line.msg, "unknown command 'frobnicate': run `vecprof --help` for usage");
});

test('an unknown option of a verb goes through the logger too, naming the verb whose help to read', async () => {
  const r = await runCli(['doctor', '--frob']);
  assert.equal(r.code, 2);
  const lines = logLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'nothing written around the log line');
  assert.equal(lines[0]!.msg, "unknown option '--frob': run `vecprof doctor --help` for usage");
});

test('an unknown --log-level is a usage error', async () => {
  const r = await runCli(['--log-level', 'loud', 'doctor']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /loud/);
});

test('doctor finds python3 with NumPy and reports it on stdout', async () => {
  const r = await runCli(['doctor', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { python: { numpy: string | null; version: string } };
  assert.ok(report.python.numpy, 'NumPy version reported');
  assert.match(report.python.version, /^3\.\d+\.\d+$/);
});

test('doctor with a missing interpreter exits 1 and says how to fix it', async () => {
  const r = await runCli(['--python', '/no/such/python', 'doctor']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Python interpreter not found: \/no\/such\/python/);
  assert.match(r.stdout, /fix:/);
});

test('doctor with a venv made without pip: the NumPy fix bootstraps pip first', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const venv = join(mkdtempSync(join(tmpdir(), 'vecprof-doctor-')), 'venv');
  try {
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv], { stdio: 'ignore' });
  } catch {
    t.skip('python3 -m venv is not available here');
    return;
  }
  const python = join(venv, 'bin', 'python');
  const r = await runCli(['--python', python, 'doctor']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /NumPy\s+not installed \(and this interpreter has no pip\)/);
  assert.ok(r.stdout.includes(`fix: ${python} -m ensurepip --upgrade && ${python} -m pip install numpy`), r.stdout);
});

test('diagnostics on a piped stderr are JSON lines', async () => {
  const r = await runCli(['--log-level', 'debug', 'doctor']);
  const lines = logLines(r.stderr);
  assert.ok(lines.length > 0, 'at least one debug line');
  for (const l of lines) assert.equal(typeof l.level, 'number');
});

test('a reader that closes the pipe early (| head) ends vecprof quietly, without an EPIPE trace', async () => {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { CLI } = await import('../testkit/run-cli.js');
  // Enough findings that the output outlives the reader's interest by far.
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-epipe-'));
  const body = 'def f():\n' + Array.from({ length: 50 }, (_, i) => `    print("line ${i}")`).join('\n') + '\n';
  for (let i = 0; i < 40; i++) writeFileSync(join(dir, `m${i}.py`), body);
  const child = spawn(process.execPath, [CLI, 'check', '--no-cache', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|internal error/);
  assert.ok(code === 0 || code === 1, `quiet exit, got ${String(code)}`);
});
