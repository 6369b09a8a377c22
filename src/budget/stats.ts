// Robust statistics for timing samples. Timings are skewed to the right (preemption, cache misses),
// so the median and MAD describe a cell; the minimum is kept as the best case seen.
import { median, medianAbsoluteDeviation, quantileSorted } from 'simple-statistics';

export interface SampleSummary {
  n: number;
  min: number;
  median: number;
  mad: number;
  q1: number;
  q3: number;
  /** Samples outside [q1 - 1.5 IQR, q3 + 1.5 IQR]. */
  outliers: number;
  /** MAD relative to the median: the cell's spread. */
  relativeSpread: number;
}

export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const lo = q1 - 1.5 * iqr;
  const hi = q3 + 1.5 * iqr;
  const med = median(sorted);
  const mad = sorted.length > 1 ? medianAbsoluteDeviation(sorted) : 0;
  return {
    n: sorted.length,
    min: sorted[0]!,
    median: med,
    mad,
    q1,
    q3,
    outliers: sorted.filter((x) => x < lo || x > hi).length,
    relativeSpread: med > 0 ? mad / med : 0,
  };
}

/** mulberry32: small, fast, seedable; the bootstrap must give the same interval for the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k-th smallest in place (Hoare's selection): O(n) against the sort's O(n log n), and replicates are many. */
function select(xs: Float64Array, k: number, n: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i] = xs[j]!;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k]!;
  }
  return xs[k]!;
}

function resampledMedian(samples: readonly number[], random: () => number, scratch: Float64Array): number {
  const n = samples.length;
  for (let i = 0; i < n; i++) scratch[i] = samples[Math.floor(random() * n)]!;
  const upper = select(scratch, n >> 1, n);
  if (n % 2 === 1) return upper;
  let lower = -Infinity; // after selection, everything left of n/2 is <= upper: the lower middle is their maximum
  for (let i = 0; i < n >> 1; i++) if (scratch[i]! > lower) lower = scratch[i]!;
  return (lower + upper) / 2;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * A statistic of several sample sets' medians, with a percentile bootstrap interval: each replicate resamples
 * every set independently (they are separate measurements). `stat` gets the medians in the order of `sets`.
 */
export function bootstrapMedians(
  sets: ReadonlyArray<readonly number[]>,
  stat: (medians: number[]) => number,
  opts: { replicates?: number; confidence?: number; seed?: number } = {},
): Interval {
  const replicates = opts.replicates ?? 1000;
  const alpha = (1 - (opts.confidence ?? 0.95)) / 2;
  const random = seededRandom(opts.seed ?? 0x5eed);
  const estimate = stat(sets.map((s) => median([...s])));
  const scratch = sets.map((set) => new Float64Array(set.length));
  const values: number[] = [];
  for (let r = 0; r < replicates; r++) {
    values.push(stat(sets.map((s, i) => resampledMedian(s, random, scratch[i]!))));
  }
  values.sort((x, y) => x - y);
  return { estimate, low: quantileSorted(values, alpha), high: quantileSorted(values, 1 - alpha) };
}

/** Ratio of medians, numerator / denominator, with its bootstrap interval. */
export function bootstrapRatio(
  numerator: readonly number[],
  denominator: readonly number[],
  opts: { replicates?: number; confidence?: number; seed?: number } = {},
): Interval {
  return bootstrapMedians([numerator, denominator], ([a, b]) => a! / b!, opts);
}

export interface LineFit {
  slope: number;
  intercept: number;
}

/**
 * Theil–Sen line: the median of pairwise slopes. One preempted cell cannot tilt it the way it tilts least squares.
 * Intercept is the median of y - slope x.
 */
export function theilSen(xs: readonly number[], ys: readonly number[]): LineFit {
  if (xs.length !== ys.length || xs.length < 2) throw new Error('theilSen: need at least two points');
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      if (xs[j] !== xs[i]) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
    }
  }
  const slope = median(slopes);
  const intercept = median(xs.map((x, i) => ys[i]! - slope * x));
  return { slope, intercept };
}
