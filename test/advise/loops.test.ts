// Hot loops without a finding are judged over their whole range: a loop whose lines each take under 5 % of the run
// while the loop takes 28 % used to be dropped line by line before the lines were put together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice, watchesFor } from '../../src/advise/build.js';
import { loopRangesOf } from '../../src/advise/loops.js';
import { finding, model, sampledProfile, source } from './fixtures.js';

// walk(): a seven-line loop (7–13) of 200,000 iterations, then a two-line loop (14–15) of 50,000.
const walk = source({
  4: 'def walk(xs, ys):',
  5: '    n = len(xs)',
  6: '    acc = 0.0',
  7: '    for i in range(n):',
  8: '        u = xs[i]',
  9: '        v = ys[i]',
  10: '        w = u * v',
  11: '        acc = acc + w',
  12: '        if acc > 1e9:',
  13: '            acc = 0.0',
  14: '    for k in range(n // 4):',
  15: '        acc += k',
  16: '    # done',
  17: '    return acc',
});

/** Every line of the big loop under 5 % of the 1 s run (28 % together); the small loop at 6 % on one line. */
function walkProfile() {
  return sampledProfile([
    { line: 7, hits: 200_001, samples: 40, function: 'walk' },
    { line: 8, hits: 200_000, samples: 45, function: 'walk' },
    { line: 9, hits: 200_000, samples: 45, function: 'walk' },
    { line: 10, hits: 200_000, samples: 45, function: 'walk' },
    { line: 11, hits: 200_000, samples: 45, function: 'walk' },
    { line: 12, hits: 200_000, samples: 45, function: 'walk' },
    { line: 13, hits: 0, samples: 15, function: 'walk' },
    { line: 14, hits: 50_001, samples: 10, function: 'walk' },
    { line: 15, hits: 50_000, samples: 60, function: 'walk' },
  ]);
}

test('loop ranges come from the source: headers, bodies to their last code line, nesting', () => {
  const text = ['for i in range(3):', '    for j in range(4):', '        x = i * j', '', '        # note', '    y = i', '', 'while x: x -= 1', 'z = [k for k in range(3)]'].join('\n');
  const loops = loopRangesOf(text)!;
  assert.deepEqual(loops.map((l) => [l.start, l.end, l.depth]), [
    [1, 6, 0],
    [2, 3, 1],
    [8, 8, 0],
  ]);
  assert.equal(loops[1]!.parent, loops[0]);
  assert.deepEqual(loopRangesOf(walk['/w/app.py']!)!.map((l) => [l.start, l.end]), [
    [7, 13],
    [14, 15],
  ]);
  assert.equal(loopRangesOf('x = "unterminated'), null);
});

test('a loop whose lines are each under 5 % but take 28 % together is one item over its range', () => {
  const items = buildAdvice({ profile: walkProfile(), findings: [], shapes: new Map(), model, sources: walk, cwd: '/w', displayPath: (p) => p });
  const loops = items.filter((a) => a.kind === 'hot-loop');
  assert.deepEqual(loops.map((a) => [a.line, a.endLine, a.hits]), [
    [7, 13, 200_000],
    [14, 15, 50_000],
  ]);
  const big = loops[0]!;
  assert.ok(Math.abs(big.timeSeconds - 0.28) < 1e-12, String(big.timeSeconds));
  assert.ok(Math.abs(big.perIterationNs! - 1400) < 1e-6, '0.28 s over 200,000 iterations');
  assert.match(big.summary, /^lines 7–13 run 200,000 times and take 28 % of the run: hot Python loop, no known pattern/);
  assert.equal(big.notPriced, 'no rule recognises this loop, so there is no rewrite to price');
  // the two-line loop: the header alone (1 %) would have been dropped and only line 15 listed
  assert.ok(Math.abs(loops[1]!.timeSeconds - 0.07) < 1e-12);
});

test('without the source, lines that ran often and sit together are taken for one loop', () => {
  const items = buildAdvice({ profile: walkProfile(), findings: [], shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (p) => p });
  const loops = items.filter((a) => a.kind === 'hot-loop').map((a) => [a.line, a.endLine]);
  // line 13 ran 0 times: the run of often-run lines stops at 12 and picks up again at 14
  assert.deepEqual(loops, [[7, 12], [14, 15]]);
});

test('an inner loop hot on its own is listed alone; the outer loop only for what is left', () => {
  const text = source({ 3: 'for epoch in range(10):', 4: '    for i in range(n):', 5: '        s += a[i]', 6: '    log(s)' });
  const profile = sampledProfile([
    { line: 3, hits: 11, samples: 1 },
    { line: 4, hits: 1_000_010, samples: 100 },
    { line: 5, hits: 1_000_000, samples: 500 },
    { line: 6, hits: 10, samples: 2 },
  ]);
  const items = buildAdvice({ profile, findings: [], shapes: new Map(), model, sources: text, cwd: '/w', displayPath: (p) => p });
  assert.deepEqual(items.map((a) => [a.kind, a.line, a.endLine]), [['hot-loop', 4, 5]]);
  assert.equal(items[0]!.hits, 1_000_000);
});

test('a loop around a finding is listed for its other lines, and says which lines it leaves out', () => {
  const text = source({ 3: 'for step in range(m):', 4: '    g = grad(w)', 5: '    for i in range(n):', 6: '        out[i] = x[i] if x[i] > 0 else 0', 7: '    w = update(w, g, out)' });
  const profile = sampledProfile([
    { line: 3, hits: 20_001, samples: 20 },
    { line: 4, hits: 20_000, samples: 40 },
    { line: 5, hits: 60_000, samples: 100 },
    { line: 6, hits: 40_000, samples: 300 },
    { line: 7, hits: 20_000, samples: 40 },
  ]);
  const f = finding('VEC004', 5, 6, 'out = np.where(x > 0, x, 0)');
  const items = buildAdvice({ profile, findings: [f], shapes: new Map(), model, sources: text, cwd: '/w', displayPath: (p) => p });
  const outer = items.find((a) => a.kind === 'hot-loop');
  assert.ok(outer, JSON.stringify(items.map((a) => a.summary)));
  assert.deepEqual([outer.line, outer.endLine, outer.hits], [3, 7, 20_000]);
  assert.ok(Math.abs(outer.timeSeconds - 0.1) < 1e-12, 'lines 3, 4 and 7; not the finding');
  assert.match(outer.summary, /^lines 3–7, apart from lines 5–6, run 20,000 times and take 10 % of the run/);
});

test('a short loop around NumPy kernels is not a Python loop: its hot lines are listed as kernels', () => {
  const text = source({ 3: 'for _ in range(20):', 4: '    y = x + 1.0', 5: '    z = np.exp(y)' });
  const kernel = { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 };
  const profile = sampledProfile([
    { line: 3, hits: 21, samples: 1 },
    { line: 4, hits: 20, samples: 200, split: kernel },
    { line: 5, hits: 20, samples: 300, split: kernel },
  ]);
  const items = buildAdvice({ profile, findings: [], shapes: new Map(), model, sources: text, cwd: '/w', displayPath: (p) => p });
  assert.deepEqual(items.map((a) => [a.kind, a.line]), [['numpy-kernel', 5], ['numpy-kernel', 4]]);
});

test('the shape probe watches a hot loop over its whole range', () => {
  const watches = watchesFor(walkProfile(), [], walk, '/w');
  const loop = watches.find((w) => w.id === '/w/app.py:7:loop');
  assert.ok(loop, watches.map((w) => w.id).join(', '));
  assert.deepEqual(loop.names.sort(), ['acc', 'i', 'n', 'u', 'v', 'w', 'xs', 'ys']);
});

test('an import is not advice, however long it takes', () => {
  const text = source({ 1: 'import numpy as np', 2: 'from scipy import linalg', 3: 'y = np.exp(x)' });
  const native = { python: 0.2, numpyScalar: 0, nativeKernel: 0, otherNative: 0.8 };
  const profile = sampledProfile([
    { line: 1, hits: 1, samples: 200, split: native },
    { line: 2, hits: 1, samples: 200, split: native },
    { line: 3, hits: 1, samples: 200, split: native },
  ]);
  const items = buildAdvice({ profile, findings: [], shapes: new Map(), model, sources: text, cwd: '/w', displayPath: (p) => p });
  assert.deepEqual(items.map((a) => [a.kind, a.line]), [['numpy-kernel', 3]]);
});

test('without the source, adjacent kernel lines that ran often are each listed, and each watched', () => {
  const kernel = { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 };
  const profile = sampledProfile([
    { line: 9, hits: 5_001, samples: 10, function: 'step' },
    { line: 10, hits: 5_000, samples: 300, function: 'step', split: kernel },
    { line: 11, hits: 5_000, samples: 400, function: 'step', split: kernel },
  ]);
  const items = buildAdvice({ profile, findings: [], shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (p) => p });
  assert.deepEqual(items.map((a) => [a.kind, a.line]), [['numpy-kernel', 11], ['numpy-kernel', 10]]);
  const ids = watchesFor(profile, [], {}, '/w').map((w) => w.id);
  assert.ok(ids.includes('/w/app.py:10:line') && ids.includes('/w/app.py:11:line'), ids.join(', '));
});
