// The budget verb end to end, at tiny sizes: output, files, and every way it can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { interruptOnceWritten, logLines, REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import { loadBudget } from '../../src/budget/load.js';
import type { BudgetResult } from '../../src/budget/types.js';

const TINY = ['budget', '--sizes', '2..8', '--min-samples', '5', '--min-time', '0.02', '--sample-ms', '0.5', '--passes', '2', '--no-peak'];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vecprof-budget-'));
}

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

const CRASH_AFTER_ONE = join(REPO_ROOT, 'test/fixtures/budget/crash-after-one-size.sh');

test('a helper that crashes after a size finished: that size is printed, the error line says no file was kept', async () => {
  const out = tempDir();
  const r = await runCli(['--python', CRASH_AFTER_ONE, ...TINY, '--out', out], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(
    errors[0]!.msg,
    /budget helper exited with status 139: Fatal Python error: Segmentation fault \(1 of 7 sizes had finished; the partial .*budget\.partial\.json was removed; no .*budget\.json was written\)/,
  );
  assert.match(r.stdout, /^\s+4\s/m, 'the finished size is in the table');
  assert.match(r.stdout, /PARTIAL, 1 of 7 sizes finished: the budget helper exited with status 139: Fatal Python error: Segmentation fault/);
  assert.deepEqual(readdirSync(out), [], 'no budget.json, no plot, no temp file');
});

test('a crash with --json: the partial result says why it stopped (stopReason)', async () => {
  const r = await runCli(['--python', CRASH_AFTER_ONE, ...TINY, '--json'], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  const result = JSON.parse(r.stdout) as BudgetResult;
  assert.equal(result.complete, false);
  assert.equal(result.interrupted, false);
  assert.match(result.stopReason ?? '', /^the budget helper exited with status 139: Fatal Python error: Segmentation fault$/);
  assert.deepEqual(result.rows.map((row) => row.exponent), [2]);
});

test('a failed re-run leaves the earlier complete result and its plots whole', async () => {
  const out = tempDir();
  const first = await runCli([...TINY, '--sizes', '4,6', '--out', out], { timeoutMs: 60_000 });
  assert.equal(first.code, 0, first.stderr);
  const before = Object.fromEntries(['budget.json', 'budget.svg', 'budget.png'].map((f) => [f, readFileSync(join(out, f))]));
  // The re-run measures a size (so it had written its partial file) and then crashes.
  const again = await runCli(['--python', CRASH_AFTER_ONE, ...TINY, '--out', out], { timeoutMs: 60_000 });
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, /the partial .*budget\.partial\.json was removed; the earlier .*budget\.json is left as it was/);
  assert.deepEqual(readdirSync(out).sort(), ['budget.json', 'budget.png', 'budget.svg']);
  for (const [file, bytes] of Object.entries(before)) assert.ok(readFileSync(join(out, file)).equals(bytes), `${file} unchanged`);
  const kept = await loadBudget(join(out, 'budget.json'));
  assert.deepEqual([kept.complete, kept.rows.map((row) => row.exponent)], [true, [4, 6]]);
});

test('a timeout: exit 1, the finished sizes printed, the earlier budget.json untouched, one error line saying so', async () => {
  const out = tempDir();
  // As if an earlier run had finished here: a failed run must not replace or remove it.
  writeFileSync(join(out, 'budget.json'), 'earlier result\n');
  writeFileSync(join(out, 'budget.svg'), 'earlier plot\n');
  const started = Date.now();
  // 2^2 finishes in a blink; the loop over 2^22 needs 30 samples of ~0.2 s each: far past the 2.5 s timeout.
  const r = await runCli(
    ['budget', '--sizes', '2,22', '--loop-max', '22', '--min-samples', '30', '--min-time', '0.05', '--passes', '1', '--no-peak', '--timeout', '2.5', '--out', out],
    { timeoutMs: 60_000 },
  );
  assert.equal(r.code, 1, r.stderr);
  assert.ok(Date.now() - started < 20_000, 'stopped promptly');
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(
    errors[0]!.msg,
    /budget helper timed out after 2\.5 s and was stopped \(1 of 2 sizes had finished; the partial .*budget\.partial\.json was removed; the earlier .*budget\.json is left as it was\): raise --timeout/,
  );
  assert.match(r.stdout, /^\s+4\s/m);
  assert.doesNotMatch(r.stdout, /^\s*4194304\s/m, 'the unfinished size is not shown');
  assert.match(r.stdout, /PARTIAL, 1 of 2 sizes finished: stopped by --timeout \(2\.5 s\)/);
  assert.deepEqual(readdirSync(out).sort(), ['budget.json', 'budget.svg'], 'no partial file');
  assert.equal(readFileSync(join(out, 'budget.json'), 'utf8'), 'earlier result\n');
  assert.equal(readFileSync(join(out, 'budget.svg'), 'utf8'), 'earlier plot\n');
});

/**
 * Sends `signal` once `path` has been written, and keeps the first version of it (the mid-run file) for the test,
 * and whether budget.json was there at that moment.
 */
function signalOnceWritten(path: string, signal: NodeJS.Signals, seen: { first?: BudgetResult; finalThen?: boolean }): (pid: number) => void {
  return (pid) => {
    const poll = setInterval(() => {
      if (!existsSync(path)) return;
      clearInterval(poll);
      seen.first = JSON.parse(readFileSync(path, 'utf8')) as BudgetResult; // written atomically: whole or absent
      seen.finalThen = existsSync(join(path, '..', 'budget.json'));
      setTimeout(() => process.kill(pid, signal), 300);
    }, 20);
  };
}

test('the mid-run budget.partial.json holds whole sizes only: no row below --loop-max without its loop', async () => {
  const out = tempDir();
  const seen: { first?: BudgetResult; finalThen?: boolean } = {};
  const args = ['budget', '--sizes', '4..20', '--min-samples', '5', '--min-time', '0.05', '--passes', '1', '--no-peak', '--out', out];
  const r = await runCli(args, { timeoutMs: 60_000, onSpawn: signalOnceWritten(join(out, 'budget.partial.json'), 'SIGINT', seen) });
  assert.equal(r.code, 130, r.stderr);
  assert.ok(seen.first, 'the file was seen mid-run');
  assert.equal(seen.finalThen, false, 'budget.json is not written mid-run');
  assert.equal(seen.first.complete, false);
  assert.match(seen.first.stopReason ?? '', /still running/);
  assert.ok(seen.first.rows.length >= 1);
  for (const row of seen.first.rows) {
    assert.equal(row.loopExtrapolated, false, `2^${row.exponent} is not extrapolated below --loop-max`);
    assert.ok(row.loopNs && row.numpyNs, `2^${row.exponent} has both kernels`);
  }
});

test('budget.json that can no longer be written mid-run: the helper is stopped, one error line, exit 1, no stack trace', async () => {
  const base = tempDir();
  const out = join(base, 'out');
  const args = ['budget', '--sizes', '2..20', '--min-samples', '5', '--min-time', '0.05', '--passes', '1', '--no-peak', '--out', out];
  const r = await runCli(args, {
    timeoutMs: 60_000,
    onSpawn: () => {
      const poll = setInterval(() => {
        if (!existsSync(join(out, 'budget.partial.json'))) return;
        clearInterval(poll);
        rmSync(out, { recursive: true, force: true });
        writeFileSync(out, 'now a file'); // the next write of budget.json fails
      }, 20);
    },
  });
  assert.equal(r.code, 1, r.stderr);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(
    errors[0]!.msg,
    /^cannot write .*out\/budget\.partial\.json: its directory is gone or is not a directory \(\d+ of 19 sizes had finished; .*out was replaced by a file during the run, so nothing could be kept there\)/,
  );
  assert.doesNotMatch(errors[0]!.msg, /was removed/, 'it says what happened, not that it removed a file');
  assert.doesNotMatch(r.stderr, /internal error|Error: E[A-Z]+:|\n\s+at /);
  assert.match(r.stdout, /PARTIAL, \d+ of 19 sizes finished: budget\.partial\.json could not be written/);
});

test('a plot that cannot be written: the table is printed, then one error line (not "internal error"), exit 1', async () => {
  const out = tempDir();
  mkdirSync(join(out, 'budget.svg')); // a directory where the plot goes: the rename onto it fails
  const r = await runCli([...TINY, '--sizes', '4,6', '--out', out], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /Size\s+Python loop/);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!.msg, /^could not write the plot \(budget\.svg, budget\.png\) in .*: E[A-Z]+: .*budget\.json holds the results/);
  assert.ok(existsSync(join(out, 'budget.json')));
  noTempFiles(out);
});

test('SIGTERM stops the run like Ctrl-C but exits 143 (128 + 15)', async () => {
  const out = tempDir();
  const seen: { first?: BudgetResult } = {};
  const args = ['budget', '--sizes', '2..20', '--min-samples', '5', '--min-time', '0.05', '--passes', '1', '--no-peak', '--out', out];
  const r = await runCli(args, { timeoutMs: 60_000, onSpawn: signalOnceWritten(join(out, 'budget.partial.json'), 'SIGTERM', seen) });
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stdout, /PARTIAL, \d+ of 19 sizes finished: interrupted by SIGTERM/);
  const result = JSON.parse(readFileSync(join(out, 'budget.json'), 'utf8')) as BudgetResult;
  assert.equal(result.interrupted, true);
  assert.equal(result.stopReason, 'interrupted by SIGTERM');
  assert.equal(existsSync(join(out, 'budget.partial.json')), false, 'the partial file became budget.json');
});

test('Ctrl-C keeps the finished sizes: partial table on stdout, budget.json marked interrupted, exit 130', async () => {
  const out = tempDir();
  const args = ['budget', '--sizes', '2..20', '--min-samples', '5', '--min-time', '0.05', '--passes', '1', '--no-peak', '--out', out];
  const r = await runCli(args, {
    timeoutMs: 60_000,
    onSpawn: interruptOnceWritten(join(out, 'budget.partial.json')),
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /PARTIAL/);
  assert.match(r.stderr, /interrupted/);
  const result = JSON.parse(readFileSync(join(out, 'budget.json'), 'utf8')) as BudgetResult;
  assert.equal(result.interrupted, true);
  assert.equal(result.complete, false);
  assert.equal(result.stopReason, 'interrupted by SIGINT');
  assert.ok(result.rows.length >= 1 && result.rows.length < 19, `kept ${result.rows.length} finished sizes`);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('budget.')).sort(), ['budget.json', 'budget.png', 'budget.svg']);
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

  // Variants of a good file, as an editor, a crash or another workload would leave them.
  const good = JSON.parse(readFileSync(join(a, 'budget.json'), 'utf8')) as Record<string, unknown> & BudgetResult;
  const variant = (name: string, edit: (r: BudgetResult) => void): string => {
    const copy = structuredClone(good);
    edit(copy);
    const path = join(a, name);
    writeFileSync(path, JSON.stringify(copy));
    return path;
  };

  // (a) schema-valid but damaged: one line naming the file and the field, exit 2 (was "internal error", exit 70).
  const noWall = variant('no-wall.json', (r) => delete (r.cells[1] as Partial<BudgetResult['cells'][number]>).wall);
  const noEnv = variant('no-env.json', (r) => delete (r as Partial<BudgetResult>).environment);
  const badRow = variant('bad-row.json', (r) => ((r.rows[0] as unknown as Record<string, unknown>).ratio = { estimate: 'x' }));
  for (const [file, field] of [[noWall, 'cells\\[1\\]\\.wall'], [noEnv, 'environment'], [badRow, 'rows\\[0\\]\\.ratio\\.estimate']] as const) {
    const r = await runCli(['budget', 'compare', join(b, 'budget.json'), file]);
    assert.equal(r.code, 2, r.stderr);
    const lines = logLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!.msg, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged: ${field} is missing or not`));
    assert.doesNotMatch(r.stderr, /internal error/);
  }

  // (a2) values no run writes: a time at or below zero (printed as a -336× speed-up before), a size not asked for.
  const negative = variant('negative.json', (r) => (r.cells[0]!.wallNs[0] = -3));
  const zeroRatio = variant('zero-ratio.json', (r) => (r.rows[0]!.ratio = { estimate: 0, low: 0, high: 1 }));
  const strayRow = variant('stray-row.json', (r) => (r.rows[1]!.exponent = 12));
  const strayCell = variant('stray-cell.json', (r) => (r.cells[0]!.exponent = 5));
  for (const [file, why] of [
    [negative, 'cells\\[0\\]\\.wallNs\\[0\\] must be above 0'],
    [zeroRatio, 'rows\\[0\\]\\.ratio\\.estimate must be above 0'],
    [strayRow, 'rows\\[1\\]\\.exponent is 12, not one of config\\.exponents'],
    [strayCell, 'cells\\[0\\]\\.exponent is 5, not one of config\\.exponents'],
  ] as const) {
    const r = await runCli(['budget', 'compare', join(b, 'budget.json'), file]);
    assert.equal(r.code, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`is damaged: ${why}`));
    assert.equal(r.stdout, '');
  }

  // (b) different workloads: refused unless --force, and then marked.
  const exp = variant('exp.json', (r) => (r.config.op = 'exp'));
  const refused = await runCli(['budget', 'compare', join(b, 'budget.json'), exp]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /measures sum\/float64 and .*exp\.json measures exp\/float64: their ratios are not comparable.*--force/);
  assert.equal(refused.stdout, '');
  const forced = await runCli(['budget', 'compare', '--force', join(b, 'budget.json'), exp]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /^! different workloads \(--force\)/m);

  // (c) an interrupted file is compared, but said to be partial, in the output and in a warning.
  const partial = variant('partial.json', (r) => {
    r.complete = false;
    r.interrupted = true;
    r.rows = r.rows.slice(0, 1);
    r.cells = r.cells.filter((c) => c.exponent === r.rows[0]!.exponent);
  });
  const withPartial = await runCli(['budget', 'compare', join(b, 'budget.json'), partial]);
  assert.equal(withPartial.code, 0, withPartial.stderr);
  assert.match(withPartial.stdout, /^B: .*partial\.json .*PARTIAL: interrupted, 1 of 2 sizes/m);
  assert.match(withPartial.stdout, /^! .*partial\.json is interrupted: 1 of 2 sizes; sizes it lacks show as –/m);
  assert.ok(logLines(withPartial.stderr).some((l) => l.level === 40 && /partial\.json is interrupted/.test(l.msg)));
  const asJson = await runCli(['budget', 'compare', '--json', join(b, 'budget.json'), partial]);
  assert.match((JSON.parse(asJson.stdout) as { warnings: string[] }).warnings.join('\n'), /partial\.json is interrupted/);
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
