// The arithmetic behind the pitfalls: errors in ulps, the condition number, the shortest op timeable unbatched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reductionCase, shortestUnbatched, unbatchedOverhead, unbatchedPoint, warmupOp } from '../../../src/budget/pitfalls.js';

test('reduction: relative error and ulps against the exact sum, condition number from the magnitudes', () => {
  const c = reductionCase({
    v: 1,
    type: 'reduction',
    data: 'cancelling',
    dtype: 'float32',
    n: 4,
    exact: 2,
    ulp: 2 ** -22,
    magnitude: 2000,
    sums: { 'Python loop': 2 + 3 * 2 ** -22, 'np.sum(a) (pairwise)': 2 },
  });
  assert.equal(c.conditionNumber, 1000);
  const loop = c.methods.find((m) => m.method === 'Python loop')!;
  assert.equal(loop.ulps, 3);
  assert.ok(Math.abs(loop.relativeError - (3 * 2 ** -22) / 2) < 1e-18);
  assert.equal(c.methods.find((m) => m.method.startsWith('np.sum'))!.ulps, 0);
  assert.equal(c.methods.at(-1)!.method, 'math.fsum (exact reference)');
});

test('unbatched timing error is (one call − batched) / batched on the minimums; medians kept beside', () => {
  const p = unbatchedPoint({ v: 1, type: 'unbatched', size: 16, batched_ns: [100, 120, 300], single_ns: [150, 160, 9000] });
  assert.equal(p.batchedMinNs, 100);
  assert.equal(p.singleMinNs, 150);
  assert.equal(p.batchedNs, 120);
  assert.equal(p.singleNs, 160);
  assert.equal(p.error, 0.5);
});

test('the shortest op timeable unbatched is the first size from which every error stays within 5 %', () => {
  const point = (size: number, batched: number, single: number) => ({
    size,
    batchedNs: batched,
    singleNs: single,
    batchedMinNs: batched,
    singleMinNs: single,
    error: (single - batched) / batched,
  });
  const pts = [point(1, 500, 1500), point(16, 600, 620), point(256, 1000, 1200), point(4096, 9000, 9300), point(65536, 90000, 90500)];
  assert.deepEqual(shortestUnbatched(pts), { size: 4096, ns: 9000 }, 'a lucky small size does not count');
  assert.equal(shortestUnbatched(pts.slice(0, 3)), null);
  // A single call faster than the batched time is noise, not timer bias: it does not disqualify a size.
  assert.deepEqual(shortestUnbatched([...pts, point(262144, 37000, 34000)]), { size: 4096, ns: 9000 });
  assert.equal(unbatchedOverhead(pts), 200, 'median of 1000, 20 and 200 ns over the three smallest sizes');
});

test('first calls: median and range over fresh processes, against the pooled warm median', () => {
  const w = warmupOp('a.sum()', { first: [900, 1000, 5000], second: [200, 210, 190], warm: [100, 100, 110, 90, 100] });
  assert.equal(w.firstNs, 1000);
  assert.equal(w.firstMinNs, 900);
  assert.equal(w.firstMaxNs, 5000);
  assert.equal(w.secondNs, 200);
  assert.equal(w.firstOverWarm, 10);
  assert.equal(w.processes, 3);
});
