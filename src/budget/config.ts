// Command-line options → BudgetConfig, with the defaults that make the default run fit in 90 s.
import { UsageError } from '../errors.js';
import { cacheBounds } from './analyze.js';
import type { CacheLevel } from '../env/machine.js';
import { BUDGET_OPS, DTYPES, type BudgetConfig, type BudgetOp, type Dtype } from './types.js';

export const MAX_EXPONENT = 30;

/** The timing options every budget run shares (sum, patterns), as commander hands them over: text. */
export interface TimingCliOptions {
  dtype: string;
  sizes: string;
  loopMax: string;
  minSamples: string;
  minTime: string;
  sampleMs: string;
  passes: string;
  seed: string;
  timeout: string;
}

export interface BudgetCliOptions extends TimingCliOptions {
  op: string;
  peak: boolean;
}

export const BUDGET_DEFAULTS = {
  op: 'sum',
  dtype: 'float64',
  sizes: '0..24',
  loopMax: '20',
  minSamples: '30',
  minTime: '0.5',
  sampleMs: '2',
  passes: '3',
  seed: '1',
  timeout: '900',
} as const;

/** "4..24", "8,16,20" or "12": exponents of two. */
export function parseSizes(text: string): number[] {
  const bad = (): UsageError =>
    new UsageError(`--sizes "${text}" is not a range of exponents`, { hint: `write e.g. 4..24 or 8,12,16 (sizes are 2^k, 0 ≤ k ≤ ${MAX_EXPONENT})` });
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  let exps: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (a > b) throw bad();
    exps = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else if (/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) {
    exps = [...new Set(text.split(',').map((s) => Number(s.trim())))].sort((x, y) => x - y);
  } else {
    throw bad();
  }
  if (exps.some((e) => e > MAX_EXPONENT)) throw bad();
  return exps;
}

/**
 * The one parser of the positive options (every mode of `vecprof budget` uses it): refuses 0, negatives, text and
 * non-finite values ("1e999" and "Infinity" are not a limit).
 */
export function positive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

export function atMost(name: string, text: string, value: number, limit: number, what: string): number {
  if (value > limit) throw new UsageError(`${name} must be at most ${limit} (${what}), got "${text}"`);
  return value;
}

/** --seed: a non-negative integer (the input arrays' and the bootstrap's). */
export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a non-negative integer, got "${text}"`);
  return seed;
}

/** --loop-max: the exponent k of the largest size a loop is measured at. */
export function parseLoopMax(text: string): number {
  const k = Number(text);
  if (text.trim() === '' || !Number.isInteger(k) || k < 0 || k > MAX_EXPONENT) {
    throw new UsageError(`--loop-max must be an exponent between 0 and ${MAX_EXPONENT}, got "${text}"`);
  }
  return k;
}

/**
 * Upper bounds that keep a typo (--sample-ms 1e9, --min-time 3600, --timeout 1e9) from running silently until it
 * ends or never: a sample is meant to last milliseconds, a cell seconds, a run minutes.
 */
const LIMITS = {
  sampleMs: { flag: '--sample-ms', integer: false, limit: 1000, what: 'a sample of 1 s; the aim is a few ms' },
  minTime: { flag: '--min-time', integer: false, limit: 60, what: 'seconds of samples per cell' },
  passes: { flag: '--passes', integer: true, limit: 100, what: 'visits per cell' },
  timeout: { flag: '--timeout', integer: false, limit: 7 * 86_400, what: 'a week, in seconds' },
} as const;

/** A bounded option (--sample-ms, --min-time, --passes, --timeout), parsed the same way in every mode. */
export function bounded(option: keyof typeof LIMITS, text: string): number {
  const { flag, integer, limit, what } = LIMITS[option];
  return atMost(flag, text, positive(flag, text, integer), limit, what);
}

/**
 * The least time the sweep can take: every cell samples for at least --min-time (its cap is above that). Used to
 * refuse, before anything runs, a sweep that --timeout would cut short for certain.
 */
export function minimumSweepSeconds(c: Pick<BudgetConfig, 'exponents' | 'loopMaxExponent' | 'minCellSeconds' | 'maxCellSeconds'>): number {
  const cells = c.exponents.length + c.exponents.filter((e) => e <= c.loopMaxExponent).length;
  return cells * Math.min(c.minCellSeconds, c.maxCellSeconds);
}

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${name} "${value}" is not supported`, { hint: `use one of: ${allowed.join(', ')}` });
  }
  return value as T;
}

/** Arrays for the peak-bandwidth measurement: four times the last-level cache, at least 128 MiB. */
export function peakArrayBytes(caches: CacheLevel[]): number {
  const llc = cacheBounds(caches).llcSysfs ?? 32 * 2 ** 20;
  return Math.max(4 * llc, 128 * 2 ** 20);
}

export function toBudgetConfig(o: BudgetCliOptions, caches: CacheLevel[]): BudgetConfig {
  const sampleMs = bounded('sampleMs', o.sampleMs);
  const minCellSeconds = bounded('minTime', o.minTime);
  const config: BudgetConfig = {
    op: oneOf<BudgetOp>('--op', o.op, BUDGET_OPS),
    dtype: oneOf<Dtype>('--dtype', o.dtype, DTYPES),
    exponents: parseSizes(o.sizes),
    loopMaxExponent: parseLoopMax(o.loopMax),
    sampleSeconds: sampleMs / 1000,
    minSamples: positive('--min-samples', o.minSamples, true),
    minCellSeconds,
    // A cell stops at this much time even if it has fewer than min-samples (one call of a huge loop is seconds).
    maxCellSeconds: Math.max(3, 4 * minCellSeconds),
    passes: bounded('passes', o.passes),
    seed: parseSeed(o.seed),
    peakBytes: o.peak ? peakArrayBytes(caches) : 0,
    timeoutSeconds: bounded('timeout', o.timeout),
  };
  const least = minimumSweepSeconds(config);
  if (least > config.timeoutSeconds) {
    throw new UsageError(
      `these options need at least ${Math.ceil(least)} s of sampling, more than --timeout ${config.timeoutSeconds} s: the run could not finish`,
      { hint: 'lower --min-time, measure fewer sizes, or raise --timeout' },
    );
  }
  return config;
}
