// This machine's price list, taken from a budget run and the calibration helper: what one Python loop iteration
// costs, what one NumPy call costs, what common operations cost per element, and how fast NumPy streams bytes in
// cache and from memory. The advisor prices a rewrite with it and holds a NumPy line's bandwidth against it.
import type { BudgetResult } from '../budget/types.js';
import { budgetCosts, type Calibration, type CalibrationConditions } from './calibration.js';

export type { Calibration } from './calibration.js';

export const COST_MODEL_SCHEMA = 'vecprof.costmodel/8';

/**
 * Bandwidths say which bytes they count: "read" counts the bytes a call reads (a reduction), "read + written" counts
 * every array a call reads and every array it writes, once each (np.add(a, 1.0, out=b) moves a and b).
 */
export interface CostModel {
  schema: typeof COST_MODEL_SCHEMA;
  createdAt: string;
  machine: { cpuModel: string; logicalCpus: number };
  python: { executable: string; version: string; numpy: string | null };
  /** Interpreter cost of one iteration of `for x in a: total += x`. */
  loopPerElementNs: number;
  /** Fixed cost of entering one NumPy call. */
  numpyPerCallNs: number;
  /** a.sum() while its array fits the last-level cache: bytes read per second. */
  cacheBytesPerSecond: number;
  /**
   * The in-cache peak by working set (bytes read + written per second): the best of np.add(a, 1.0, out=b) on arrays
   * of 256 KiB to 4 MiB, never rising with size. See inCachePeakAt.
   */
  inCachePeak: Array<{ bytes: number; bytesPerSecond: number }>;
  /**
   * This machine's memory bandwidth, bytes read + written per second: the streaming peak (copy and triad on arrays
   * four times the last-level cache, best repeats); when that was not measured, the read rate below.
   */
  memoryBytesPerSecond: number;
  /** What memoryBytesPerSecond was measured with. */
  memorySource: 'copy/triad' | 'sum';
  /** a.sum() on arrays beyond the last-level cache: bytes read per second, the rate a reduction streams at. */
  memoryReadBytesPerSecond: number;
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
  /** How quiet the machine was: load, busy processes and the spread of the repeats. */
  conditions: CalibrationConditions;
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

/**
 * The cache the prices assume: the measured knee, but never below half of what sysfs reports. A knee measured while
 * other processes thrash the shared cache can land far too low, and a working set of half the cache fits anyway.
 */
export function effectiveCache(knee: number | null, sysfs: number | null): number | null {
  if (knee === null) return sysfs;
  return sysfs === null ? knee : Math.max(knee, sysfs / 2);
}

/** The cost model from a calibration budget run and the helper's tables; every time in it is a lower quartile. */
export function costModelFromBudget(result: BudgetResult, calibration: Calibration, conditions: CalibrationConditions): CostModel {
  const d = result.derived;
  const costs = budgetCosts(result);
  const loop = costs.loopPerElementNs ?? d.loopPerElementNs;
  const perCall = costs.numpyPerCallNs ?? d.numpyPerCallNs;
  if (loop === null || perCall === null) {
    throw new Error('budget result has too few sizes to fit loop and NumPy costs');
  }
  const streaming = costs.streamingPeakBytesPerSecond;
  const cache = costs.cacheReadBytesPerSecond ?? streaming ?? 10e9;
  const memoryRead = costs.memoryReadBytesPerSecond ?? (streaming !== null ? streaming / 2 : cache / 2);
  return {
    schema: COST_MODEL_SCHEMA,
    createdAt: new Date().toISOString(),
    machine: { cpuModel: result.environment.machine.cpuModel, logicalCpus: result.environment.machine.logicalCpus },
    python: result.environment.python,
    loopPerElementNs: loop,
    numpyPerCallNs: perCall,
    cacheBytesPerSecond: cache,
    inCachePeak: calibration.inCachePeak,
    memoryBytesPerSecond: streaming ?? memoryRead,
    memorySource: streaming !== null ? 'copy/triad' : 'sum',
    memoryReadBytesPerSecond: memoryRead,
    llcBytes: effectiveCache(d.llc.effectiveBytes, d.llc.sysfsBytes),
    matmul: calibration.matmul,
    pairwise: calibration.pairwise,
    ops: calibration.ops,
    // the noisier of the two measurements stands for the calibration
    conditions: { ...conditions, noise: Math.max(conditions.noise ?? 0, calibration.noise ?? 0, costs.noise ?? 0) },
  };
}

/**
 * The in-cache peak (bytes read + written per second) for a working set of `bytes`: interpolated in the measured
 * table and clamped to its ends; without a table, the fastest bandwidth the model knows.
 */
export function inCachePeakAt(model: CostModel, bytes: number): number {
  const peak = interpolate(model.inCachePeak.map((p) => ({ x: p.bytes, y: p.bytesPerSecond })), Math.max(1, bytes));
  return peak ?? Math.max(model.cacheBytesPerSecond, model.memoryBytesPerSecond);
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

/**
 * Predicted seconds for streaming the rewrite's bytes (read + written): per-call cost plus bytes at the bandwidth of
 * where they live, the in-cache peak for that working set or memory bandwidth, which count the same bytes.
 */
export function predictVectorizedSeconds(model: CostModel, work: VectorizedWork): number {
  const calls = work.calls ?? 1;
  const bytes = work.elements * work.bytesPerElement;
  const workingSet = work.workingSetBytes ?? bytes;
  const overhead = (calls * model.numpyPerCallNs) / 1e9;
  return blendByWorkingSet(model, workingSet, overhead + bytes / inCachePeakAt(model, workingSet), overhead + bytes / model.memoryBytesPerSecond);
}

/** What an element loop should cost by the model (for loops seen only statically). */
export function predictLoopSeconds(model: CostModel, iterations: number): number {
  return (iterations * model.loopPerElementNs) / 1e9;
}
