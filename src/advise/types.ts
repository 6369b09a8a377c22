// The Advice model: profile × findings × this machine's cost model, ranked by measured time.
import type { Finding } from '../check/types.js';
import type { Profile } from '../profile/model.js';
import type { CostModel } from './costmodel.js';
import type { BytesCounted } from './bandwidth.js';
import type { ArraySeen } from './shapes.js';

export type AdviceKind =
  /** A finding on a hot loop: the rewrite is priced. */
  | 'vectorize'
  /** A hot Python loop no rule recognises. */
  | 'hot-loop'
  /** A hot line that is already a NumPy kernel: its achieved bandwidth against the machine's peak. */
  | 'numpy-kernel'
  /** A finding on code that did not run hot (or did not run): listed last. */
  | 'cold';

export interface Prediction {
  /** Measured time of the loop (seconds, all its lines). */
  measuredSeconds: number;
  /** Predicted time of the vectorized rewrite. */
  predictedSeconds: number;
  speedup: number;
  /** Share of the whole run the rewrite saves. */
  savesShare: number;
  /** How the prediction was made, in one line ("2 NumPy calls over 1,048,576 float64: 16 MiB at 17 GB/s + 1.4 µs"). */
  basis: string;
}

export interface Advice {
  rank: number;
  kind: AdviceKind;
  /** Absolute path of the source file. */
  file: string;
  /** As shown to the user. */
  displayPath: string;
  line: number;
  endLine: number;
  finding?: Finding;
  /** How often the loop body ran (its trip count, summed over entries), where the lines pass counted it. */
  hits?: number;
  /** How often the loop was entered (header hits minus body hits). */
  entries?: number;
  timeSeconds: number;
  share: number;
  perIterationNs?: number;
  prediction?: Prediction;
  /** Why there is no prediction (and, for a kernel, no bandwidth): every item without a price says why. */
  notPriced?: string;
  /**
   * For numpy-kernel items: the bandwidth achieved, against the peak for where its arrays live (the in-cache peak, or
   * memory bandwidth for arrays larger than the last-level cache).
   */
  bandwidth?: {
    bytesPerSecond: number;
    /** Capped at 100: the peak is a measurement, and a line may run a little above it. */
    percentOfPeak: number | null;
    bound: boolean;
    /** Absent in vecprof.advice/1 files, where the peak it was held against was not recorded. */
    comparedWith?: 'cache' | 'memory';
    /** Absent in vecprof.advice/1 files. */
    peakBytesPerSecond?: number;
    /** The bytes the line's rate and the peak count: 'read + written' (arrays it names, once each), or 'read' (a reduction). Absent in advice saved before it was recorded. */
    counted?: BytesCounted;
  };
  /** Arrays seen at the line when the program ran. */
  arrays: ArraySeen[];
  /** One sentence: where, what was measured, and the advice with its price (or why it has none). */
  summary: string;
  /**
   * The summary without where and what was measured (the terminal prints those apart, as numbers). Optional: advice
   * saved by an earlier version has only the summary.
   */
  detail?: string;
}

/** Hot items the terminal list shows unless told (`--top`), for advise and profile --advise alike. */
export const DEFAULT_ADVICE_TOP = 8;

/**
 * The advice file's schema. 2: a kernel's bandwidth says which peak it is held against (comparedWith,
 * peakBytesPerSecond) and percentOfPeak is capped at 100. `vecprof report` still reads 1.
 */
export const ADVICE_SCHEMA = 'vecprof.advice/2';
export const OLD_ADVICE_SCHEMAS: readonly string[] = ['vecprof.advice/1'];

export interface AdviceReport {
  schema: typeof ADVICE_SCHEMA;
  createdAt: string;
  command: string[];
  profile: Profile;
  findings: Finding[];
  costModel: CostModel;
  items: Advice[];
  /** Files that ran and were checked. */
  filesChecked: string[];
  /** Source text of every file an item points into, keyed by absolute path (for the report's source view). */
  sources: Record<string, string>;
}
