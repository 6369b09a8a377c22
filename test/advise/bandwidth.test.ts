// A NumPy line is bandwidth-bound against the peak for where its arrays live: arrays larger than the last-level
// cache stream from memory, which the in-cache peak would make look slow however close to its limit they run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice } from '../../src/advise/build.js';
import { describeBandwidth } from '../../src/advise/rewrite-cost.js';
import { array, model, sampledProfile } from './fixtures.js';

const MiB = 2 ** 20;

test('arrays beyond the last-level cache are held against memory bandwidth, and the verdict says so', () => {
  // 9 GB/s over 64 MiB: 90 % of the 10 GB/s memory bandwidth, though only 45 % of the 20 GB/s in-cache peak
  const v = describeBandwidth(9e9, model, 64 * MiB);
  assert.equal(v.comparedWith, 'memory');
  assert.equal(v.peakBytesPerSecond, 10e9);
  assert.ok(Math.abs(v.percentOfPeak! - 90) < 1e-9);
  assert.equal(v.bound, true);
  assert.match(v.text, /^bandwidth-bound at 90 % of this machine's memory bandwidth \(10\.0 GB\/s: 64\.0 MiB of arrays do not fit the 32\.0 MiB cache\)/);
  assert.match(v.text, /vectorizing further will not help$/);
});

test('arrays that fit the cache are held against the in-cache peak', () => {
  const v = describeBandwidth(9e9, model, 4 * MiB);
  assert.equal(v.comparedWith, 'cache');
  assert.equal(v.peakBytesPerSecond, 20e9);
  assert.equal(v.bound, false);
  assert.match(v.text, /^NumPy kernel streaming at least 9\.00 GB\/s, 45 % of the in-cache peak \(20\.0 GB\/s\)$/);
});

test('a hot NumPy line over a 64 MiB array streaming near memory speed is labelled bandwidth-bound', () => {
  // 40 sums of 64 MiB in 0.3 s of a 1 s run: 8.9 GB/s
  const profile = sampledProfile([{ line: 5, hits: 40, samples: 300, split: { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 } }]);
  const shapes = new Map([['/w/app.py:5:line', [array('x', [8 * MiB])]]]);
  const [kernel] = buildAdvice({ profile, findings: [], shapes, model, sources: {}, cwd: '/w', displayPath: (p) => p });
  assert.equal(kernel?.kind, 'numpy-kernel');
  assert.deepEqual([kernel.bandwidth?.comparedWith, kernel.bandwidth?.bound], ['memory', true]);
  assert.ok(Math.abs(kernel.bandwidth!.bytesPerSecond - (40 * 64 * MiB) / 0.3) < 1);
  assert.match(kernel.summary, /^line 5 takes 30 % of the run: bandwidth-bound at 89 % of this machine's memory bandwidth/);
  assert.equal(kernel.notPriced, undefined, 'a kernel with its bandwidth is not an unpriced item');
});
