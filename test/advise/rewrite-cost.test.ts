// Pricing a rewrite by every statement it makes: code without type annotations gets `x = np.asarray(x)` first, and
// that line alone used to be priced (a VEC004 relu came out at ≈1000× where 24× was measured).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice, watchesFor } from '../../src/advise/build.js';
import { rangeStats } from '../../src/advise/join.js';
import { operationsIn, priceRewrite, quotableRewrite, rewriteStatements, type Priced } from '../../src/advise/rewrite-cost.js';
import { array, finding, model, sampledProfile } from './fixtures.js';

const relu = 'out = np.where(x > 0, x, 0.0)';
const unannotated = `x = np.asarray(x)\n${relu}`;

function price(code: string, replacement: string, arrays: Map<string, ReturnType<typeof array>>): Priced {
  const stats = rangeStats([], 8, 9, () => 0, 1);
  const priced = priceRewrite(finding(code, 8, 9, replacement, { symbol: 'x' }), stats, arrays, model);
  assert.ok('predictedSeconds' in priced, JSON.stringify(priced));
  return priced;
}

test('a conversion before the rewrite costs nothing: the unannotated relu is priced as its np.where', () => {
  assert.deepEqual(operationsIn(unannotated), ['where', 'compare']);
  const arrays = new Map([['x', array('x', [1_000_000])]]);
  const annotated = price('VEC004', relu, arrays);
  const converted = price('VEC004', unannotated, arrays);
  // 2 calls × 1 µs + 1e6 × (3 + 0.1) ns = 3.102 ms, with or without the asarray line
  assert.ok(Math.abs(annotated.predictedSeconds - 0.003102) < 1e-9, String(annotated.predictedSeconds));
  assert.equal(converted.predictedSeconds, annotated.predictedSeconds);
  assert.match(converted.basis, /^where \+ compare over 1,000,000 elements .*np\.asarray free on an array/);
});

test('converting a list is not free: the rewrite pays np.asarray per item, at the rate calibrated for it', () => {
  const listModel = { ...model, ops: { ...model.ops, asarray_list: 25 } };
  const arrays = new Map([['x', { name: 'x', shape: [1_000_000], itemsize: 0, nbytes: 0, dtype: 'list' }]]);
  const stats = rangeStats([], 8, 9, () => 0, 1);
  const priced = priceRewrite(finding('VEC004', 8, 9, unannotated, { symbol: 'x' }), stats, arrays, listModel);
  assert.ok('predictedSeconds' in priced);
  // the np.where over 1e6 float64 (3.102 ms) + 1e6 items × 25 ns + one call = 28.103 ms
  assert.ok(Math.abs(priced.predictedSeconds - (0.003102 + 0.025 + 1e-6)) < 1e-9, String(priced.predictedSeconds));
  assert.match(priced.basis, /np\.asarray of the list x: 1,000,000 items at 25\.0 ns each/);
  assert.doesNotMatch(priced.basis, /free on an array/);
});

test('every statement of a rewrite is priced, each as its own expression', () => {
  assert.deepEqual(operationsIn('a, b = np.asarray(a), np.asarray(b)\nout = a * 2.0 + b'), ['multiply', 'add']);
  assert.deepEqual(operationsIn('y = np.maximum(x, 0.0)\nz = y * 2.0'), ['maximum', 'multiply']);
  const arrays = new Map([['x', array('x', [1000])]]);
  const two = price('VEC001', 'y = np.maximum(x, 0.0)\nz = y * 2.0', arrays);
  // two calls, and no in-place discount across statements: 2 µs + 1000 × (0.3 + 0.1) ns
  assert.ok(Math.abs(two.predictedSeconds - (2e-6 + 1000 * 0.4e-9)) < 1e-15, String(two.predictedSeconds));
});

test('a function rewrite (VEC006) is priced by its body, not by its def line or annotations', () => {
  const rewrite = 'def f(t: float) -> float:  # without @np.vectorize\n    y = np.maximum(t, 0.0)\n    return y * 2.0 + 1e-3\nout = f(x)  # on the whole arrays';
  assert.deepEqual(operationsIn(rewrite), ['maximum', 'multiply', 'add']);
  assert.equal(rewriteStatements(rewrite).length, 3, 'the def line is not a statement that computes');
});

test('strings, comments, slices, negative numbers and arithmetic between numbers are not whole-array work', () => {
  assert.deepEqual(operationsIn("out = a @ w  # or np.einsum('bnm,mk->bnk', a, w) for stacks of matrices"), []);
  assert.deepEqual(operationsIn('d = np.zeros(len(cov) + 1, dtype=int)'), ['zeros']);
  assert.deepEqual(operationsIn('cov += d[:-1].cumsum()'), ['add', 'add'], 'cumsum, and the in-place add into cov');
  assert.deepEqual(operationsIn('s += a.sum()'), ['sum'], 'a reduction added into a scalar');
  assert.deepEqual(operationsIn('y = x * 1e-3 - 2 * 3'), ['multiply', 'add']);
  assert.deepEqual(operationsIn('f = lambda t: t * 2.0 + 1.0'), ['multiply', 'add']);
  assert.deepEqual(operationsIn('w = x * 2 * 3'), ['multiply', 'multiply'], 'two passes over x, as NumPy runs it');
  assert.deepEqual(operationsIn('m = (a > 0) & (b < 1)'), ['compare', 'compare', 'compare']);
  assert.deepEqual(operationsIn('frames = x[:n_blocks * block].reshape(n_blocks, block, *x.shape[1:])'), [], 'slice bounds and unpacking');
  assert.deepEqual(operationsIn('y = x[x > 0] * 2'), ['compare', 'multiply'], 'a mask is whole-array work');
  assert.deepEqual(operationsIn('phase = (onp.arange(n) * freq / SR) % 1.0'), ['arange', 'multiply', 'divide', 'divide'], 'NumPy under another alias');
  assert.deepEqual(operationsIn('a = math.cos(phi0) * np.cos(phi)'), ['tanh', 'multiply'], 'math.cos is a scalar');
});

test('the sentence quotes the working statement, not the conversion before it', () => {
  assert.equal(quotableRewrite(unannotated), relu);
  assert.equal(quotableRewrite(`${relu}  # or np.maximum(x, 0)`), relu);
  assert.equal(quotableRewrite('# apply the body to all of x at once'), null);
  assert.equal(quotableRewrite('y = np.maximum(x, 0.0)\nz = y * 2.0'), null);
  assert.equal(quotableRewrite('frames = x.reshape(n, 32)  # one frame per row\n# then the body once on all rows'), null, 'a hint that goes on in prose');
});

test('advice on an unannotated loop shows and prices the np.where, and watches the names of every rewrite line', () => {
  const profile = sampledProfile([
    { line: 8, hits: 1_000_001, samples: 100 },
    { line: 9, hits: 1_000_000, samples: 500 },
  ]);
  const f = finding('VEC004', 8, 9, unannotated, { symbol: 'out', message: 'per-element branch' });
  const shapes = new Map([['/w/app.py:8:VEC004', [array('out', [1_000_000]), array('x', [1_000_000])]]]);
  const [top] = buildAdvice({ profile, findings: [f], shapes, model, sources: {}, cwd: '/w', displayPath: (p) => p });
  assert.ok(top?.prediction);
  assert.ok(Math.abs(top.prediction.predictedSeconds - 0.003102) < 1e-9, String(top.prediction.predictedSeconds));
  assert.match(top.summary, /`out = np\.where\(x > 0, x, 0\.0\)` should take ≈3\.10 ms instead of 600 ms \(≈193×\)/);
  assert.doesNotMatch(top.summary, /asarray/);
  assert.equal(top.detail, top.summary.slice(top.summary.indexOf('per-element branch')));
  const second = finding('VEC001', 8, 9, 'x = np.asarray(x)\nout = scale * x');
  const [watch] = watchesFor(profile, [second], {}, '/w');
  assert.ok(watch!.names.includes('scale'), `names of the second line too: ${watch!.names.join(', ')}`);
});

test('a rewrite of several working statements is named by its size', () => {
  const profile = sampledProfile([
    { line: 8, hits: 1_000_001, samples: 100 },
    { line: 9, hits: 1_000_000, samples: 500 },
  ]);
  const f = finding('VEC001', 8, 9, 'y = np.maximum(x, 0.0)\nz = y * 2.0');
  const [top] = buildAdvice({ profile, findings: [f], shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (p) => p });
  assert.match(top!.summary, /the 2-statement rewrite should take ≈/);
});
