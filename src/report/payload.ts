// The data the report page receives, embedded as JSON. Shared by build.ts (which makes it) and the front end
// (which only reads it), so it holds plain data only: no Node or DOM types.

export const PAYLOAD_VERSION = 2;

/** Frame kinds as small integers (the flame graph holds thousands of frames). */
export const FRAME_KINDS = ['python', 'numpyScalar', 'nativeKernel', 'otherNative'] as const;

export interface ReportPayload {
  version: typeof PAYLOAD_VERSION;
  title: string;
  createdAt: string;
  generator: string;
  summary: SummaryView;
  advice: AdviceView[];
  files: SourceFileView[];
  findings: FindingView[];
  flame: FlameTree | null;
  functions: FunctionRow[];
  /** Functions left out of the table (the least costly ones) to keep the page light. */
  functionsOmitted: number;
  memory: MemoryView | null;
  budget: BudgetView | null;
}

export interface SummaryView {
  /** Which models the report was made from, e.g. ["profile", "check"]. */
  parts: string[];
  command: string[] | null;
  durationSeconds: number | null;
  exitStatus: number | null;
  signal: string | null;
  stoppedBy: string | null;
  mode: string | null;
  passes: Array<{ mode: string; reason: string; wallSeconds: number; found: string }>;
  python: string | null;
  tool: string | null;
  totalSamples: number | null;
  findingsCount: number;
  filesWithFindings: number;
  /** One line each: what the budget found (crossover, plateaus), when a budget is given. */
  budgetLines: string[];
  /** What the reader must know before trusting the page, one line each (a profile and advice from different runs). */
  warnings: string[];
}

/** Mirrors advise/types.ts (kept apart so the front end compiles without Node's types). */
export type AdviceKind = 'vectorize' | 'hot-loop' | 'numpy-kernel' | 'cold';

export interface Prediction {
  measuredSeconds: number;
  predictedSeconds: number;
  speedup: number;
  savesShare: number;
  basis: string;
}

export interface FixView {
  description: string;
  replacement: string;
  safety: string;
}

export interface AdviceView {
  rank: number;
  kind: AdviceKind;
  /** Index into `files`, or -1 when the file is not shown. */
  file: number;
  displayPath: string;
  line: number;
  endLine: number;
  code: string | null;
  message: string | null;
  fix: FixView | null;
  hits: number | null;
  entries: number | null;
  timeSeconds: number;
  share: number;
  perIterationNs: number | null;
  prediction: Prediction | null;
  bandwidth: {
    bytesPerSecond: number;
    /** Capped at 100. */
    percentOfPeak: number | null;
    bound: boolean;
    /** Null in advice saved before it was recorded (vecprof.advice/1): the page says "of peak". */
    comparedWith: 'cache' | 'memory' | null;
    peakBytesPerSecond: number | null;
    /** Absent in advice saved before it was recorded. */
    counted?: 'read' | 'read + written';
  } | null;
  arrays: string[];
  summary: string;
}

export interface FindingView {
  code: string;
  message: string;
  displayPath: string;
  /** Index into `files`, or -1. */
  file: number;
  line: number;
  column: number;
  endLine: number;
  cell: number | null;
  fix: FixView | null;
}

export interface LineView {
  line: number;
  share: number | null;
  time: number | null;
  hits: number | null;
  samples: number | null;
  /** Fractions of the line's samples: Python, NumPy per-element, bulk kernel, other native. */
  split: [number, number, number, number] | null;
  bytesAtPeak: number | null;
  allocatedBytes: number | null;
  /** Indices into `findings`. */
  findings: number[];
  /** Rank of the advice item whose range starts here. */
  advice: number | null;
}

export interface SourceFileView {
  path: string;
  displayPath: string;
  /** The file's lines, or null when it could not be read (then `missing` says why). */
  text: string[] | null;
  missing: string | null;
  /** Share of the run spent in this file's lines. */
  share: number;
  lines: LineView[];
}

/**
 * The samples aggregated into a call tree, flattened in pre-order so the page never sees individual stacks.
 * Node i: frame[i] (-1 for the root), depth[i] (root = 0) and total[i] samples. Self counts and subtree ends follow
 * from pre-order and are derived by the page, which keeps a million-sample report about half the size.
 */
export interface FlameTree {
  names: string[];
  files: string[];
  lines: number[];
  /** Index into FRAME_KINDS per frame. */
  kinds: number[];
  frame: number[];
  depth: number[];
  total: number[];
  maxDepth: number;
  totalSamples: number;
  intervalSeconds: number | null;
  /** Stacks rebuilt from caller edges (deterministic profile): widths are time, not sample counts. */
  approximate: boolean;
}

export interface FunctionRow {
  name: string;
  displayPath: string;
  line: number;
  /** Index into `files` when the function's file is shown. */
  file: number;
  calls: number | null;
  selfTime: number | null;
  totalTime: number | null;
  samples: number | null;
  selfSamples: number | null;
}

/** What is known about memory: every run measures resident memory; only a memory pass traces it per line. */
export interface MemoryView {
  /** Resident memory of the program's process (every mode that runs the program reads it). */
  peakRssBytes: number | null;
  rssStartBytes: number | null;
  rssEndBytes: number | null;
  /** The largest of the program's finished children (multiprocessing workers, subprocesses). */
  peakChildrenRssBytes: number | null;
  /** The user line running when the resident size peaked (memory pass). */
  peakRssLine: { displayPath: string; file: number; line: number } | null;
  /** Per-line memory, from a memory pass (--mode memory, or auto mode when the run was large); null without one. */
  traced: {
    peakBytes: number;
    startBytes: number;
    endBytes: number;
    /** 'numpy-handler' (NumPy data buffers only) or 'tracemalloc' (every allocation). */
    mechanism: string | null;
    lines: Array<{
      displayPath: string;
      file: number;
      line: number;
      bytesAtPeak: number;
      allocatedBytes: number;
      numpyBytes: number;
      allocations: number;
    }>;
  } | null;
}

export interface BudgetView {
  title: string;
  machine: string;
  /** The sweep plot as an SVG data: URL (an image cannot run script, whatever its text says). */
  plotDataUrl: string | null;
  rows: Array<{
    size: number;
    workingSetBytes: number;
    regime: string;
    loopNs: number | null;
    numpyNs: number | null;
    loopExtrapolated: boolean;
    ratio: number | null;
    ratioLow: number | null;
    ratioHigh: number | null;
    bytesPerSecond: number | null;
    percentOfPeak: number | null;
    flags: string[];
  }>;
  facts: Array<[string, string]>;
  warnings: string[];
}
