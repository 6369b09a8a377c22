// This machine's price list, taken from a budget run: what one Python loop iteration costs, what one NumPy
// call costs, and how fast NumPy streams bytes from cache and from memory. The advisor prices a rewrite with it.
import { median } from 'simple-statistics';
import type { BudgetResult } from '../budget/types.js';

export const COST_MODEL_SCHEMA = 'vecprof.costmodel/7';

export interface CostModel {
  schema: typeof COST_MODEL_SCHEMA;
  createdAt: string;
  machine: { cpuModel: string; logicalCpus: number };
  python: { executable: string; version: string; numpy: string | null };
  /** Interpreter cost of one iteration of `for x in a: total += x`. */
  loopPerElementNs: number;
  /** Fixed cost of entering one NumPy call. */
  numpyPerCallNs: number;
  /** NumPy streaming bandwidth while the working set fits the last-level cache. */
  cacheBytesPerSecond: number;
  /** NumPy streaming bandwidth from memory. */
  memoryBytesPerSecond: number;
  /** The machine's peak (copy/triad) bandwidth. */
  peakBytesPerSecond: number | null;
  llcBytes: number | null;
  /** Batched `a @ w` for k×k products: nanoseconds per multiply-add (small products run far below BLAS peak). */
  matmul: Array<{ k: number; nsPerFma: number }>;
  /** The broadcast distance matrix over N×M×D: nanoseconds per element for row length D. */
  pairwise: Array<{ d: number; nsPerElement: number }>;
  /**
   * Common whole-array operations (sum, add, compare, maximum, where, exp, …): nanoseconds per element in cache;
   * `asarray_list` is np.asarray of a Python list of floats, per item.
   */
  ops: Record<string, number>;
}

export interface Calibration {
  matmul: CostModel['matmul'];
  pairwise: CostModel['pairwise'];
  ops: CostModel['ops'];
}

export interface VectorizedWork {
  /** Elements the whole-array expression processes in one call. */
  elements: number;
  /** Bytes read and written per element by all the calls together (e.g. 16 for one float64 in → float64 out call). */
  bytesPerElement: number;
  /** NumPy calls the rewrite makes (e.g. 2 for `np.sqrt((d ** 2).sum(-1))` counts the big ones). */
  calls?: number;
  /** Distinct bytes the calls touch (inputs and outputs once each): decides cache or memory bandwidth. */
  workingSetBytes?: number;
}

function bandwidthOf(result: BudgetResult, regimes: Array<'L2' | 'LLC' | 'DRAM'>): number | null {
  const usable = result.rows.filter((r) => regimes.includes(r.regime as 'L2' | 'LLC' | 'DRAM') && r.bytesPerSecond !== null);
  // Only sizes where NumPy's fixed cost is small say anything about bandwidth.
  const perCall = result.derived.numpyPerCallNs ?? 0;
  const amortized = usable.filter((r) => r.numpyNs !== null && perCall < 0.1 * r.numpyNs.estimate);
  return amortized.length > 0 ? median(amortized.map((r) => r.bytesPerSecond!)) : null;
}

/**
 * The cache the prices assume: the measured knee, but never below half of what sysfs reports. A knee measured while
 * other processes thrash the shared cache can land far too low, and a working set of half the cache fits anyway.
 */
export function effectiveCache(knee: number | null, sysfs: number | null): number | null {
  if (knee === null) return sysfs;
  return sysfs === null ? knee : Math.max(knee, sysfs / 2);
}

export function costModelFromBudget(result: BudgetResult, calibration: Calibration): CostModel {
  const d = result.derived;
  if (d.loopPerElementNs === null || d.numpyPerCallNs === null) {
    throw new Error('budget result has too few sizes to fit loop and NumPy costs');
  }
  const peak = d.peakBytesPerSecond;
  const cache = bandwidthOf(result, ['L2', 'LLC']) ?? peak ?? 10e9;
  const memory = bandwidthOf(result, ['DRAM']) ?? (peak !== null ? peak / 2 : cache / 2);
  return {
    schema: COST_MODEL_SCHEMA,
    createdAt: new Date().toISOString(),
    machine: { cpuModel: result.environment.machine.cpuModel, logicalCpus: result.environment.machine.logicalCpus },
    python: result.environment.python,
    loopPerElementNs: d.loopPerElementNs,
    numpyPerCallNs: d.numpyPerCallNs,
    cacheBytesPerSecond: cache,
    memoryBytesPerSecond: memory,
    peakBytesPerSecond: peak,
    llcBytes: effectiveCache(d.llc.effectiveBytes, d.llc.sysfsBytes),
    matmul: calibration.matmul,
    pairwise: calibration.pairwise,
    ops: calibration.ops,
  };
}

/** Log-log interpolation in a calibration table, clamped to its ends. */
export function interpolate(table: Array<{ x: number; y: number }>, x: number): number | null {
  const pts = table.filter((p) => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
  if (pts.length === 0) return null;
  if (x <= pts[0]!.x) return pts[0]!.y;
  if (x >= pts.at(-1)!.x) return pts.at(-1)!.y;
  const i = pts.findIndex((p) => p.x >= x);
  const a = pts[i - 1]!;
  const b = pts[i]!;
  const t = (Math.log(x) - Math.log(a.x)) / (Math.log(b.x) - Math.log(a.x));
  return Math.exp(Math.log(a.y) + t * (Math.log(b.y) - Math.log(a.y)));
}

/** The calibration measures half-step sizes around the cache, so the knee is known to within a factor of √2. */
const KNEE_RESOLUTION = Math.SQRT2;

/**
 * Where a working set of `bytes` lives, as a weight from 0 (in the last-level cache) to 1 (in memory). The knee lies
 * somewhere between two measured sizes, so across that interval the weight moves from 0 to 1 in log size instead
 * of jumping.
 */
export function memoryWeight(model: CostModel, bytes: number): number {
  if (model.llcBytes === null) return 1;
  const low = model.llcBytes / Math.sqrt(KNEE_RESOLUTION);
  const high = model.llcBytes * Math.sqrt(KNEE_RESOLUTION);
  return Math.min(1, Math.max(0, Math.log(bytes / low) / Math.log(high / low)));
}

/** Geometric blend of an in-cache and an in-memory estimate by where the working set lives. */
export function blendByWorkingSet(model: CostModel, workingSetBytes: number, inCache: number, inMemory: number): number {
  const t = memoryWeight(model, workingSetBytes);
  return Math.exp((1 - t) * Math.log(inCache) + t * Math.log(inMemory));
}

/** Predicted seconds for streaming the rewrite's bytes: per-call cost plus bytes at the bandwidth of where they live. */
export function predictVectorizedSeconds(model: CostModel, work: VectorizedWork): number {
  const calls = work.calls ?? 1;
  const bytes = work.elements * work.bytesPerElement;
  const overhead = (calls * model.numpyPerCallNs) / 1e9;
  return blendByWorkingSet(model, work.workingSetBytes ?? bytes, overhead + bytes / model.cacheBytesPerSecond, overhead + bytes / model.memoryBytesPerSecond);
}

/** What an element loop should cost by the model (for loops seen only statically). */
export function predictLoopSeconds(model: CostModel, iterations: number): number {
  return (iterations * model.loopPerElementNs) / 1e9;
}
