import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { runLines, parseLinesMessage, LINES_RAW_FILE } from '../../../src/profile/run/lines.js';
import { VecprofError } from '../../../src/errors.js';
import { fixture, lineOf, options, pts, pythonWithNumpy, readTimings, withTemp, FIXTURES } from './support.js';

// Points of share the sampler may miss by: the bar.
const SHARE_TOLERANCE = 0.05;

test('element loop: exact hits, and the hot line takes the share the script measured for itself', async () => {
  await withTemp(async (dir) => {
    const timings = join(dir, 't.json');
    const nSmall = 20_000;
    const nLoop = 600_000;
    const profile = await runLines(await options('loop_share.py', [String(nSmall), String(nLoop), '300000', '6', timings], { outDir: dir }));
    const truth = readTimings(timings);

    assert.equal(profile.meta.mode, 'lines');
    assert.equal(profile.meta.exitStatus, 0);
    // Multi-line loop: body = trip count, header = trip count + 1 (CPython's line events).
    assert.equal(lineOf(profile, 'loop_share.py', 27).hits, nSmall);
    assert.equal(lineOf(profile, 'loop_share.py', 26).hits, nSmall + 1);
    // One-line loop: one event per iteration plus the last test, as CPython reports it.
    const hot = lineOf(profile, 'loop_share.py', 29);
    assert.equal(hot.hits, nLoop + 1);
    assert.equal(lineOf(profile, 'loop_share.py', 32).hits, 6);

    const loopShare = (truth.loop ?? 0) / (truth.wall ?? 1);
    const numpyShare = (truth.numpy ?? 0) / (truth.wall ?? 1);
    assert.ok(Math.abs(hot.share - loopShare) <= SHARE_TOLERANCE, `loop line ${pts(hot.share)} vs measured ${pts(loopShare)}`);
    const sort = lineOf(profile, 'loop_share.py', 32);
    assert.ok(Math.abs(sort.share - numpyShare) <= SHARE_TOLERANCE, `np.sort line ${pts(sort.share)} vs measured ${pts(numpyShare)}`);
    if (Math.abs(loopShare - numpyShare) > 2 * SHARE_TOLERANCE) {
      const hottestOfPhases = profile.lines.filter((l) => [26, 27, 29, 32].includes(l.line))[0];
      assert.equal(hottestOfPhases?.line, loopShare > numpyShare ? 29 : 32, 'the larger phase must rank first');
    }
    assert.ok(existsSync(join(dir, LINES_RAW_FILE)), 'the raw helper output is kept in --out');
    assert.ok(profile.samples && profile.samples.stacks.length > 0, 'sampled stacks for the flame graph');
  });
});

test('NumPy kernels: the Python loop around them is not blamed, the kernel lines get their measured share', async () => {
  await withTemp(async (dir) => {
    const timings = join(dir, 't.json');
    const profile = await runLines(await options('kernels.py', ['1000000', '6', timings]));
    const truth = readTimings(timings);
    const header = lineOf(profile, 'kernels.py', 19);
    assert.equal(header.hits, 7);
    assert.ok(header.share < 0.02, `loop header blamed for ${pts(header.share)}`);
    const kernels = lineOf(profile, 'kernels.py', 20).share + lineOf(profile, 'kernels.py', 21).share;
    const measured = (truth.kernels ?? 0) / (truth.wall ?? 1);
    assert.ok(Math.abs(kernels - measured) <= SHARE_TOLERANCE, `kernel lines ${pts(kernels)} vs measured ${pts(measured)}`);
  });
});

test('--lines FUNC counts only that function and the rest runs untouched', async () => {
  await withTemp(async (dir) => {
    const marks = join(dir, 'marks.json');
    const profile = await runLines(await options('two_funcs.py', [marks], { onlyFunctions: ['Stats.mean', 'no_such_function'] }));
    const lines = [...new Set(profile.lines.map((l) => l.line))].sort((a, b) => a - b);
    assert.deepEqual(lines, [9, 10, 11, 12]);
    assert.equal(lineOf(profile, 'two_funcs.py', 11).hits, 1000);
    assert.equal(lineOf(profile, 'two_funcs.py', 10).hits, 1001);
    assert.equal(lineOf(profile, 'two_funcs.py', 11).function, 'Stats.mean');
    const mean = profile.functions.find((f) => f.name === 'Stats.mean');
    assert.equal(mean?.calls, 1);
    assert.equal(profile.functions.length, 1);
    // The rest of the program was compiled as usual: no counter in it, so it costs nothing.
    assert.deepEqual(readTimings(marks), { 'Stats.mean': true, spread: false });

    // The top level of one file (what a sampling pass reports as `<module>`) without the functions it defines.
    const top = await runLines(await options('two_funcs.py', [], { onlyFunctions: ['two_funcs.py:<module>'] }));
    assert.equal(lineOf(top, 'two_funcs.py', 21).hits, 1001, 'comprehension line: 1 run + 1000 elements');
    assert.ok(!top.lines.some((l) => (l.line >= 9 && l.line <= 12) || (l.line >= 16 && l.line <= 18)), 'no line inside the functions');
  });
});

test('hits equal the line events CPython itself reports (sys.settrace) through loops, break/continue/else, try/except and raises', async () => {
  await withTemp(async (dir) => {
    const reference = join(dir, 'ref.json');
    const python = await pythonWithNumpy();
    const traced = spawnSync(python.command, [fixture('settrace_hits.py'), fixture('control_flow.py'), reference], { cwd: FIXTURES, encoding: 'utf8' });
    assert.equal(traced.status, 0, traced.stderr);
    const expected = readTimings(reference);
    const profile = await runLines(await options('control_flow.py', []));
    const got: Record<string, number> = {};
    for (const l of profile.lines) if (l.file === fixture('control_flow.py')) got[String(l.line)] = l.hits ?? -1;
    const lines = new Set([...Object.keys(expected), ...Object.keys(got)]);
    const differences = [...lines].filter((k) => (expected[k] ?? 0) !== (got[k] ?? 0)).map((k) => `line ${k}: CPython ${expected[k] ?? 0}, vecprof ${got[k] ?? 0}`);
    assert.deepEqual(differences, []);
    assert.ok(Object.keys(expected).length > 30, 'the reference saw the whole script');
  });
});

test('functions decorated for a JIT compiler (@njit, @jit(...)) are left exactly as written', async () => {
  await withTemp(async (dir) => {
    const marks = join(dir, 'marks.json');
    const profile = await runLines(await options('jitted.py', [marks]));
    assert.deepEqual(readTimings(marks), { fast: false, faster: false, plain: true });
    assert.ok(!profile.lines.some((l) => l.line >= 13 && l.line <= 16), 'no line inside fast()');
  });
});

test('a crashing script: the profile of what ran comes back, with its exit status and exact hits', async () => {
  const profile = await runLines(await options('crash.py', []));
  assert.equal(profile.meta.exitStatus, 1);
  assert.equal(lineOf(profile, 'crash.py', 10).hits, 1000);
  assert.equal(lineOf(profile, 'crash.py', 15).hits, 1, 'the raising line is counted too');
});

test('a hanging script stopped by the timeout still yields the profile of what ran', async () => {
  const profile = await runLines(await options('hang.py', [], { timeoutMs: 1500 }));
  assert.equal(profile.meta.stoppedBy, 'timeout');
  assert.equal(profile.meta.exitStatus, 143);
  const spin = lineOf(profile, 'hang.py', 7);
  assert.ok((spin.hits ?? 0) > 1000, `spin line hits ${String(spin.hits)}`);
  assert.ok(spin.share > 0.3, `the spinning loop is the hot part (${pts(spin.share)})`);
});

test('a malformed helper message is a one-line VecprofError, not a crash', () => {
  assert.throws(() => parseLinesMessage({ v: 1, type: 'lines', wallSeconds: 'x' }), VecprofError);
  assert.throws(
    () => parseLinesMessage({ v: 1, type: 'lines', wallSeconds: 1, intervalSeconds: 0.001, lines: [], functions: [], frames: [], stacks: [{ frames: [3], weight: 1 }] }),
    /bad frame index/,
  );
  const ok = parseLinesMessage({
    v: 1,
    type: 'lines',
    wallSeconds: 2,
    intervalSeconds: 0.001,
    lines: [{ file: fixture('x.py'), line: 3, hits: 5, time: 1, function: '<module>' }],
    functions: [],
    frames: [],
    stacks: [],
    unmatched: ['nope'],
  });
  assert.equal(ok.lines[0]?.share, 0.5);
  assert.deepEqual(ok.unmatched, ['nope']);
});
