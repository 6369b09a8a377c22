// From repeated timings to the cost model's prices. Other work on the machine only ever makes a call slower, and a
// burst of it can cover half of a short measurement, so a price is the lower quartile of its repeats, not their
// median: two calibrations a minute apart under load gave np.where 4.2 and 10.7 ns/element by the median.
import { median, quantileSorted } from 'simple-statistics';
import { noiseWarnings } from '../budget/warnings.js';
import { theilSen } from '../budget/stats.js';
import type { BudgetResult, KernelCell } from '../budget/types.js';
import type { MachineInfo, NoiseSnapshot } from '../env/machine.js';
import { VecprofError } from '../errors.js';
import type { HelperMessage } from '../python/worker.js';

/** The estimate a price is taken from: the lower quartile of a case's repeated timings. */
export function lowTime(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('lowTime: no samples');
  return quantileSorted([...samples].sort((a, b) => a - b), 0.25);
}

/** How far the typical repeat ran above the estimate: (median − lower quartile) / lower quartile. */
export function spreadOf(samples: readonly number[]): number {
  const low = lowTime(samples);
  return low > 0 ? median([...samples]) / low - 1 : 0;
}

/** Measurements of python/vecprof_calibrate.py, priced from their lower quartiles. */
export interface Calibration {
  matmul: Array<{ k: number; nsPerFma: number }>;
  pairwise: Array<{ d: number; nsPerElement: number }>;
  ops: Record<string, number>;
  /**
   * The in-cache peak by working set: np.add(a, 1.0, out=b), bytes read and written (a and b once each), on arrays of
   * 256 KiB to 4 MiB; never rising with size (a larger working set is never faster).
   */
  inCachePeak: Array<{ bytes: number; bytesPerSecond: number }>;
  /** Median spread of the calibration's cases (see spreadOf). */
  noise: number | null;
}

function samplesOf(m: HelperMessage): number[] {
  const s = m.samples_ns;
  if (!Array.isArray(s) || s.length === 0 || !s.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) {
    throw new VecprofError(`the calibration helper sent a ${m.type} message without timings`, { hint: 'reinstall vecprof: its Python helpers do not match it' });
  }
  return s as number[];
}

/** Sorted smallest first, each no faster than the one before it: a larger working set is never faster. */
function nonIncreasing(table: Array<{ bytes: number; bytesPerSecond: number }>): Array<{ bytes: number; bytesPerSecond: number }> {
  const sorted = [...table].sort((a, b) => a.bytes - b.bytes);
  for (let i = sorted.length - 2; i >= 0; i--) sorted[i]!.bytesPerSecond = Math.max(sorted[i]!.bytesPerSecond, sorted[i + 1]!.bytesPerSecond);
  return sorted;
}

export function calibrationFromMessages(messages: HelperMessage[]): Calibration {
  const spreads: number[] = [];
  const low = (m: HelperMessage): number => {
    const s = samplesOf(m);
    spreads.push(spreadOf(s));
    return lowTime(s);
  };
  const of = (type: string): HelperMessage[] => messages.filter((m) => m.type === type);
  const matmul = of('matmul').map((m) => ({ k: Number(m.k), nsPerFma: low(m) / Number(m.fmas) }));
  const pairwise = of('pairwise').map((m) => ({ d: Number(m.d), nsPerElement: low(m) / Number(m.elements) }));
  const ops = Object.fromEntries(of('op').map((m) => [String(m.name), low(m) / Number(m.elements)]));
  const inCachePeak = nonIncreasing(of('stream').map((m) => ({ bytes: Number(m.bytes), bytesPerSecond: (Number(m.bytes) * 1e9) / low(m) })));
  return { matmul, pairwise, ops, inCachePeak, noise: spreads.length > 0 ? median(spreads) : null };
}

/** The budget's costs again, from each cell's lower quartile instead of its median. */
export interface BudgetCosts {
  loopPerElementNs: number | null;
  numpyPerCallNs: number | null;
  /** a.sum() while its array fits the last-level cache: bytes read per second. */
  cacheReadBytesPerSecond: number | null;
  /** a.sum() on arrays beyond the last-level cache: bytes read per second (one read stream from memory). */
  memoryReadBytesPerSecond: number | null;
  /** Copy and triad on arrays far beyond the last-level cache (best repeats): bytes read and written per second. */
  streamingPeakBytesPerSecond: number | null;
  /** Median spread of the budget's cells (see spreadOf). */
  noise: number | null;
}

export function budgetCosts(result: BudgetResult): BudgetCosts {
  const low = (c: KernelCell): number => lowTime(c.wallNs.length > 0 ? c.wallNs : [c.wall.median]);
  const loopCells = result.cells.filter((c) => c.kernel === 'loop');
  const numpyCells = result.cells.filter((c) => c.kernel === 'numpy');
  // As the budget fits them: the loop above ~256 elements (below, its fixed cost bends the line), NumPy's fixed
  // cost from the sizes that sit in L1.
  const large = loopCells.filter((c) => c.size >= 256);
  const loopPts = large.length >= 2 ? large : loopCells.filter((c) => c.size >= 16);
  const loopFit = loopPts.length >= 2 ? theilSen(loopPts.map((c) => c.size), loopPts.map(low)) : null;
  const small = numpyCells.filter((c) => c.size <= 4096);
  const callFit = small.length >= 2 ? theilSen(small.map((c) => c.size), small.map(low)) : null;
  const perCall = callFit ? Math.max(0, callFit.intercept) : null;
  const regime = new Map(result.rows.map((r) => [r.exponent, r.regime]));
  // Only sizes where NumPy's fixed cost is small say anything about bandwidth.
  const rate = (regimes: string[]): number | null => {
    const rates = numpyCells
      .filter((c) => regimes.includes(regime.get(c.exponent) ?? '') && low(c) > 10 * (perCall ?? 0))
      .map((c) => (c.size * c.itemsize * 1e9) / low(c));
    return rates.length > 0 ? median(rates) : null;
  };
  const peak = result.peak;
  const spreads = result.cells.filter((c) => c.wallNs.length > 0).map((c) => spreadOf(c.wallNs));
  return {
    loopPerElementNs: loopFit ? loopFit.slope : null,
    numpyPerCallNs: perCall,
    cacheReadBytesPerSecond: rate(['L2', 'LLC']),
    memoryReadBytesPerSecond: rate(['DRAM']),
    // bandwidth samples: the best repeats are the upper quartile
    streamingPeakBytesPerSecond: peak ? Math.max(peak.copy.q3, peak.triad.q3) : null,
    noise: spreads.length > 0 ? median(spreads) : null,
  };
}

/** How quiet the machine was while the cost model was measured. */
export interface CalibrationConditions {
  logicalCpus: number;
  loadAverageStart: number;
  loadAverageEnd: number | null;
  /** The load average or another busy process crossed the limits `vecprof budget` warns at. */
  underLoad: boolean;
  /** Median of (median − lower quartile) / lower quartile over every repeated timing: 0.02 is quiet. */
  noise: number | null;
  /** What could have made the numbers wrong, as `vecprof budget` says it (load, busy processes, governor). */
  warnings: string[];
}

/** The load around a calibration; its noise is filled in from the timings (costModelFromBudget). */
export function calibrationConditions(machine: MachineInfo, start: NoiseSnapshot, end: NoiseSnapshot | null): CalibrationConditions {
  // The governor is a setting, not load: it is warned about, but only competing work makes the model "under load".
  const load = noiseWarnings({ ...machine, governor: null }, start, end);
  return {
    logicalCpus: machine.logicalCpus,
    loadAverageStart: start.loadAverage1m,
    loadAverageEnd: end?.loadAverage1m ?? null,
    underLoad: load.length > 0,
    noise: null,
    warnings: noiseWarnings(machine, start, end),
  };
}

/**
 * One line on a model measured under load (null when it was not): what it was, what it does, what to run. The same
 * words wherever it is said (the advice header, the calibration's log, budget's cost-model table).
 */
export function underLoadNote(c: CalibrationConditions | undefined): string | null {
  if (!c?.underLoad) return null;
  const loads = [c.loadAverageStart, c.loadAverageEnd].filter((x): x is number => x !== null);
  const first = c.warnings.find((w) => !w.startsWith('CPU governor'));
  return (
    `the cost model was measured under load (load average up to ${Math.max(...loads).toFixed(2)} on ${c.logicalCpus} CPUs` +
    `${first && !first.startsWith('load average') ? `; ${first}` : ''}): its prices may be too high; ` +
    'run `vecprof budget --calibrate` when the machine is quiet'
  );
}
