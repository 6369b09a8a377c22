// The budget verb end to end, at tiny sizes: output, files, and every way it can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { interruptOnceWritten, logLines, REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import type { BudgetResult } from '../../src/budget/types.js';

const TINY = ['budget', '--sizes', '2..8', '--min-samples', '5', '--min-time', '0.02', '--sample-ms', '0.5', '--passes', '2', '--no-peak'];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vecprof-budget-'));
}

function noTempFiles(dir: string): void {
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no half-written files left behind');
}

test('a tiny sweep prints the table and writes budget.json, budget.svg and budget.png', async () => {
  const out = tempDir();
  const r = await runCli([...TINY, '--out', out], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Size\s+Python loop\s+NumPy\s+Ratio/);
  assert.match(r.stdout, /^\s+256\s/m);
  assert.match(r.stdout, /Crossover: /);
  const result = JSON.parse(readFileSync(join(out, 'budget.json'), 'utf8')) as BudgetResult;
  assert.equal(result.schema, 'vecprof.budget/1');
  assert.equal(result.complete, true);
  assert.deepEqual(result.rows.map((row) => row.size), [4, 8, 16, 32, 64, 128, 256]);
  for (const c of result.cells) {
    assert.ok(c.wallNs.length >= 5, 'at least min-samples samples');
    assert.ok(c.wall.median > 0 && c.cpu.median > 0);
    assert.equal(c.wall.n, c.wallNs.length);
  }
  for (const row of result.rows) assert.ok(row.ratio && row.ratio.low <= row.ratio.estimate && row.ratio.estimate <= row.ratio.high);
  assert.ok(result.environment.python.numpy, 'environment records NumPy');
  assert.ok(typeof result.environment.noiseStart.loadAverage1m === 'number');
  assert.ok(result.derived.loopPerElementNs! > 0, 'loop per-element cost fitted');

  const svg = readFileSync(join(out, 'budget.svg'), 'utf8');
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(doc.documentElement.tagName.toLowerCase(), 'svg');
  assert.match(svg, /Python loop/);
  const png = readFileSync(join(out, 'budget.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 1200, 'PNG width as asked');
  noTempFiles(out);
});

test('--json prints the result as JSON on stdout and nothing else', async () => {
  const r = await runCli([...TINY, '--sizes', '4,6', '--json'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as BudgetResult;
  assert.deepEqual(result.rows.map((row) => row.exponent), [4, 6]);
});

test('a missing interpreter: one clear line, exit 1, no output file', async () => {
  const out = tempDir();
  const r = await runCli(['--python', '/no/such/python3', ...TINY, '--out', out]);
  assert.equal(r.code, 1);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.msg, /Python interpreter not found: \/no\/such\/python3.*--python/);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(out), []);
});

test('an interpreter without NumPy: says so and gives the pip command', async (t) => {
  const venv = join(tempDir(), 'venv');
  try {
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv], { stdio: 'ignore' });
  } catch {
    t.skip('python3 -m venv is not available here');
    return;
  }
  const python = join(venv, 'bin', 'python');
  const r = await runCli(['--python', python, ...TINY]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NumPy is not installed for .*venv.*-m pip install numpy/);
});

test('a helper that crashes: its exit status and last stderr line, exit 1, no partial file', async () => {
  const out = tempDir();
  const python = join(REPO_ROOT, 'test/fixtures/budget/crashing-python.sh');
  const r = await runCli(['--python', python, ...TINY, '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /budget helper exited with status 3: ImportError: numpy.core.multiarray failed to import/);
  assert.deepEqual(readdirSync(out), []);
});

test('a timeout stops the helper with a clear message and exit 1', async () => {
  const out = tempDir();
  const started = Date.now();
  const r = await runCli(['budget', '--sizes', '18..20', '--min-time', '5', '--no-peak', '--timeout', '1', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /timed out after 1\.0 s/);
  assert.ok(Date.now() - started < 20_000, 'stopped promptly');
  noTempFiles(out);
  if (existsSync(join(out, 'budget.json'))) {
    const partial = JSON.parse(readFileSync(join(out, 'budget.json'), 'utf8')) as BudgetResult;
    assert.equal(partial.complete, false);
  }
});

test('Ctrl-C keeps the finished sizes: partial table on stdout, budget.json marked interrupted, exit 130', async () => {
  const out = tempDir();
  const args = ['budget', '--sizes', '2..20', '--min-samples', '5', '--min-time', '0.05', '--passes', '1', '--no-peak', '--out', out];
  const r = await runCli(args, {
    timeoutMs: 60_000,
    onSpawn: interruptOnceWritten(join(out, 'budget.json')),
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /PARTIAL/);
  assert.match(r.stderr, /interrupted/);
  const result = JSON.parse(readFileSync(join(out, 'budget.json'), 'utf8')) as BudgetResult;
  assert.equal(result.interrupted, true);
  assert.equal(result.complete, false);
  assert.ok(result.rows.length >= 1 && result.rows.length < 19, `kept ${result.rows.length} finished sizes`);
  noTempFiles(out);
});

test('compare: two runs give a per-size change table; a bad file is a usage error', async () => {
  const a = tempDir();
  const b = tempDir();
  for (const dir of [a, b]) {
    const r = await runCli([...TINY, '--sizes', '4,8', '--out', dir], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
  }
  const r = await runCli(['budget', 'compare', join(a, 'budget.json'), join(b, 'budget.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /B \/ A \(95 % CI\)/);
  assert.match(r.stdout, /^\s+16\s/m);
  assert.match(r.stdout, /^\s+256\s/m);

  const bad = await runCli(['budget', 'compare', join(a, 'budget.json'), join(a, 'nope.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no such file: .*nope\.json/);
  const notBudget = await runCli(['budget', 'compare', join(REPO_ROOT, 'package.json'), join(a, 'budget.json')]);
  assert.equal(notBudget.code, 2);
  assert.match(notBudget.stderr, /is not a vecprof budget result/);
});

test('bad options are usage errors (exit 2)', async () => {
  const r = await runCli(['budget', '--sizes', '9..3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--sizes \\?"9\.\.3\\?" is not a range of exponents/);
  const op = await runCli(['budget', '--op', 'cos']);
  assert.equal(op.code, 2);
});
