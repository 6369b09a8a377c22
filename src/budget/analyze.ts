// From cells to conclusions: rows with ratios, crossover, per-regime plateaus, fitted costs, the cache knee.
import { median } from 'simple-statistics';
import { dataCaches, type CacheLevel } from '../env/machine.js';
import { bootstrapMedians, bootstrapRatio, theilSen, type Interval } from './stats.js';
import type {
  BudgetConfig,
  BudgetDerived,
  BudgetOp,
  BudgetRow,
  CacheEstimate,
  Crossover,
  KernelCell,
  PeakBandwidth,
  Plateau,
  Regime,
} from './types.js';

/** Spread (MAD / median) above which a cell's median is flagged as unstable. */
export const UNSTABLE_SPREAD = 0.1;
/** A NumPy cell belongs to a plateau only when its fixed per-call cost is under this share of its time. */
const MAX_OVERHEAD_SHARE = 0.25;

/** Arrays a NumPy kernel streams per element: sum reads one; exp and tanh read one and write one. */
export function arraysTouched(op: BudgetOp): number {
  return op === 'sum' ? 1 : 2;
}

// Cells never change once measured, and the analysis runs again after every finished size (partial results),
// so each bootstrap is computed once per cell (or pair of cells) and kept here.
const intervalCache = new WeakMap<KernelCell, Map<string, Interval>>();

function cached(cell: KernelCell, key: string, compute: () => Interval): Interval {
  let perCell = intervalCache.get(cell);
  if (!perCell) intervalCache.set(cell, (perCell = new Map()));
  let value = perCell.get(key);
  if (!value) perCell.set(key, (value = compute()));
  return value;
}

function intervalOfMedian(cell: KernelCell, seed: number): Interval {
  return cached(cell, `median:${seed}`, () => bootstrapMedians([cell.wallNs], ([m]) => m!, { seed, replicates: 400 }));
}

export interface RegimeBounds {
  l1: number | null;
  l2: number | null;
  llc: number | null;
}

export function regimeOf(bytes: number, bounds: RegimeBounds): Regime {
  if (bounds.l1 !== null && bytes <= bounds.l1) return 'L1';
  if (bounds.l2 !== null && bytes <= bounds.l2) return 'L2';
  if (bounds.llc !== null && bytes <= bounds.llc) return 'LLC';
  if (bounds.llc === null && bounds.l2 === null && bounds.l1 === null) return 'LLC';
  return 'DRAM';
}

function cellFlags(cell: KernelCell | undefined): string[] {
  if (!cell) return [];
  const flags: string[] = [];
  if (cell.wall.relativeSpread > UNSTABLE_SPREAD) {
    flags.push(`${cell.kernel} spread ±${(cell.wall.relativeSpread * 100).toFixed(0)} %`);
  }
  // CPU time well below wall time: the thread was descheduled while the clock ran.
  if (cell.cpu.median > 0 && cell.cpu.median < 0.85 * cell.wall.median) {
    flags.push(`${cell.kernel} ran ${((1 - cell.cpu.median / cell.wall.median) * 100).toFixed(0)} % off-CPU`);
  }
  return flags;
}

export function buildRows(
  config: BudgetConfig,
  cells: KernelCell[],
  bounds: RegimeBounds,
  peakBytesPerSecond: number | null,
): BudgetRow[] {
  const byExp = new Map<number, { loop?: KernelCell; numpy?: KernelCell }>();
  for (const c of cells) {
    const entry = byExp.get(c.exponent) ?? {};
    entry[c.kernel] = c;
    byExp.set(c.exponent, entry);
  }
  const measuredLoops = cells.filter((c) => c.kernel === 'loop').sort((a, b) => a.size - b.size);
  const largestLoop = measuredLoops.at(-1);
  const rows: BudgetRow[] = [];
  for (const exponent of [...byExp.keys()].sort((a, b) => a - b)) {
    const { loop, numpy } = byExp.get(exponent)!;
    const size = 2 ** exponent;
    const itemsize = (numpy ?? loop)!.itemsize;
    const workingSetBytes = size * itemsize * arraysTouched(config.op);
    let loopNs: Interval | null = null;
    let ratio: Interval | null = null;
    let loopExtrapolated = false;
    if (loop) {
      loopNs = intervalOfMedian(loop, exponent);
      if (numpy) ratio = cached(numpy, `ratio:${exponent}`, () => bootstrapRatio(loop.wallNs, numpy.wallNs, { seed: exponent }));
    } else if (largestLoop && exponent > config.loopMaxExponent && exponent > largestLoop.exponent && numpy) {
      // The interpreter's cost per element is flat beyond L1, so the loop scales linearly from its largest size.
      // Only above --loop-max: a loop missing below it (a run stopped early) is "not measured", not scaled.
      const scale = size / largestLoop.size;
      loopExtrapolated = true;
      const base = intervalOfMedian(largestLoop, largestLoop.exponent);
      loopNs = { estimate: base.estimate * scale, low: base.low * scale, high: base.high * scale };
      ratio = cached(numpy, `extrapolated:${largestLoop.exponent}`, () =>
        bootstrapMedians([largestLoop.wallNs, numpy.wallNs], ([l, n]) => (l! * scale) / n!, { seed: exponent }),
      );
    }
    const numpyNs = numpy ? intervalOfMedian(numpy, exponent + 100) : null;
    const bytesPerSecond = numpyNs ? workingSetBytes / (numpyNs.estimate / 1e9) : null;
    rows.push({
      exponent,
      size,
      workingSetBytes,
      regime: regimeOf(workingSetBytes, bounds),
      loopNs,
      numpyNs,
      loopExtrapolated,
      ratio,
      bytesPerSecond,
      percentOfPeak: bytesPerSecond !== null && peakBytesPerSecond ? (100 * bytesPerSecond) / peakBytesPerSecond : null,
      flags: [...cellFlags(loop), ...cellFlags(numpy)],
    });
  }
  return rows;
}

/** Where loop/NumPy crosses 1, interpolated in log-size and log-ratio. */
export function findCrossover(points: Array<{ size: number; ratio: number }>): Crossover | null {
  const pts = points.filter((p) => p.ratio > 0).sort((a, b) => a.size - b.size);
  if (pts.length === 0) return null;
  if (pts[0]!.ratio >= 1) return { kind: 'below', size: pts[0]!.size };
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    if (a.ratio < 1 && b.ratio >= 1) {
      const t = (0 - Math.log(a.ratio)) / (Math.log(b.ratio) - Math.log(a.ratio));
      const x = Math.log2(a.size) + t * (Math.log2(b.size) - Math.log2(a.size));
      return { kind: 'at', size: 2 ** x };
    }
  }
  return { kind: 'above', size: pts.at(-1)!.size };
}

/** A fall of at least this factor between neighbouring sizes marks leaving the cache. */
const KNEE_MIN_DROP = 1.3;

/**
 * The effective last-level cache: where NumPy's streaming bandwidth falls to memory speed. It is the steepest
 * fall between neighbouring sizes above `aboveBytes` (the L2 size, so the L2→LLC step is not mistaken for it),
 * placed halfway (in log size) between the two. 'beyond' when the sweep ends before `cacheBytes` (sysfs LLC).
 */
export function findBandwidthKnee(
  points: Array<{ bytes: number; bytesPerSecond: number }>,
  opts: { aboveBytes?: number; cacheBytes?: number | null } = {},
): number | 'none' | 'beyond' {
  const pts = [...points].sort((a, b) => a.bytes - b.bytes);
  let best: { drop: number; at: number } | null = null;
  for (let i = 0; i + 1 < pts.length; i++) {
    const fast = pts[i]!;
    const slow = pts[i + 1]!;
    if (slow.bytes <= (opts.aboveBytes ?? 0)) continue;
    const drop = fast.bytesPerSecond / slow.bytesPerSecond;
    if (drop >= KNEE_MIN_DROP && (!best || drop > best.drop)) {
      best = { drop, at: Math.sqrt(fast.bytes * slow.bytes) };
    }
  }
  if (best) return best.at;
  const largest = pts.at(-1)?.bytes ?? 0;
  return opts.cacheBytes && largest <= opts.cacheBytes ? 'beyond' : 'none';
}

export function cacheBounds(caches: CacheLevel[]): { l1: number | null; l2: number | null; llcSysfs: number | null } {
  const data = dataCaches(caches);
  const level = (n: number): number | null => data.find((c) => c.level === n)?.sizeBytes ?? null;
  const last = data.at(-1);
  return { l1: level(1), l2: level(2), llcSysfs: last && last.level >= 3 ? last.sizeBytes : null };
}

export function estimateLlc(
  rows: BudgetRow[],
  caches: { l2: number | null; llcSysfs: number | null },
  numpyPerCallNs: number | null,
): CacheEstimate {
  const llcSysfs = caches.llcSysfs;
  const usable = rows.filter(
    (r) => r.bytesPerSecond !== null && r.numpyNs !== null && (numpyPerCallNs === null || numpyPerCallNs < 0.1 * r.numpyNs.estimate),
  );
  const knee = findBandwidthKnee(
    usable.map((r) => ({ bytes: r.workingSetBytes, bytesPerSecond: r.bytesPerSecond! })),
    { aboveBytes: caches.l2 ?? 0, cacheBytes: llcSysfs },
  );
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(b < 2 ** 20 ? 2 : 0)} MiB`;
  if (typeof knee === 'number') {
    const note = llcSysfs
      ? `bandwidth falls to memory speed near ${mib(knee)}; sysfs reports ${mib(llcSysfs)}`
      : `bandwidth falls to memory speed near ${mib(knee)}`;
    return { sysfsBytes: llcSysfs, effectiveBytes: knee, method: 'bandwidth-knee', note };
  }
  const why =
    knee === 'beyond'
      ? 'the sweep never left the cache (use larger --sizes to find the knee)'
      : 'no drop from cache to memory bandwidth was measured';
  return {
    sysfsBytes: llcSysfs,
    effectiveBytes: llcSysfs,
    method: llcSysfs ? 'sysfs' : 'none',
    note: llcSysfs ? `${why}; using the size sysfs reports (${mib(llcSysfs)})` : why,
  };
}

function fitCosts(rows: BudgetRow[]): { loopPerElementNs: number | null; numpyPerCallNs: number | null; numpyPerElementNs: number | null } {
  const measured = rows.filter((r) => r.loopNs && !r.loopExtrapolated);
  // Below ~256 elements the loop's fixed cost still bends the line; use the small sizes only when nothing else was measured.
  const large = measured.filter((r) => r.size >= 256);
  const loopPts = large.length >= 2 ? large : measured.filter((r) => r.size >= 16);
  const loopFit = loopPts.length >= 2 ? theilSen(loopPts.map((r) => r.size), loopPts.map((r) => r.loopNs!.estimate)) : null;
  // Small sizes sit in L1 where NumPy's time is its fixed cost plus a cheap per-element term.
  const npPts = rows.filter((r) => r.numpyNs && r.size <= 4096);
  const npFit = npPts.length >= 2 ? theilSen(npPts.map((r) => r.size), npPts.map((r) => r.numpyNs!.estimate)) : null;
  return {
    loopPerElementNs: loopFit ? loopFit.slope : null,
    numpyPerCallNs: npFit ? Math.max(0, npFit.intercept) : null,
    numpyPerElementNs: npFit ? npFit.slope : null,
  };
}

function plateaus(rows: BudgetRow[], numpyPerCallNs: number | null): Plateau[] {
  // Without NumPy's per-call cost (fewer than two sizes ≤ 4096) nothing tells a plateau from the call overhead.
  if (numpyPerCallNs === null) return [];
  const out: Plateau[] = [];
  for (const regime of ['L1', 'L2', 'LLC', 'DRAM'] as const) {
    const members = rows.filter(
      (r) =>
        r.regime === regime &&
        r.ratio !== null &&
        r.numpyNs !== null &&
        numpyPerCallNs <= MAX_OVERHEAD_SHARE * r.numpyNs.estimate,
    );
    if (members.length === 0) continue;
    out.push({
      regime,
      ratio: median(members.map((r) => r.ratio!.estimate)),
      low: median(members.map((r) => r.ratio!.low)),
      high: median(members.map((r) => r.ratio!.high)),
      sizes: members.map((r) => r.size),
      extrapolated: members.some((r) => r.loopExtrapolated),
    });
  }
  return out;
}

export function peakBytesPerSecond(peak: PeakBandwidth | null): number | null {
  return peak ? Math.max(peak.copy.median, peak.triad.median) : null;
}

/** Two steps: rows need the cache bounds, the effective LLC needs the rows' bandwidth, so rows are rebuilt once. */
export function analyze(
  config: BudgetConfig,
  cells: KernelCell[],
  caches: CacheLevel[],
  peak: PeakBandwidth | null,
): { rows: BudgetRow[]; derived: BudgetDerived } {
  const { l1, l2, llcSysfs } = cacheBounds(caches);
  const peakBps = peakBytesPerSecond(peak);
  const firstRows = buildRows(config, cells, { l1, l2, llc: llcSysfs }, peakBps);
  const costs = fitCosts(firstRows);
  const llc = estimateLlc(firstRows, { l2, llcSysfs }, costs.numpyPerCallNs);
  const rows = buildRows(config, cells, { l1, l2, llc: llc.effectiveBytes }, peakBps);
  const boundaries: BudgetDerived['boundaries'] = [];
  if (l1 !== null) boundaries.push({ regime: 'L1', upToBytes: l1 });
  if (l2 !== null) boundaries.push({ regime: 'L2', upToBytes: l2 });
  if (llc.effectiveBytes !== null) boundaries.push({ regime: 'LLC', upToBytes: llc.effectiveBytes });
  return {
    rows,
    derived: {
      crossover: findCrossover(rows.filter((r) => r.ratio).map((r) => ({ size: r.size, ratio: r.ratio!.estimate }))),
      plateaus: plateaus(rows, costs.numpyPerCallNs),
      ...costs,
      peakBytesPerSecond: peakBps,
      llc,
      boundaries,
    },
  };
}
