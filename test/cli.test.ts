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
