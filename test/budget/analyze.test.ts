import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, findBandwidthKnee, findCrossover, regimeOf } from '../../src/budget/analyze.js';
import { summarize } from '../../src/budget/stats.js';
import type { BudgetConfig, KernelCell } from '../../src/budget/types.js';
import type { CacheLevel } from '../../src/env/machine.js';

const KiB = 1024;
const MiB = 1024 * 1024;

test('crossover: interpolated between the sizes where loop/NumPy passes 1', () => {
  const c = findCrossover([
    { size: 4, ratio: 0.5 },
    { size: 8, ratio: 0.8 },
    { size: 16, ratio: 1.6 },
    { size: 32, ratio: 3 },
  ]);
  assert.equal(c?.kind, 'at');
  // log-interpolation between (8, 0.8) and (16, 1.6): ratio 1 at 8 * 2^(log(1.25)/log(2))
  assert.ok(Math.abs(c!.size - 8 * 1.25) < 1e-9, String(c!.size));
});

test('crossover: "below" when NumPy already wins at the smallest size, "above" when it never does', () => {
  assert.deepEqual(findCrossover([{ size: 1, ratio: 1.2 }, { size: 2, ratio: 2 }]), { kind: 'below', size: 1 });
  assert.deepEqual(findCrossover([{ size: 1, ratio: 0.2 }, { size: 2, ratio: 0.5 }]), { kind: 'above', size: 2 });
  assert.equal(findCrossover([]), null);
});

test('bandwidth knee: found between the last cache-speed size and the first memory-speed size', () => {
  const pts = [1, 2, 4, 8, 16, 32, 64, 128, 256].map((m) => ({
    bytes: m * MiB,
    bytesPerSecond: m <= 32 ? 60e9 : 20e9,
  }));
  const knee = findBandwidthKnee(pts);
  assert.equal(typeof knee, 'number');
  assert.ok((knee as number) > 32 * MiB && (knee as number) < 64 * MiB, `knee ${(knee as number) / MiB} MiB`);
});

test('bandwidth knee: none on a flat curve, "beyond" when the sweep never reaches memory speed', () => {
  const flat = [1, 2, 4, 8, 16].map((m) => ({ bytes: m * MiB, bytesPerSecond: 20e9 }));
  assert.equal(findBandwidthKnee(flat), 'none');
  const rising = [1, 2, 4, 8].map((m) => ({ bytes: m * MiB, bytesPerSecond: m * 10e9 }));
  assert.equal(findBandwidthKnee(rising, { cacheBytes: 32 * MiB }), 'beyond');
  assert.equal(findBandwidthKnee(rising, { cacheBytes: 4 * MiB }), 'none');
});

test('bandwidth knee: the L2 step below aboveBytes is not taken for the last-level cache', () => {
  const bw: Record<number, number> = { 0.25: 90e9, 0.5: 90e9, 1: 90e9, 2: 45e9, 4: 45e9, 8: 44e9, 16: 43e9, 32: 20e9, 64: 19e9 };
  const pts = Object.entries(bw).map(([m, b]) => ({ bytes: Number(m) * MiB, bytesPerSecond: b }));
  const knee = findBandwidthKnee(pts, { aboveBytes: 2 * MiB }) as number;
  assert.ok(knee > 16 * MiB && knee < 32 * MiB, `knee ${knee / MiB} MiB`);
  const noisyTail = [...pts.slice(0, -1), { bytes: 64 * MiB, bytesPerSecond: 14e9 }];
  const k2 = findBandwidthKnee(noisyTail, { aboveBytes: 2 * MiB }) as number;
  assert.ok(k2 > 16 * MiB && k2 < 32 * MiB, 'a noisy last point does not move the knee');
});

test('regimes follow the cache sizes', () => {
  const b = { l1: 48 * KiB, l2: 1 * MiB, llc: 32 * MiB };
  assert.equal(regimeOf(32 * KiB, b), 'L1');
  assert.equal(regimeOf(512 * KiB, b), 'L2');
  assert.equal(regimeOf(16 * MiB, b), 'LLC');
  assert.equal(regimeOf(128 * MiB, b), 'DRAM');
});

// A synthetic machine: loop costs 40 ns/element; NumPy costs 600 ns + 0.1 ns/element in cache and
// 0.4 ns/element from memory (beyond 32 MiB).
function synthetic(exponents: number[], loopMax: number): KernelCell[] {
  const cells: KernelCell[] = [];
  const cell = (kernel: 'loop' | 'numpy', exponent: number, ns: number): KernelCell => {
    const wallNs = Array.from({ length: 31 }, (_, i) => ns * (1 + (i - 15) * 0.001));
    return { kernel, exponent, size: 2 ** exponent, itemsize: 8, reps: 1, wallNs, cpuNs: wallNs, spentNs: ns * 31, wall: summarize(wallNs), cpu: summarize(wallNs) };
  };
  for (const e of exponents) {
    const n = 2 ** e;
    const perElement = n * 8 > 32 * MiB ? 0.4 : 0.1;
    cells.push(cell('numpy', e, 600 + perElement * n));
    if (e <= loopMax) cells.push(cell('loop', e, 150 + 40 * n));
  }
  return cells;
}

const config: BudgetConfig = {
  op: 'sum', dtype: 'float64', exponents: [], loopMaxExponent: 20, sampleSeconds: 0.002, minSamples: 30,
  minCellSeconds: 0.5, maxCellSeconds: 3, passes: 3, seed: 1, peakBytes: 0, timeoutSeconds: 60,
};
const caches: CacheLevel[] = [
  { level: 1, type: 'Data', sizeBytes: 48 * KiB, sharedByCpus: 1 },
  { level: 2, type: 'Unified', sizeBytes: 1 * MiB, sharedByCpus: 1 },
  { level: 3, type: 'Unified', sizeBytes: 32 * MiB, sharedByCpus: 2 },
];

test('analyze: slope, intercept, crossover, extrapolation and per-regime plateaus on a synthetic sweep', () => {
  const exps = Array.from({ length: 25 }, (_, i) => i);
  const cells = synthetic(exps, 20);
  const { rows, derived } = analyze({ ...config, exponents: exps }, cells, caches, null);
  assert.equal(rows.length, 25);
  assert.ok(Math.abs(derived.loopPerElementNs! - 40) < 0.5, `slope ${derived.loopPerElementNs}`);
  assert.ok(Math.abs(derived.numpyPerCallNs! - 600) < 30, `intercept ${derived.numpyPerCallNs}`);
  assert.equal(derived.crossover?.kind, 'at');
  assert.ok(derived.crossover!.size > 8 && derived.crossover!.size < 32, `crossover ${derived.crossover!.size}`);
  const beyond = rows.filter((r) => r.exponent > 20);
  assert.ok(beyond.every((r) => r.loopExtrapolated && r.ratio !== null));
  assert.ok(rows.filter((r) => r.exponent <= 20).every((r) => !r.loopExtrapolated));
  const regimes = derived.plateaus.map((p) => p.regime);
  // In L1 NumPy's fixed per-call cost is most of its time: no plateau is claimed there.
  assert.deepEqual(regimes, ['L2', 'LLC', 'DRAM']);
  const dram = derived.plateaus.find((p) => p.regime === 'DRAM')!;
  const llc = derived.plateaus.find((p) => p.regime === 'LLC')!;
  assert.ok(dram.extrapolated);
  assert.ok(Math.abs(dram.ratio - 100) < 5, `DRAM plateau ≈ 40/0.4 = 100, got ${dram.ratio}`);
  assert.ok(llc.ratio > 2 * dram.ratio, 'cache-resident NumPy is faster, so the ratio is higher there');
  assert.equal(derived.llc.method, 'bandwidth-knee');
  assert.ok(derived.llc.effectiveBytes! >= 32 * MiB && derived.llc.effectiveBytes! <= 64 * MiB);
});

test('analyze: a noisy cell is flagged', () => {
  const cells = synthetic([10, 12], 20);
  const noisy = cells[0]!;
  noisy.wallNs = noisy.wallNs.map((x, i) => x * (1 + i * 0.03));
  noisy.wall = summarize(noisy.wallNs);
  const { rows } = analyze({ ...config, exponents: [10, 12] }, cells, caches, null);
  assert.ok(rows[0]!.flags.some((f) => /spread/.test(f)), JSON.stringify(rows[0]!.flags));
  assert.deepEqual(rows[1]!.flags, []);
});

test('analyze: a loop missing at or below --loop-max is "not measured", never extrapolated (a run stopped mid-size)', () => {
  // Sizes 2^4..2^8 with the loop of 2^8 missing, as a snapshot between the NumPy and the loop cell would be.
  const cells = synthetic([4, 5, 6, 7, 8], 20).filter((c) => !(c.kernel === 'loop' && c.exponent === 8));
  const { rows } = analyze({ ...config, exponents: [4, 5, 6, 7, 8] }, cells, caches, null);
  const last = rows.at(-1)!;
  assert.equal(last.exponent, 8);
  assert.equal(last.loopExtrapolated, false);
  assert.equal(last.loopNs, null);
  assert.equal(last.ratio, null);
  // Above --loop-max the same gap is scaled from the largest measured loop, as before.
  const above = analyze({ ...config, loopMaxExponent: 7, exponents: [4, 5, 6, 7, 8] }, cells, caches, null).rows.at(-1)!;
  assert.equal(above.loopExtrapolated, true);
  assert.ok(above.ratio !== null);
});

test('analyze: no plateau is claimed when NumPy\'s per-call cost cannot be fitted (one size, or no size ≤ 4096)', () => {
  const one = analyze({ ...config, exponents: [0] }, synthetic([0], 20), caches, null);
  assert.equal(one.derived.numpyPerCallNs, null);
  assert.deepEqual(one.derived.plateaus, []);
  const large = analyze({ ...config, exponents: [14, 16, 18] }, synthetic([14, 16, 18], 20), caches, null);
  assert.equal(large.derived.numpyPerCallNs, null);
  assert.deepEqual(large.derived.plateaus, []);
  // With small sizes to fit the call cost, the same large sizes do form a plateau.
  const both = analyze({ ...config, exponents: [4, 8, 12, 14, 16, 18] }, synthetic([4, 8, 12, 14, 16, 18], 20), caches, null);
  assert.ok(both.derived.plateaus.length > 0);
});
