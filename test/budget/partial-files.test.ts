// The budget verb's files when a run does not end well: the mid-run budget.partial.json, what a crash, a timeout, a
// failed write or a signal leaves in --out, and what is printed then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interruptOnceWritten, logLines, runCli } from '../../testkit/run-cli.js';
import { loadBudget } from '../../src/budget/load.js';
import type { BudgetResult } from '../../src/budget/types.js';
import { BLOCK_OUT_AT_END, CRASH_AFTER_ONE, noTempFiles, signalOnceWritten, tempDir, TINY } from './cli-kit.js';

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

test('the last write of budget.json fails: the whole measurement is printed, one error line says what became of the files, exit 1', async () => {
  const out = join(tempDir(), 'out');
  for (const json of [false, true]) {
    const r = await runCli(['--python', BLOCK_OUT_AT_END, ...TINY, '--out', out, ...(json ? ['--json'] : [])], {
      env: { VECPROF_TEST_BLOCK_OUT: out, VECPROF_TEST_BLOCK_ROWS: '7' },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 1, r.stderr);
    const errors = logLines(r.stderr).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(
      errors[0]!.msg,
      /^cannot write .*out\/budget\.partial\.json: its directory is gone or is not a directory \(7 of 7 sizes had finished; .*out was replaced by a file during the run, so nothing could be kept there\): choose a writable --out/,
    );
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    if (json) {
      const shown = JSON.parse(r.stdout) as BudgetResult;
      assert.equal(shown.complete, true, 'the measurement itself finished');
      assert.deepEqual(shown.rows.map((row) => row.exponent), [2, 3, 4, 5, 6, 7, 8]);
    } else {
      assert.match(r.stdout, /^\s+256\s/m, 'every size is in the table');
      assert.match(r.stdout, /Crossover: /);
    }
    rmSync(out, { force: true });
  }
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
