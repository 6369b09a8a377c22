// The one Profile model. Every runner and importer produces it; every renderer and the advisor read only it.
// Times are seconds, memory is bytes, shares are fractions of the whole run (0..1).

export type ProfileMode = 'cpu' | 'lines' | 'memory' | 'sample';
export type RequestedMode = ProfileMode | 'auto';

export interface FunctionStat {
  /** Stable key: `${file}:${line}:${name}`; C functions have file "~" and line 0, as in pstats. */
  id: string;
  file: string;
  line: number;
  name: string;
  calls?: number;
  primitiveCalls?: number;
  selfTime?: number;
  totalTime?: number;
  samples?: number;
  selfSamples?: number;
  /** Who called this function; sampled sources know no call counts (calls 0) and give `samples` instead. */
  callers?: Array<{ id: string; calls: number; totalTime: number; samples?: number }>;
}

/** Where a hot line's samples went (fractions of that line's samples; they add up to 1). */
export interface SampleSplit {
  python: number;
  /** NumPy's per-element machinery (array_subscript, PyArray_Scalar, scalar math): the element-loop fingerprint. */
  numpyScalar: number;
  /** Bulk native kernels (ufunc loops, BLAS, reductions over whole buffers). */
  nativeKernel: number;
  otherNative: number;
}

export interface LineStat {
  file: string;
  line: number;
  function?: string;
  time?: number;
  share: number;
  /** How often the line ran (loop trip count for a loop body line), where known (lines mode). */
  hits?: number;
  samples?: number;
  split?: SampleSplit;
}

export interface MemoryLineStat {
  file: string;
  line: number;
  /** Bytes this line held at the moment of the traced peak. */
  bytesAtPeak: number;
  /** Bytes allocated by this line over the run (including freed temporaries where the method can see them). */
  allocatedBytes: number;
  /** Part of the above that is NumPy data buffers (tracemalloc domain 389047). */
  numpyBytes: number;
  allocations: number;
  /**
   * Sampled resident-memory growth while this line ran that NumPy buffer allocations do not explain (Python objects,
   * or first writes to an earlier np.empty/np.zeros buffer). An estimate; only memory mode's NumPy-handler mechanism.
   */
  rssGrowthBytes?: number;
}

export interface MemoryStat {
  peakTracedBytes: number;
  peakRssBytes?: number;
  startBytes: number;
  endBytes: number;
  lines: MemoryLineStat[];
  /** What traced the bytes: 'numpy-handler' (NumPy data buffers only) or 'tracemalloc' (every allocation). */
  mechanism?: string;
  /** The user line running when the sampled resident size was highest. */
  peakRssLine?: { file: string; line: number };
}

export interface Frame {
  name: string;
  file: string;
  line: number;
  native?: boolean;
}

/** Sampled call stacks, for the flame graph and the speedscope export. */
export interface SampleStacks {
  frames: Frame[];
  /** Each stack lists frame indices root first; weight is a sample count. */
  stacks: Array<{ frames: number[]; weight: number }>;
  intervalSeconds?: number;
}

export interface PassInfo {
  mode: ProfileMode;
  /** Why this pass ran (auto mode explains its decision tree here). */
  reason: string;
  wallSeconds: number;
  found: string;
  /** CPU time (user + system) of the profiled process, in-process profiling included, where the launcher read it. */
  cpuSeconds?: number;
  /** CPU time of an outside profiler (py-spy) while it sampled: with blocking sampling, about the time it held the program stopped. */
  profilerCpuSeconds?: number;
}

export interface ProfileMeta {
  mode: RequestedMode;
  passes: PassInfo[];
  command: string[];
  python?: { executable: string; version: string; numpy: string | null };
  startedAt: string;
  durationSeconds: number;
  exitStatus: number | null;
  signal?: string | null;
  /** Profiled wall / plain wall where measured. */
  overhead?: number;
  tool?: string;
  /** Set when vecprof stopped the program (--timeout, Ctrl-C): the profile covers only what ran until then. */
  stoppedBy?: 'timeout' | 'interrupt';
  /** Resident memory of the profiled process (bytes), as its launcher saw it; children's peak is the largest child's. */
  rss?: RssStat;
}

export interface RssStat {
  startBytes: number | null;
  endBytes: number | null;
  peakBytes: number | null;
  peakChildrenBytes: number | null;
}

export interface Profile {
  version: 1;
  meta: ProfileMeta;
  functions: FunctionStat[];
  lines: LineStat[];
  memory?: MemoryStat;
  samples?: SampleStacks;
}
