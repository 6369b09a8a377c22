// A NumPy line is bandwidth-bound against the peak for where its arrays live, counting the same bytes: arrays beyond
// the last-level cache against memory bandwidth (copy/triad, read + written; a reduction's against the read rate of
// a.sum()), arrays in cache against the in-cache peak measured for that working set. No line is ever "189 %" of one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice } from '../../src/advise/build.js';
import { inCachePeakAt } from '../../src/advise/costmodel.js';
import { describeBandwidth, readsOnly } from '../../src/advise/bandwidth.js';
import { array, model, sampledProfile } from './fixtures.js';

const MiB = 2 ** 20;

test('arrays beyond the last-level cache are held against memory bandwidth, and the verdict says which bytes count', () => {
  // 9 GB/s over 64 MiB: 90 % of the 10 GB/s memory bandwidth, though only 45 % of the 20 GB/s in-cache peak
  const v = describeBandwidth(9e9, model, 64 * MiB);
  assert.equal(v.comparedWith, 'memory');
  assert.equal(v.peakBytesPerSecond, 10e9);
  assert.equal(v.counted, 'read + written');
  assert.ok(Math.abs(v.percentOfPeak! - 90) < 1e-9);
  assert.equal(v.bound, true);
  assert.equal(
    v.text,
    'bandwidth-bound: moves at least 9.00 GB/s (read + written: the arrays it names, once per run), 90 % of this machine\'s memory bandwidth ' +
      '(10.0 GB/s by copy/triad; 64.0 MiB of arrays do not fit the 32.0 MiB cache): vectorizing further will not help',
  );
});

test('arrays that fit the cache are held against the in-cache peak for their size', () => {
  const v = describeBandwidth(9e9, model, 4 * MiB);
  assert.equal(v.comparedWith, 'cache');
  assert.equal(v.peakBytesPerSecond, 20e9);
  assert.equal(v.bound, false);
  assert.equal(v.text, 'NumPy kernel: moves at least 9.00 GB/s (read + written: the arrays it names, once per run), 45 % of the in-cache peak (20.0 GB/s by np.add for 4.00 MiB of arrays)');
});

test('a line faster than the measured peak is "at the measured peak", never a percentage over 100', () => {
  // the audit's case: np.add(a, 1.0, out=b) on 8M float64 held against a peak below what it achieved
  const v = describeBandwidth(18.9e9, model, 128 * MiB);
  assert.equal(v.percentOfPeak, 100);
  assert.equal(v.bound, true);
  assert.match(v.text, /, at the measured peak \(this machine's memory bandwidth: 10\.0 GB\/s by copy\/triad; 128 MiB of arrays/);
  assert.doesNotMatch(v.text, /\d{3,} %/);
  const inCache = describeBandwidth(36e9, model, 1.6e6);
  assert.equal(inCache.percentOfPeak, 100);
  assert.match(inCache.text, /at the measured peak \(the in-cache peak: 20\.0 GB\/s by np\.add/);
});

test('a reduction from memory is held against the read rate of a.sum(), and says it counts bytes read', () => {
  const v = describeBandwidth(4.5e9, model, 64 * MiB, { readOnly: true });
  assert.equal(v.counted, 'read');
  assert.equal(v.peakBytesPerSecond, model.memoryReadBytesPerSecond);
  assert.ok(Math.abs(v.percentOfPeak! - 90) < 1e-9);
  assert.match(v.text, /^bandwidth-bound: moves at least 4\.50 GB\/s \(read: the arrays it names, once per run\), 90 % of this machine's memory read rate \(5\.00 GB\/s by a\.sum\(\);/);
  assert.equal(readsOnly('    total += big.sum()'), true);
  assert.equal(readsOnly('s = np.max(a, axis=0)  # largest per column'), true);
  assert.equal(readsOnly('np.sum(a, axis=0, out=col)'), false);
  assert.equal(readsOnly('np.add(a, 1.0, out=b)'), false);
  assert.equal(readsOnly('y = a * 2  # not .sum()'), false);
});

test('the in-cache peak is read from its table by working set, clamped at its ends', () => {
  const table = { ...model, inCachePeak: [{ bytes: 512 * 1024, bytesPerSecond: 150e9 }, { bytes: 2 * MiB, bytesPerSecond: 100e9 }, { bytes: 8 * MiB, bytesPerSecond: 90e9 }] };
  assert.equal(inCachePeakAt(table, 64 * 1024), 150e9);
  assert.ok(Math.abs(inCachePeakAt(table, 2 * MiB) - 100e9) < 1e3);
  assert.equal(inCachePeakAt(table, 16 * MiB), 90e9);
  const mid = inCachePeakAt(table, MiB);
  assert.ok(mid < 150e9 && mid > 100e9, String(mid));
  // without a table (an old model): the fastest bandwidth the model knows
  assert.equal(inCachePeakAt({ ...model, inCachePeak: [] }, MiB), Math.max(model.cacheBytesPerSecond, model.memoryBytesPerSecond));
});

test('a hot NumPy line over a 64 MiB array streaming near memory speed is labelled bandwidth-bound', () => {
  // 40 sums of 64 MiB in 0.3 s of a 1 s run: 8.9 GB/s
  const profile = sampledProfile([{ line: 5, hits: 40, samples: 300, split: { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 } }]);
  const shapes = new Map([['/w/app.py:5:line', [array('x', [8 * MiB])]]]);
  const [kernel] = buildAdvice({ profile, findings: [], shapes, model, sources: {}, cwd: '/w', displayPath: (p) => p });
  assert.equal(kernel?.kind, 'numpy-kernel');
  assert.deepEqual([kernel.bandwidth?.comparedWith, kernel.bandwidth?.bound, kernel.bandwidth?.counted], ['memory', true, 'read + written']);
  assert.ok(Math.abs(kernel.bandwidth!.bytesPerSecond - (40 * 64 * MiB) / 0.3) < 1);
  assert.match(kernel.summary, /^line 5 takes 30 % of the run: bandwidth-bound: moves at least 8\.95 GB\/s \(read \+ written: the arrays it names, once per run\), 89 % of this machine's memory bandwidth/);
  assert.equal(kernel.notPriced, undefined, 'a kernel with its bandwidth is not an unpriced item');
});

test('a hot reduction line (read from its source) is held against the read rate', () => {
  // 40 sums of 64 MiB in 0.6 s: 4.5 GB/s, 89 % of the 5 GB/s read rate but 45 % of the 10 GB/s copy/triad bandwidth
  const profile = sampledProfile([{ line: 2, hits: 40, samples: 600, split: { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 } }]);
  const shapes = new Map([['/w/app.py:2:line', [array('x', [8 * MiB])]]]);
  const sources = { '/w/app.py': 'for _ in range(40):\n    total += x.sum()\n' };
  const [kernel] = buildAdvice({ profile, findings: [], shapes, model, sources, cwd: '/w', displayPath: (p) => p });
  assert.deepEqual([kernel?.bandwidth?.counted, kernel?.bandwidth?.bound, kernel?.bandwidth?.peakBytesPerSecond], ['read', true, 5e9]);
});
