import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMedians, bootstrapRatio, seededRandom, summarize, theilSen } from '../../src/budget/stats.js';

test('summarize: median, MAD, quartiles and IQR outliers of a known set', () => {
  const s = summarize([10, 11, 12, 13, 14, 15, 16, 17, 18, 100]);
  assert.equal(s.n, 10);
  assert.equal(s.min, 10);
  assert.equal(s.median, 14.5);
  assert.equal(s.mad, 2.5); // |x - 14.5| sorted: 0.5 0.5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 85.5 → median 2.5
  assert.equal(s.outliers, 1); // only 100 lies beyond q3 + 1.5 IQR
  assert.ok(Math.abs(s.relativeSpread - 2.5 / 14.5) < 1e-12);
});

test('summarize: a single sample has zero spread; no samples is an error', () => {
  const s = summarize([5]);
  assert.deepEqual([s.median, s.mad, s.outliers], [5, 0, 0]);
  assert.throws(() => summarize([]), /no samples/);
});

test('seededRandom repeats for the same seed and differs across seeds', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const xs = [a(), a(), a()];
  assert.deepEqual(xs, [b(), b(), b()]);
  assert.notDeepEqual(xs, [c(), c(), c()]);
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

test('bootstrapRatio brackets the ratio of medians and is deterministic', () => {
  const random = seededRandom(7);
  const loop = Array.from({ length: 200 }, () => 100 + random() * 10);
  const numpy = Array.from({ length: 200 }, () => 2 + random() * 0.2);
  const r1 = bootstrapRatio(loop, numpy, { seed: 1 });
  const r2 = bootstrapRatio(loop, numpy, { seed: 1 });
  assert.deepEqual(r1, r2);
  assert.ok(r1.low <= r1.estimate && r1.estimate <= r1.high, JSON.stringify(r1));
  assert.ok(Math.abs(r1.estimate - 50) < 2, `ratio of medians ≈ 50, got ${r1.estimate}`);
  assert.ok(r1.high - r1.low < 3, 'narrow interval for tight samples');
});

test('bootstrapMedians: a wider spread gives a wider interval', () => {
  const random = seededRandom(3);
  const tight = Array.from({ length: 100 }, () => 10 + random());
  const loose = Array.from({ length: 100 }, () => 10 + 10 * random());
  const t = bootstrapMedians([tight], ([m]) => m!);
  const l = bootstrapMedians([loose], ([m]) => m!);
  assert.ok(l.high - l.low > 3 * (t.high - t.low));
});

test('theilSen ignores one wild point that would tilt least squares', () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8];
  const ys = xs.map((x) => 3 * x + 2);
  ys[7] = 500;
  const fit = theilSen(xs, ys);
  assert.ok(Math.abs(fit.slope - 3) < 1e-9, `slope ${fit.slope}`);
  assert.ok(Math.abs(fit.intercept - 2) < 1e-9, `intercept ${fit.intercept}`);
  assert.throws(() => theilSen([1], [1]), /two points/);
});
