// The budget verb end to end, at tiny sizes: output, files, and bad input. The partial-file and failure paths are in
// partial-files.test.ts, `budget compare` in compare-cli.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { logLines, REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import { loadBudget } from '../../src/budget/load.js';
import type { BudgetResult } from '../../src/budget/types.js';
import { noTempFiles, tempDir, TINY } from './cli-kit.js';

type Shape = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'number|null' | 'object|null' | 'string|null';

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function assertFields(where: string, value: unknown, shape: Record<string, Shape>): void {
  assert.equal(kindOf(value), 'object', where);
  const obj = value as Record<string, unknown>;
  for (const [field, want] of Object.entries(shape)) {
    assert.ok(want.split('|').includes(kindOf(obj[field])), `${where}.${field} is ${kindOf(obj[field])}, expected ${want}`);
  }
}

/** budget.json's schema (docs/budget.md), field by field: every top-level field, a cell, a row, the derived block. */
function assertBudgetShape(r: BudgetResult): void {
  assertFields('result', r, {
    schema: 'string', createdAt: 'string', complete: 'boolean', interrupted: 'boolean', stopReason: 'string|null', config: 'object', environment: 'object',
    peak: 'object|null', cells: 'array', rows: 'array', derived: 'object', warnings: 'array', timing: 'object',
  });
  assert.deepEqual(Object.keys(r).sort(), ['cells', 'complete', 'config', 'createdAt', 'derived', 'environment', 'interrupted', 'peak', 'rows', 'schema', 'stopReason', 'timing', 'warnings']);
  assertFields('config', r.config, {
    op: 'string', dtype: 'string', exponents: 'array', loopMaxExponent: 'number', sampleSeconds: 'number', minSamples: 'number',
    minCellSeconds: 'number', maxCellSeconds: 'number', passes: 'number', seed: 'number', peakBytes: 'number', timeoutSeconds: 'number',
  });
  assertFields('environment', r.environment, { machine: 'object', python: 'object', vecprof: 'string', node: 'string', noiseStart: 'object', noiseEnd: 'object|null' });
  assertFields('environment.python', r.environment.python, { executable: 'string', version: 'string', numpy: 'string|null' });
  assertFields('environment.machine', r.environment.machine, { cpuModel: 'string', logicalCpus: 'number', caches: 'array' });
  assert.ok(r.cells.length > 0);
  const summary = { n: 'number', min: 'number', median: 'number', mad: 'number', q1: 'number', q3: 'number', outliers: 'number', relativeSpread: 'number' } as const;
  for (const c of r.cells) {
    assertFields('cell', c, {
      kernel: 'string', exponent: 'number', size: 'number', itemsize: 'number', reps: 'number', wallNs: 'array', cpuNs: 'array',
      spentNs: 'number', wall: 'object', cpu: 'object',
    });
    assert.ok(c.kernel === 'loop' || c.kernel === 'numpy');
    assert.ok(c.wallNs.every((x) => typeof x === 'number' && Number.isFinite(x)) && c.wallNs.length === c.cpuNs.length);
    assertFields('cell.wall', c.wall, summary);
    assertFields('cell.cpu', c.cpu, summary);
  }
  assert.ok(r.rows.length > 0);
  const interval = { estimate: 'number', low: 'number', high: 'number' } as const;
  for (const row of r.rows) {
    assertFields('row', row, {
      exponent: 'number', size: 'number', workingSetBytes: 'number', regime: 'string', loopNs: 'object|null', numpyNs: 'object|null',
      loopExtrapolated: 'boolean', ratio: 'object|null', bytesPerSecond: 'number|null', percentOfPeak: 'number|null', flags: 'array',
    });
    for (const key of ['loopNs', 'numpyNs', 'ratio'] as const) if (row[key]) assertFields(`row.${key}`, row[key], interval);
  }
  assertFields('derived', r.derived, {
    crossover: 'object|null', plateaus: 'array', loopPerElementNs: 'number|null', numpyPerCallNs: 'number|null',
    numpyPerElementNs: 'number|null', peakBytesPerSecond: 'number|null', llc: 'object', boundaries: 'array',
  });
  assertFields('timing', r.timing, { wallSeconds: 'number', timedSeconds: 'number', efficiency: 'number' });
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
  assert.equal(result.stopReason, null);
  assert.equal(existsSync(join(out, 'budget.partial.json')), false, 'the scratch file became budget.json');
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
  // The height follows the SVG's aspect ratio (resvg scales the whole drawing to the width asked for).
  const root = doc.documentElement;
  const [svgWidth, svgHeight] = [Number(root.getAttribute('width')), Number(root.getAttribute('height'))];
  assert.ok(svgWidth > 0 && svgHeight > 0, 'the SVG has a size');
  assert.ok(Math.abs(png.readUInt32BE(20) - (1200 * svgHeight) / svgWidth) <= 1, `PNG height ${png.readUInt32BE(20)} for ${svgWidth}×${svgHeight}`);
  assertBudgetShape(result);
  const loaded = await loadBudget(join(out, 'budget.json'));
  assert.equal(loaded.rows.length, result.rows.length, 'budget compare accepts what budget writes');
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

test('an interpreter without NumPy (a venv made without pip): says so and gives a command that works there', async (t) => {
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
  // Made --without-pip: `python -m pip install numpy` would fail with "No module named pip", so pip is bootstrapped first.
  assert.match(r.stderr, /NumPy is not installed for .*venv.*: run: \S*venv\/bin\/python -m ensurepip --upgrade && \S*venv\/bin\/python -m pip install numpy/);
});

test('a helper that crashes at start: its exit status and last stderr line, exit 1, no partial file', async () => {
  const out = tempDir();
  const python = join(REPO_ROOT, 'test/fixtures/budget/crashing-python.sh');
  const r = await runCli(['--python', python, ...TINY, '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /budget helper exited with status 3: ImportError: numpy.core.multiarray failed to import/);
  assert.equal(r.stdout, '', 'nothing finished, nothing printed');
  assert.deepEqual(readdirSync(out), []);
});

test('--out that cannot be written is refused before the helper starts: one line, exit 2, no hang under /proc', async () => {
  const base = tempDir();
  writeFileSync(join(base, 'hostname'), 'x');
  for (const dir of [join(base, 'hostname', 'sub'), '/proc/vecprof-test/out']) {
    const started = Date.now();
    const r = await runCli(['budget', '--sizes', '4..14', '--no-peak', '--out', dir], { timeoutMs: 20_000 });
    assert.equal(r.signal, null, `${dir}: ended by itself (a regression would spin until the guard kills it)`);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(Date.now() - started < 15_000);
    const lines = logLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!.msg, new RegExp(`^cannot write to --out ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*: choose a writable directory$`));
    assert.equal(r.stdout, '');
  }
});

test('options that do not apply are refused, not ignored: --calibrate with --html, budget compare with --sizes', async () => {
  const cal = await runCli(['budget', '--calibrate', '--html', join(tempDir(), 'x.html')]);
  assert.equal(cal.code, 2);
  assert.match(cal.stderr, /--calibrate measures the advisor's cost model on its own: --html does not apply/);
  const cmp = await runCli(['budget', '--sizes', '4', '--out', 'x', 'compare', 'a.json', 'b.json']);
  assert.equal(cmp.code, 2);
  assert.match(cmp.stderr, /budget compare reads two saved files: --sizes, --out do not apply/);
});

test('an empty --out or --html is refused (exit 2), not taken as "no file"', async () => {
  for (const args of [
    ['budget', '--sizes', '4', '--no-peak', '--out', ''],
    ['budget', '--sizes', '4', '--no-peak', '--html', ''],
    ['budget', '--pattern', 'prealloc', '--quick', '--out', ' '],
  ]) {
    const r = await runCli(args, { timeoutMs: 20_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = logLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!.msg, /^--(out|html) is empty: give --(out|html) a path, or leave --(out|html) out$/);
    assert.equal(r.stdout, '');
  }
});

test('a choice commander rejects is one JSON log line on a piped stderr, exit 2', async () => {
  const r = await runCli(['budget', '--dtype', 'int8']);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  const line = JSON.parse(lines[0]!) as { level: number; msg: string };
  assert.equal(line.level, 50);
  assert.match(line.msg, /argument 'int8' is invalid\. Allowed choices are float64, float32: run `vecprof budget --help` for usage/);
});

test('bad options are usage errors (exit 2)', async () => {
  const r = await runCli(['budget', '--sizes', '9..3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--sizes \\?"9\.\.3\\?" is not a range of exponents/);
  const op = await runCli(['budget', '--op', 'cos']);
  assert.equal(op.code, 2);
  // Values that would otherwise run silently until the 900 s timeout: refused at once.
  for (const [flag, value] of [['--sample-ms', '1e9'], ['--min-time', '1e6']]) {
    const started = Date.now();
    const huge = await runCli(['budget', '--sizes', '4', '--no-peak', flag!, value!], { timeoutMs: 20_000 });
    assert.equal(huge.code, 2, huge.stderr);
    assert.ok(Date.now() - started < 10_000);
    assert.match(huge.stderr, new RegExp(`${flag} must be at most`));
  }
});
