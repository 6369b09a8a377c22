// The Budget model: what `vecprof budget` measured and what it derived. Saved as JSON (--out) and read back
// by `budget compare` and, later, the advisor's cost model.
import type { MachineInfo, NoiseSnapshot } from '../env/machine.js';
import type { Interval, SampleSummary } from './stats.js';

export const BUDGET_SCHEMA = 'vecprof.budget/1';

export const BUDGET_OPS = ['sum', 'exp', 'tanh'] as const;
export type BudgetOp = (typeof BUDGET_OPS)[number];
export const DTYPES = ['float64', 'float32'] as const;
export type Dtype = (typeof DTYPES)[number];
export type Kernel = 'loop' | 'numpy';
export type Regime = 'L1' | 'L2' | 'LLC' | 'DRAM';

export interface BudgetConfig {
  op: BudgetOp;
  dtype: Dtype;
  exponents: number[];
  /** The loop is measured up to 2^loopMaxExponent and extrapolated beyond. */
  loopMaxExponent: number;
  sampleSeconds: number;
  minSamples: number;
  minCellSeconds: number;
  maxCellSeconds: number;
  passes: number;
  seed: number;
  /** Bytes per array for the peak-bandwidth measurement; 0 skips it. */
  peakBytes: number;
  timeoutSeconds: number;
}

/** One kernel at one size: its per-call samples (ns) and their summaries. */
export interface KernelCell {
  kernel: Kernel;
  exponent: number;
  size: number;
  itemsize: number;
  /** Calls per timed sample, calibrated so a sample lasts about `sampleSeconds`. */
  reps: number;
  wallNs: number[];
  cpuNs: number[];
  spentNs: number;
  wall: SampleSummary;
  cpu: SampleSummary;
}

export interface BudgetRow {
  exponent: number;
  size: number;
  /** Bytes the NumPy kernel streams through per call (inputs and outputs). */
  workingSetBytes: number;
  regime: Regime;
  loopNs: Interval | null;
  numpyNs: Interval | null;
  /** The loop was not measured at this size: its time is scaled from the largest measured size. */
  loopExtrapolated: boolean;
  /** loop / NumPy with a 95 % bootstrap interval. */
  ratio: Interval | null;
  bytesPerSecond: number | null;
  percentOfPeak: number | null;
  /** Why this row's numbers deserve less trust (large spread, preemption). */
  flags: string[];
}

export type Crossover =
  | { kind: 'at'; size: number }
  | { kind: 'below'; size: number }
  | { kind: 'above'; size: number };

export interface Plateau {
  regime: Regime;
  ratio: number;
  low: number;
  high: number;
  sizes: number[];
  extrapolated: boolean;
}

export interface CacheEstimate {
  sysfsBytes: number | null;
  /** Where the NumPy bandwidth falls from cache to memory speed. */
  effectiveBytes: number | null;
  method: 'bandwidth-knee' | 'sysfs' | 'none';
  note: string;
}

export interface BudgetDerived {
  crossover: Crossover | null;
  plateaus: Plateau[];
  /** Slope of the loop's time: Python interpreter cost per element. */
  loopPerElementNs: number | null;
  /** Intercept of NumPy's time at small sizes: the fixed cost of one call. */
  numpyPerCallNs: number | null;
  /** NumPy's cost per element in cache (slope at small sizes). */
  numpyPerElementNs: number | null;
  peakBytesPerSecond: number | null;
  llc: CacheEstimate;
  boundaries: Array<{ regime: Regime; upToBytes: number }>;
}

export interface PeakBandwidth {
  bytes: number;
  copy: SampleSummary;
  triad: SampleSummary;
}

export interface BudgetEnvironment {
  machine: MachineInfo;
  python: { executable: string; version: string; numpy: string | null };
  vecprof: string;
  node: string;
  noiseStart: NoiseSnapshot;
  noiseEnd: NoiseSnapshot | null;
}

export interface BudgetResult {
  schema: typeof BUDGET_SCHEMA;
  createdAt: string;
  complete: boolean;
  interrupted: boolean;
  /**
   * Why the result is partial: "interrupted by SIGINT", "stopped by --timeout (60 s)", "the budget helper exited
   * with status 139: …"; null when complete. Files written before this field existed lack it (read as null).
   */
  stopReason: string | null;
  config: BudgetConfig;
  environment: BudgetEnvironment;
  peak: PeakBandwidth | null;
  cells: KernelCell[];
  rows: BudgetRow[];
  derived: BudgetDerived;
  warnings: string[];
  timing: { wallSeconds: number; timedSeconds: number; efficiency: number };
}
