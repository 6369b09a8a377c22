import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice, namesIn, watchesFor } from '../../src/advise/build.js';
import { rangeStats, lineSecondsFor, secondsPerSample } from '../../src/advise/join.js';
import { chainedOperatorFactor, countCalls, operationsIn, priceRewrite, type Priced } from '../../src/advise/rewrite-cost.js';
import { model } from './fixtures.js';
import type { Finding } from '../../src/check/types.js';
import type { LineStat, Profile } from '../../src/profile/model.js';

// A 1 s run sampled 1000 times: the relu loop (lines 8-9) has 600 samples, a NumPy line (14) 300, line 30 runs a
// loop body 50,000 times with no finding, and line 40's loop never ran hot.
function profile(): Profile {
  const line = (l: number, extra: Partial<LineStat>): LineStat => ({ file: '/w/app.py', line: l, share: 0, ...extra });
  return {
    version: 1,
    meta: { mode: 'auto', passes: [], command: ['app.py'], startedAt: '', durationSeconds: 1, exitStatus: 0 },
    functions: [],
    lines: [
      line(8, { hits: 1_000_001, samples: 100, share: 0.2 }),
      line(9, { hits: 1_000_000, samples: 500, share: 0.6 }),
      line(14, { hits: 3, samples: 300, share: 0.1, split: { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 } }),
      line(30, { hits: 50_000, samples: 80, share: 0.05 }),
      line(40, { hits: 11, samples: 1, share: 0.001 }),
    ],
    samples: { frames: [{ name: 'x', file: '/w/app.py', line: 1 }], stacks: [{ frames: [0], weight: 1000 }] },
  };
}

const relu: Finding = {
  path: '/w/app.py',
  code: 'VEC004',
  message: 'per-element branch in a Python loop over `x`',
  line: 8,
  column: 5,
  endLine: 9,
  endColumn: 1,
  symbol: 'x',
  loop: { startLine: 8, endLine: 9 },
  fix: { description: '', replacement: 'out = np.maximum(x, 0)', safety: 'unsafe' },
};
const coldLoop: Finding = { ...relu, code: 'VEC001', line: 40, endLine: 41, loop: { startLine: 40, endLine: 41 }, fix: { description: '', replacement: 'total = a.sum()', safety: 'unsafe' } };

test('rangeStats: trip count, entries and seconds from samples', () => {
  const p = profile();
  const s = rangeStats(p.lines, 8, 9, lineSecondsFor(p), 1);
  assert.equal(s.bodyHits, 1_000_000);
  assert.equal(s.entries, 1);
  assert.ok(Math.abs(s.timeSeconds - 0.6) < 1e-12, `600 of 1000 samples of 1 s, got ${s.timeSeconds}`);
  assert.ok(Math.abs(s.share - 0.6) < 1e-12);
});

test('rangeStats: a plain (unprofiled) wall time rescales the sampled seconds', () => {
  const p = profile();
  const s = rangeStats(p.lines, 8, 9, lineSecondsFor(p, 0.5), 0.5);
  assert.ok(Math.abs(s.timeSeconds - 0.3) < 1e-12);
});

test('secondsPerSample: the sampler\'s interval when its samples cover the run bar start-up, else the wall shared out', () => {
  // 54 samples at 4 ms of a 0.26 s run: 0.216 s sampled, the rest was the interpreter starting.
  assert.equal(secondsPerSample(54, 0.004, 0.26), 0.004);
  // A sampler starved of CPU took 100 samples in 4 s: each stands for 40 ms of the run, not 4.
  assert.ok(Math.abs(secondsPerSample(100, 0.004, 4) - 0.04) < 1e-12);
  // More samples than the wall allows, or no interval recorded: the wall shared out.
  assert.ok(Math.abs(secondsPerSample(300, 0.004, 1) - 1 / 300) < 1e-12);
  assert.ok(Math.abs(secondsPerSample(10, undefined, 1) - 0.1) < 1e-12);
  assert.equal(secondsPerSample(0, 0.004, 1), 0);
});

test('lineSecondsFor: samples times the interval, shrunk by the sampler\'s slowdown', () => {
  const p = profile();
  p.meta.durationSeconds = 1.2; // 1000 samples at 1 ms = 1 s sampled; 0.2 s of start-up
  p.samples!.intervalSeconds = 0.001;
  const line9 = p.lines.find((l) => l.line === 9)!;
  assert.ok(Math.abs(lineSecondsFor(p)(line9) - 0.5) < 1e-12);
  // Without the sampler the run took 1.08 s: 10 % faster, and so is each sampled second.
  assert.ok(Math.abs(lineSecondsFor(p, 1.08)(line9) - 0.45) < 1e-12);
});

test('buildAdvice ranks the priced finding first, then the hot loop and the kernel, and the cold finding last', () => {
  const shapes = new Map([
    ['/w/app.py:8:VEC004', [{ name: 'x', shape: [1_000_000], itemsize: 8, nbytes: 8_000_000, dtype: 'float64' }]],
    ['/w/app.py:14:line', [{ name: 'm', shape: [2000, 500], itemsize: 8, nbytes: 8_000_000, dtype: 'float64' }]],
  ]);
  const items = buildAdvice({ profile: profile(), findings: [coldLoop, relu], shapes, model, sources: {}, cwd: '/w', displayPath: (p) => p });
  assert.deepEqual(items.map((a) => [a.rank, a.kind, a.line]), [
    [1, 'vectorize', 8],
    [2, 'numpy-kernel', 14],
    [3, 'hot-loop', 30],
    [4, 'cold', 40],
  ]);
  const top = items[0]!;
  // np.maximum over 1e6 float64: 16 MB in and out fits the 32 MiB cache, where the calibrated 0.3 ns per element
  // holds: 1 µs + 0.3 ms = 0.301 ms.
  assert.ok(Math.abs(top.prediction!.predictedSeconds - 0.000301) < 1e-9, String(top.prediction!.predictedSeconds));
  assert.ok(Math.abs(top.prediction!.speedup - 0.6 / 0.000301) < 1e-6);
  assert.match(top.summary, /runs 1,000,000 times and takes 60 % of the run/);
  assert.match(top.summary, /`out = np.maximum\(x, 0\)` should take ≈301 µs instead of 600 ms/);
  const kernel = items[1]!;
  // 8 MB per call × 3 calls in 0.3 s = 80 MB/s: far from the 20 GB/s peak, so not bandwidth-bound
  assert.equal(kernel.bandwidth!.bound, false);
  assert.ok(Math.abs(kernel.bandwidth!.bytesPerSecond - 8e7) < 1);
  assert.match(items[2]!.summary, /hot Python loop, no known pattern/);
  assert.match(items[3]!.summary, /ran cold/);
});

test('a one-line cold finding carries its own hit count, so it reads "ran" and not "did not run"', () => {
  const log: Finding = { ...relu, code: 'LOG001', message: 'print() in library code', line: 40, endLine: 40, loop: undefined, fix: undefined };
  const items = buildAdvice({ profile: profile(), findings: [log], shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (p) => p });
  const cold = items.find((a) => a.finding?.code === 'LOG001')!;
  assert.equal(cold.kind, 'cold');
  assert.equal(cold.hits, 11);
  assert.doesNotMatch(cold.summary, /did not run/);
});

test('watches ask for the arrays named in the loop and in the rewrite', () => {
  const sources = { '/w/app.py': Array.from({ length: 45 }, (_, i) => (i === 7 ? 'for i in range(len(x)):' : i === 8 ? '    out[i] = x[i] if x[i] > 0 else 0' : '')).join('\n') };
  const watches = watchesFor(profile(), [relu], sources, '/w');
  const first = watches.find((w) => w.id === '/w/app.py:8:VEC004')!;
  assert.deepEqual(first.names.sort(), ['i', 'out', 'x']);
  assert.ok(watches.some((w) => w.id === '/w/app.py:14:line'), 'hot lines without findings are watched too');
});

test('namesIn keeps identifiers and self attributes, drops keywords, builtins and strings', () => {
  assert.deepEqual(namesIn(['for k in range(self.w.shape[0]):  # over w', 'out[k] = a[k] @ self.w + "bias"']), ['k', 'self.w', 'out', 'a']);
});

test('operationsIn names the calibrated operations a rewrite performs', () => {
  assert.deepEqual(operationsIn('out = np.where(x > 0, x, 0.0)'), ['where', 'compare']);
  assert.deepEqual(operationsIn('total = a.sum()'), ['sum']);
  assert.deepEqual(operationsIn('out = np.minimum(np.abs(x), 1.0)'), ['maximum', 'abs']);
  assert.deepEqual(operationsIn('f = lambda t: t ** 2 - 1.0'), ['multiply', 'add']);
});

test('operators chained in one expression after the first are priced in place, at 0.55 of their cost alone', () => {
  const stats = rangeStats([], 8, 9, () => 0, 1);
  const arrays = new Map([['x', { name: 'x', shape: [1000], itemsize: 8, nbytes: 8000, dtype: 'float64' }]]);
  const price = (replacement: string): number =>
    (priceRewrite({ ...relu, code: 'VEC006', fix: { description: '', replacement, safety: 'unsafe' } }, stats, arrays, model) as Priced).predictedSeconds;
  // in cache: calls × per-call cost + elements × ns per element; multiply and add cost 0.1 ns each alone
  const one = price('y = x * 2.0');
  const two = price('y = x * 2.0 + 1.0');
  const perCall = model.numpyPerCallNs / 1e9;
  assert.ok(Math.abs(one - (perCall + (1000 * 0.1) / 1e9)) < 1e-12, String(one));
  assert.ok(Math.abs(two - (2 * perCall + (1000 * (0.1 + 0.055)) / 1e9)) < 1e-12, String(two));
});

test('the chained-operator factor comes from the calibration when it measured one', () => {
  assert.equal(chainedOperatorFactor(model), 0.55, 'no measurement: the default');
  const calibrated = { ...model, ops: { ...model.ops, multiply: 0.12, add: 0.12, chained: 0.18 } };
  assert.ok(Math.abs(chainedOperatorFactor(calibrated) - 0.5) < 1e-12);
});

test('a compute-bound rewrite is priced by its calibrated cost per element, not by its bytes', () => {
  const where: Finding = { ...relu, fix: { description: '', replacement: 'out = np.where(x > 0, x, 0.0)', safety: 'unsafe' } };
  const shapes = new Map([['/w/app.py:8:VEC004', [{ name: 'x', shape: [1_000_000], itemsize: 8, nbytes: 8_000_000, dtype: 'float64' }]]]);
  const [top] = buildAdvice({ profile: profile(), findings: [where], shapes, model, sources: {}, cwd: '/w', displayPath: (p) => p });
  // 2 calls × 1 µs + 1e6 × (3 + 0.1) ns = 3.102 ms, above the 32 MB / 40 GB/s = 0.8 ms streaming bound
  assert.ok(Math.abs(top!.prediction!.predictedSeconds - 0.003102) < 1e-9, String(top!.prediction!.predictedSeconds));
});

test('countCalls counts whole-array calls and operators of a rewrite', () => {
  assert.equal(countCalls('total = a.sum()'), 1);
  assert.equal(countCalls('out = np.where(x > 0, x, 0.0)'), 2);
  assert.equal(countCalls('f = lambda t: t * 2.0 + 1.0  # works on whole arrays as is'), 2);
  assert.equal(countCalls('out = x'), 1);
});

test('a hot loop without a finding is one item over its header and body lines', () => {
  const p = profile();
  p.lines.push({ file: '/w/app.py', line: 31, hits: 49_999, samples: 70, share: 0.05 });
  const items = buildAdvice({ profile: p, findings: [], shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (x) => x });
  // With no findings the relu loop (lines 8–9) is a hot loop of its own too.
  const loops = items.filter((a) => a.kind === 'hot-loop').map((a) => [a.line, a.endLine, a.hits]);
  assert.deepEqual(loops, [
    [8, 9, 1_000_000],
    [30, 31, 49_999],
  ]);
  const second = items.find((a) => a.line === 30)!;
  assert.ok(Math.abs(second.timeSeconds - 0.15) < 1e-12, '80 + 70 samples of 1000 in 1 s');
  assert.match(second.summary, /^lines 30–31 run 49,999 times/);
});
