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

test('an unknown verb is a usage error: exit 2 and a message on stderr', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.equal(r.stdout, '');
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
