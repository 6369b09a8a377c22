// vecprof advise end to end on a small script, and the shape probe it relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runShapes } from '../../src/advise/shapes.js';
import type { AdviceReport } from '../../src/advise/types.js';
import { locatePython } from '../../src/python/locate.js';
import { REPO_ROOT, runCli, sharedTestCacheDir } from '../../testkit/run-cli.js';

const dir = join(REPO_ROOT, 'test/fixtures/advise/small');
const env = { VECPROF_CACHE_DIR: sharedTestCacheDir() };

test('the shape probe reports each distinct shape and dtype of the names at a line, lists and tuples of numbers by length, and ignores scalars and other values', async () => {
  const python = await locatePython();
  const file = join(dir, 'shapes_probe.py');
  const run = await runShapes({ python, target: { script: file }, args: [], cwd: dir }, [{ id: 'w', file, line: 9, names: ['x', 'label', 'scale'] }]);
  const seen = run.seen.get('w') ?? [];
  assert.deepEqual(seen.map((a) => [a.name, a.shape.join('×'), a.dtype]), [
    ['x', '10×3', 'float64'],
    ['x', '20×3', 'float64'],
    ['x', '30×3', 'float64'],
    ['x', '4', 'list'],
    ['x', '4', 'float64'],
    ['x', '2', 'tuple'],
  ]);
  assert.deepEqual([seen[3]!.itemsize, seen[3]!.nbytes], [0, 0], 'a list has no bytes of its own to stream');
  assert.ok(run.wallSeconds !== null && run.wallSeconds > 0);
});

test('advise names the element loop first, with its trip count, the arrays seen and a priced rewrite', async () => {
  const r = await runCli(['advise', '--json', join(dir, 'relu_small.py')], { env, cwd: dir, timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AdviceReport;
  // Ranked by measured time: the NumPy lines and the loop take similar shares, so any of them may come first; the
  // loop must be the one priced item, among the hot ones.
  const top = report.items.find((a) => a.kind === 'vectorize')!;
  assert.ok(top, 'a priced item');
  assert.equal(top.finding?.code, 'VEC004');
  assert.equal(top.line, 8);
  assert.equal(top.hits, 300_000);
  assert.deepEqual(top.arrays.find((a) => a.name === 'x')?.shape, [300_000]);
  assert.ok(top.prediction && top.prediction.speedup > 3, `priced: ${JSON.stringify(top.prediction)}`);
  assert.ok(report.items.some((a) => a.kind === 'numpy-kernel' && a.line === 14), 'the NumPy line is labelled as a kernel');
  assert.ok(report.filesChecked.some((f) => f.endsWith('relu_small.py')));
});

test('the terminal list leads with the hot loop and its rewrite; the exit status is the script\'s', async () => {
  const r = await runCli(['advise', join(dir, 'relu_small.py'), '3'], { env, cwd: dir, timeoutMs: 240_000 });
  assert.equal(r.code, 3, r.stderr);
  // the item's numbers on its first line: time, share, hits and time per iteration
  assert.match(r.stdout, /^\d\. .*relu_small\.py:8 \[VEC004\] [\d.]+ [µm]?s, [\d.]+ % of the run · 300,000 hits, [\d.]+ [nµ]s per iteration$/m);
  assert.match(r.stdout, /→ out = np\.(where|maximum)\(x/);
  assert.match(r.stdout, /`out = np\.(where|maximum)\(x.*\)` should take ≈[\d.]+ [µm]?s instead of/);
});

test('a run stopped by --timeout: the hot loop is listed with why it has no price', async () => {
  const r = await runCli(['advise', '--json', '--timeout', '1.5', join(dir, 'relu_forever.py')], { env, cwd: dir, timeoutMs: 240_000 });
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AdviceReport;
  assert.equal(report.profile.meta.stoppedBy, 'timeout', r.stderr);
  const loop = report.items.find((a) => a.finding?.code === 'VEC004');
  assert.ok(loop, JSON.stringify(report.items.map((a) => a.summary)));
  assert.equal(loop.kind, 'vectorize');
  assert.equal(loop.prediction, undefined);
  assert.equal(loop.notPriced, 'the run was stopped by --timeout before trip counts and shapes were read');
  assert.match(loop.summary, /; not priced: the run was stopped by --timeout before trip counts and shapes were read$/);
  for (const a of report.items.filter((x) => !x.prediction && !x.bandwidth)) assert.ok(a.notPriced, `${a.kind} at line ${a.line} says why it has no price`);
});

test('bad input: a missing script and no target are usage errors', async () => {
  const missing = await runCli(['advise', 'no_such_script.py'], { env, cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /script not found: no_such_script\.py/);
  const none = await runCli(['advise'], { env, cwd: dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /nothing to advise on/);
});

test('profile --advise gives the advice for the same program; with --import it is a usage error', async () => {
  const r = await runCli(['profile', '--advise', join(dir, 'relu_small.py')], { env, cwd: dir, timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^vecprof advise: /m);
  assert.match(r.stdout, /relu_small\.py:8 \[VEC004\]/);
  const bad = await runCli(['profile', '--advise', '--import', 'x.prof'], { env, cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--advise needs a program to run/);
});
