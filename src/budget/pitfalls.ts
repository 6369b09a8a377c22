// `vecprof budget --pitfalls`: the seed's measurement pitfalls, measured here. python/vecprof_pitfalls.py takes the
// raw numbers; this file turns them into summaries (medians, spreads, errors in ulps) and the noise warnings.
import { median } from 'simple-statistics';
import { locatePython } from '../python/locate.js';
import { HelperTimeoutError, runHelper, type HelperMessage } from '../python/worker.js';
import { helperPath } from '../paths.js';
import { noiseSnapshot } from '../env/machine.js';
import { InterruptedError, VecprofError } from '../errors.js';
import { createProgress } from '../render/progress.js';
import { summarize, type SampleSummary } from './stats.js';
import { noiseWarnings } from './warnings.js';
import { environmentFor } from './pattern-run.js';
import type { BudgetEnvironment } from './types.js';

export const PITFALLS_SCHEMA = 'vecprof.pitfalls/1';

export interface WarmupOp {
  op: string;
  /** Median over fresh processes of the first call, its range, and the second call. */
  firstNs: number;
  firstMinNs: number;
  firstMaxNs: number;
  secondNs: number;
  /** Warm calls of every process pooled. */
  warm: SampleSummary;
  /** first / warm median */
  firstOverWarm: number;
  processes: number;
}

/** Fresh processes the first-call measurement runs in (a first call happens once per process). */
export const WARMUP_PROCESSES = { full: 7, quick: 3 } as const;
const MAIN_SECTIONS = ['gc', 'clocks', 'resolution', 'noise', 'reduction'];

export interface ClockReading {
  kernel: string;
  label: string;
  perfNs: number;
  processNs: number;
  threadNs: number;
}

export interface ClockResolution {
  clock: string;
  implementation: string;
  claimedNs: number;
  minStepNs: number | null;
  medianReadNs: number;
}

export interface UnbatchedPoint {
  size: number;
  batchedNs: number;
  singleNs: number;
  batchedMinNs: number;
  singleMinNs: number;
  /**
   * (one call − batched) / batched, on the minimums: the bias a timer pair adds is what is asked, and the minimum
   * is the sample least touched by preemption (a long batched sample is preempted more often than a short one).
   */
  error: number;
}

export interface ReductionCase {
  data: string;
  dtype: string;
  n: number;
  exact: number;
  conditionNumber: number;
  methods: Array<{ method: string; value: number; relativeError: number; ulps: number }>;
}

export interface PitfallsResult {
  schema: typeof PITFALLS_SCHEMA;
  createdAt: string;
  quick: boolean;
  complete: boolean;
  interrupted: boolean;
  /** The signal that stopped the run when `interrupted`. */
  stoppedBy?: NodeJS.Signals;
  /** A helper ran past --timeout: the sections measured before it are kept. */
  timedOut: boolean;
  environment: BudgetEnvironment;
  /** Median over the warm-up processes of the time `import numpy` took. */
  importNumpyNs: number | null;
  warmup: WarmupOp[];
  gc: { on: SampleSummary; off: SampleSummary; collectionsPerBlock: number; liveObjects: number; blockObjects: number } | null;
  clocks: ClockReading[];
  resolution: ClockResolution[];
  unbatched: UnbatchedPoint[];
  /** Smallest size whose one-call timing is within 5 % of the batched time, and that time. */
  shortestUnbatched: { size: number; ns: number } | null;
  /** What one timed call adds (median over the three smallest sizes), and the op length at which that is 5 %. */
  unbatchedOverheadNs: number | null;
  shortestByOverheadNs: number | null;
  noise: { kernel: string; wall: SampleSummary; cpu: SampleSummary; maxOverMin: number } | null;
  warnings: string[];
  reduction: ReductionCase[];
}

/** Error tolerated for timing one call at a time. */
export const UNBATCHED_TOLERANCE = 0.05;

function nums(v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new VecprofError('pitfalls helper sent malformed samples', { hint: 'reinstall vecprof; this is a bug if it persists' });
  }
  return v as number[];
}

export function reductionCase(msg: HelperMessage): ReductionCase {
  const exact = Number(msg.exact);
  const ulp = Number(msg.ulp);
  const sums = (msg.sums ?? {}) as Record<string, number>;
  return {
    data: String(msg.data),
    dtype: String(msg.dtype),
    n: Number(msg.n),
    exact,
    conditionNumber: exact !== 0 ? Number(msg.magnitude) / Math.abs(exact) : Infinity,
    methods: [
      ...Object.entries(sums).map(([method, value]) => ({
        method,
        value,
        relativeError: exact !== 0 ? Math.abs(value - exact) / Math.abs(exact) : Math.abs(value),
        ulps: ulp > 0 ? Math.abs(value - exact) / ulp : 0,
      })),
      { method: 'math.fsum (exact reference)', value: exact, relativeError: 0, ulps: 0 },
    ],
  };
}

export function warmupOp(op: string, c: { first: number[]; second: number[]; warm: number[] }): WarmupOp {
  const warm = summarize(c.warm);
  const firstNs = median(c.first);
  return {
    op,
    firstNs,
    firstMinNs: Math.min(...c.first),
    firstMaxNs: Math.max(...c.first),
    secondNs: median(c.second),
    warm,
    firstOverWarm: firstNs / warm.median,
    processes: c.first.length,
  };
}

export function unbatchedPoint(msg: HelperMessage): UnbatchedPoint {
  const batched = nums(msg.batched_ns);
  const single = nums(msg.single_ns);
  const batchedMinNs = Math.min(...batched);
  const singleMinNs = Math.min(...single);
  return {
    size: Number(msg.size),
    batchedNs: median(batched),
    singleNs: median(single),
    batchedMinNs,
    singleMinNs,
    error: (singleMinNs - batchedMinNs) / batchedMinNs,
  };
}

/**
 * The shortest op whose single-call timing stays within tolerance from there on up. The timer pair can only add
 * time, so a single call measured faster than the batched one is noise, not bias: the test is one-sided.
 */
export function shortestUnbatched(points: UnbatchedPoint[]): { size: number; ns: number } | null {
  const sorted = [...points].sort((a, b) => a.size - b.size);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted.slice(i).every((p) => p.error <= UNBATCHED_TOLERANCE)) return { size: sorted[i]!.size, ns: sorted[i]!.batchedMinNs };
  }
  return null;
}

/** The fixed cost a timed single call adds, from the smallest ops (where it dominates and preemption is rare). */
export function unbatchedOverhead(points: UnbatchedPoint[]): number | null {
  const smallest = [...points].sort((a, b) => a.size - b.size).slice(0, 3);
  return smallest.length > 0 ? median(smallest.map((p) => p.singleMinNs - p.batchedMinNs)) : null;
}

export async function runPitfalls(opts: {
  quick: boolean;
  python?: string;
  progress: boolean;
  seed: number;
  /** Per helper process. */
  timeoutSeconds: number;
}): Promise<PitfallsResult> {
  const python = await locatePython({ python: opts.python });
  const environment = await environmentFor(python);
  const result: PitfallsResult = {
    schema: PITFALLS_SCHEMA,
    createdAt: new Date().toISOString(),
    quick: opts.quick,
    complete: false,
    interrupted: false,
    timedOut: false,
    environment,
    importNumpyNs: null,
    warmup: [],
    gc: null,
    clocks: [],
    resolution: [],
    unbatched: [],
    shortestUnbatched: null,
    unbatchedOverheadNs: null,
    shortestByOverheadNs: null,
    noise: null,
    warnings: [],
    reduction: [],
  };
  const processes = opts.quick ? WARMUP_PROCESSES.quick : WARMUP_PROCESSES.full;
  const progress = createProgress(opts.progress, 'pitfalls');
  progress.start(processes + MAIN_SECTIONS.length);
  let stepsDone = 0;
  const imports: number[] = [];
  const firstCalls = new Map<string, { first: number[]; second: number[]; warm: number[] }>();
  const onMessage = (msg: HelperMessage): void => {
    switch (msg.type) {
      case 'progress':
        progress.update(++stepsDone);
        break;
      case 'import':
        imports.push(Number(msg.numpy_ns));
        break;
      case 'warmup': {
        const op = String(msg.op);
        const entry = firstCalls.get(op) ?? { first: [], second: [], warm: [] };
        entry.first.push(Number(msg.first_ns));
        entry.second.push(Number(msg.second_ns));
        entry.warm.push(...nums(msg.warm_ns));
        firstCalls.set(op, entry);
        break;
      }
      case 'gc': {
        const collections = nums(msg.collections);
        result.gc = {
          on: summarize(nums(msg.on_ns)),
          off: summarize(nums(msg.off_ns)),
          collectionsPerBlock: median(collections),
          liveObjects: Number(msg.live_objects),
          blockObjects: Number(msg.block_objects),
        };
        break;
      }
      case 'clocks':
        result.clocks.push({
          kernel: String(msg.kernel),
          label: String(msg.label),
          perfNs: median(nums(msg.perf_ns)),
          processNs: median(nums(msg.process_ns)),
          threadNs: median(nums(msg.thread_ns)),
        });
        break;
      case 'resolution':
        result.resolution.push({
          clock: String(msg.clock),
          implementation: String(msg.implementation),
          claimedNs: Number(msg.claimed_s) * 1e9,
          minStepNs: typeof msg.min_step_ns === 'number' ? msg.min_step_ns : null,
          medianReadNs: Number(msg.median_read_ns),
        });
        break;
      case 'unbatched':
        result.unbatched.push(unbatchedPoint(msg));
        break;
      case 'noise': {
        const wall = summarize(nums(msg.wall_ns));
        result.noise = { kernel: String(msg.kernel), wall, cpu: summarize(nums(msg.cpu_ns)), maxOverMin: Math.max(...nums(msg.wall_ns)) / wall.min };
        break;
      }
      case 'reduction':
        result.reduction.push(reductionCase(msg));
        break;
      default:
        break;
    }
  };
  const run = (sections: string[], seed: number) =>
    runHelper({
      python: python.command,
      script: helperPath('vecprof_pitfalls.py'),
      args: [JSON.stringify({ quick: opts.quick, seed, sections })],
      timeoutMs: opts.timeoutSeconds * 1000,
      onMessage,
      label: 'pitfalls helper',
    });
  try {
    for (let p = 0; p < processes; p++) await run(['warmup'], opts.seed + p);
    await run(MAIN_SECTIONS, opts.seed);
    result.complete = true;
  } catch (err) {
    if (err instanceof HelperTimeoutError) result.timedOut = true;
    else if (err instanceof InterruptedError) {
      result.interrupted = true;
      result.stoppedBy = err.signal;
    }
    else throw err;
  } finally {
    progress.stop();
  }
  result.importNumpyNs = imports.length > 0 ? median(imports) : null;
  result.warmup = [...firstCalls].map(([op, c]) => warmupOp(op, c));
  result.shortestUnbatched = shortestUnbatched(result.unbatched);
  result.unbatchedOverheadNs = unbatchedOverhead(result.unbatched);
  result.shortestByOverheadNs = result.unbatchedOverheadNs !== null ? result.unbatchedOverheadNs / UNBATCHED_TOLERANCE : null;
  environment.noiseEnd = result.complete ? await noiseSnapshot() : null;
  result.warnings = noiseWarnings(environment.machine, environment.noiseStart, environment.noiseEnd);
  return result;
}
