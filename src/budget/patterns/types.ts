// The pattern catalogue's model: a pattern is groups of versions (the loop first, then its rewrites), each a
// Python statement with its setup, swept over sizes. Saved as pattern-<name>.json (--out).
import type { Interval, SampleSummary } from '../stats.js';
import type { BudgetEnvironment } from '../types.js';

export const PATTERN_SCHEMA = 'vecprof.pattern/1';

export type VersionRole = 'bad' | 'good' | 'alternative';

export interface PatternVersion {
  id: string;
  label: string;
  role: VersionRole;
  /** Python statements run before the clock starts, in the timing function (inputs are its locals). */
  setup: string;
  /** The timed statement(s): what the user's code would run. */
  stmt: string;
  /** An expression naming the result, compared with the loop's by the check mode. */
  result: string;
  /** 'process' for kernels that run on several threads (BLAS): CPU time then counts every thread. */
  clock?: 'thread' | 'process';
  /** A module the version needs beyond NumPy; when it is missing the version is skipped and the output says so. */
  requires?: string;
  /** Largest size at which this version is measured (default / --quick); beyond it its time is extrapolated. */
  cap?: { full: number; quick: number };
  /** How its time grows with size beyond the cap: 1 linear, 2 quadratic (fitted on the two largest sizes). */
  growth?: 1 | 2;
  /**
   * Bytes it holds at once at size n beyond the inputs (temporaries + result), an upper estimate: the memory guard
   * skips a size where inputs + this would not fit. Every version whose memory grows with n declares it.
   */
  allocates?: (n: number, itemsize: number) => number;
  /** The result's dtype when it is not the input dtype by design (cdist computes in float64 whatever it is given). */
  resultDtype?: 'float64';
  /**
   * A Python expression evaluated after the check run, a dict of numbers the tests assert on (how many batches
   * the batched version ran, …): evidence that the check exercised the path it claims to.
   */
  checkFacts?: string;
}

export interface PatternGroup {
  /** e.g. "sum"; empty when the pattern has one group. */
  title: string;
  /** versions[0] is the loop every other version is compared with. */
  versions: PatternVersion[];
}

export interface PatternSpec {
  name: string;
  title: string;
  description: string;
  /** What the seed claims, quoted in the output next to what this machine measured. */
  claim: string;
  /** What "size" means for this pattern, e.g. "N = M points (D = 8)". */
  sizeLabel: string;
  /** Python statements that build the inputs from n, dtype, rng (and may import math or define functions). */
  inputs: string;
  /** Bytes the inputs take at size n: a size whose inputs alone exceed the memory guard is not run at all. */
  inputBytes: (n: number, itemsize: number) => number;
  sizes: { full: number[]; quick: number[] };
  /** Small, awkward sizes for the allclose check (odd, not multiples of a chunk). */
  checkSizes: number[];
  groups: PatternGroup[];
  /** Bytes the good version must read and write at size n: the minimum memory traffic of the computation. */
  bytesTouched: (n: number, itemsize: number) => number;
  /** What bytes touched and peak memory mean for this pattern, in a sentence. */
  bytesMeaning: string;
  peakMeaning: string;
  /** Pattern-specific conclusions drawn from the result (where broadcasting loses, the growth exponent, …). */
  insights?: (result: PatternResult) => string[];
}

export interface PatternCell {
  version: string;
  size: number;
  reps: number;
  clock: 'thread' | 'process';
  wallNs: number[];
  cpuNs: number[];
  spentNs: number;
  wall: SampleSummary;
  cpu: SampleSummary;
}

export interface MemoryCell {
  version: string;
  size: number;
  /** Bytes held at the peak beyond the inputs (tracemalloc, NumPy's domain included). */
  peakBytes: number;
  /** Bytes still held when the statement finished (its result). */
  keptBytes: number;
}

export type EntryStatus = 'measured' | 'extrapolated' | 'skipped-memory' | 'unavailable' | 'not-run';

export interface VersionEntry {
  version: string;
  status: EntryStatus;
  /** Median time per call with its 95 % bootstrap interval (scaled from the cap when extrapolated). */
  timeNs: Interval | null;
  /** Baseline (the group's loop) / this version: how many times faster. Null for the baseline itself. */
  speedup: Interval | null;
  peakBytes: number | null;
  /** CPU time / wall time: ~1 for one thread, above 1 when a kernel used several threads. */
  cpuPerWall: number | null;
  /** Achieved bandwidth on the pattern's bytes touched. */
  bytesPerSecond: number | null;
  flags: string[];
  note?: string;
}

export interface PatternRow {
  size: number;
  bytesTouched: number;
  entries: VersionEntry[];
}

/**
 * Where a version's speedup over the loop crosses 1, read from the largest size down: 'from' (it wins from
 * there on), 'until' (it wins below that size only, e.g. a loop's cheaper start), 'always', 'never'.
 */
export type PatternCrossover =
  | { kind: 'always'; size: number }
  | { kind: 'never'; size: number }
  | { kind: 'from'; size: number }
  | { kind: 'until'; size: number };

export interface GroupSummary {
  title: string;
  baseline: string;
  versions: Array<{
    version: string;
    crossover: PatternCrossover | null;
    /** Speedup over the loop at the largest size where both have a time. */
    atLargest: { size: number; speedup: Interval; extrapolated: boolean } | null;
  }>;
}

export interface PatternConfig {
  pattern: string;
  quick: boolean;
  sizes: number[];
  dtype: 'float64' | 'float32';
  sampleSeconds: number;
  minSamples: number;
  minCellSeconds: number;
  maxCellSeconds: number;
  passes: number;
  seed: number;
  timeoutSeconds: number;
  /** No version may allocate more than this at one size (a safe fraction of the memory available at start). */
  memoryGuardBytes: number;
  /** Override of every capped version's cap (--loop-max), as a size. */
  capOverride: number | null;
}

export interface PatternResult {
  schema: typeof PATTERN_SCHEMA;
  createdAt: string;
  complete: boolean;
  interrupted: boolean;
  /** The signal that stopped the run (SIGINT, SIGTERM, SIGHUP) when `interrupted`; its exit code is 128 + its number. */
  stoppedBy?: NodeJS.Signals;
  /** The helper ran past --timeout and was stopped: like an interrupt, the rows hold the sizes that finished. */
  timedOut: boolean;
  /**
   * Why a partial result stopped: "interrupted by SIGINT", "stopped by --timeout (5 s)", "the pattern helper (where)
   * exited with status 139: …", "pattern-where.partial.json could not be written", or in a mid-run file "still
   * running …"; null when complete. Files written before this field have none.
   */
  stopReason?: string | null;
  name: string;
  title: string;
  description: string;
  claim: string;
  sizeLabel: string;
  bytesMeaning: string;
  peakMeaning: string;
  /** Which clocks the versions were read with (src/budget/patterns/clock.ts); null when no version calls BLAS. */
  clockNote: string | null;
  config: PatternConfig;
  environment: BudgetEnvironment;
  versions: Array<Omit<PatternVersion, 'allocates' | 'cap'> & { group: string; cap: number | null }>;
  unavailable: Array<{ version: string; reason: string }>;
  cells: PatternCell[];
  memory: MemoryCell[];
  rows: PatternRow[];
  groups: GroupSummary[];
  insights: string[];
  warnings: string[];
  timing: { wallSeconds: number; timedSeconds: number };
}
