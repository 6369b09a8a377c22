// From a pattern's cells to rows: each version's time with its interval, extrapolated beyond its cap, its
// speedup over the group's loop, its peak memory; then per group the crossover and the speedup at the largest size.
import { bootstrapMedians, type Interval } from '../stats.js';
import { UNSTABLE_SPREAD } from '../analyze.js';
import { allVersions } from './index.js';
import { MEMORY_GUARD_SHARE } from './guard.js';
import { formatBytes } from '../../render/units.js';
import type {
  GroupSummary,
  MemoryCell,
  PatternCell,
  PatternConfig,
  PatternCrossover,
  PatternRow,
  PatternSpec,
  PatternVersion,
  VersionEntry,
} from './types.js';

export function itemsizeOf(dtype: PatternConfig['dtype']): number {
  return dtype === 'float32' ? 4 : 8;
}

/** The size up to which a version is measured; Infinity when it has no cap. --loop-max overrides every cap. */
export function capOf(version: PatternVersion, config: Pick<PatternConfig, 'quick' | 'capOverride'>): number {
  if (!version.cap) return Infinity;
  if (config.capOverride !== null) return config.capOverride;
  return config.quick ? version.cap.quick : version.cap.full;
}

export type PlanDecision = 'run' | 'beyond-cap' | 'skipped-memory';

/** What running a version at size n needs at once: the size's inputs plus what the version declares it allocates. */
export function memoryNeeded(spec: PatternSpec, version: PatternVersion, size: number, itemsize: number): { inputs: number; own: number; total: number } {
  const inputs = spec.inputBytes(size, itemsize);
  const own = version.allocates ? version.allocates(size, itemsize) : 0;
  return { inputs, own, total: inputs + own };
}

export function planDecision(spec: PatternSpec, version: PatternVersion, size: number, config: PatternConfig): PlanDecision {
  if (size > capOf(version, config)) return 'beyond-cap';
  if (memoryNeeded(spec, version, size, itemsizeOf(config.dtype)).total > config.memoryGuardBytes) return 'skipped-memory';
  return 'run';
}

/** Why a version was not run at a size: the bytes it would need against the guard. */
export function memoryGuardNote(spec: PatternSpec, version: PatternVersion, size: number, config: PatternConfig): string {
  const need = memoryNeeded(spec, version, size, itemsizeOf(config.dtype));
  const parts = need.own > 0 ? ` (inputs ${formatBytes(need.inputs)} + its own ${formatBytes(need.own)})` : ' (its inputs alone)';
  return `would need ${formatBytes(need.total)}${parts}, above the memory guard of ${formatBytes(config.memoryGuardBytes)} (${100 * MEMORY_GUARD_SHARE} % of the memory available at start)`;
}

/** A time known from a cell, possibly scaled from a smaller size: interval math and bootstraps go through `factor`. */
interface TimeSource {
  cell: PatternCell;
  factor: number;
}

/**
 * Beyond its cap a version's time is scaled from what was measured: linearly from the largest size, or for
 * quadratic growth from t = αn + βn² through the two largest sizes (so a linear share is not squared too).
 */
export function extrapolationFactor(measured: Array<{ size: number; ns: number }>, size: number, growth: 1 | 2): number {
  const pts = [...measured].sort((a, b) => a.size - b.size);
  const last = pts.at(-1)!;
  if (growth === 1 || pts.length < 2) return (size / last.size) ** growth;
  const prev = pts.at(-2)!;
  // Solve α n + β n² = t at both sizes.
  const det = prev.size * last.size ** 2 - last.size * prev.size ** 2;
  const alpha = (prev.ns * last.size ** 2 - last.ns * prev.size ** 2) / det;
  const beta = (prev.size * last.ns - last.size * prev.ns) / det;
  if (!(alpha >= 0 && beta > 0)) return (size / last.size) ** 2;
  return (alpha * size + beta * size ** 2) / last.ns;
}

function timeSource(version: PatternVersion, size: number, cells: PatternCell[]): TimeSource | 'none' {
  const own = cells.filter((c) => c.version === version.id);
  const exact = own.find((c) => c.size === size);
  if (exact) return { cell: exact, factor: 1 };
  const smaller = own.filter((c) => c.size < size).sort((a, b) => a.size - b.size);
  if (!version.cap || smaller.length === 0) return 'none';
  const factor = extrapolationFactor(
    smaller.map((c) => ({ size: c.size, ns: c.wall.median })),
    size,
    version.growth ?? 1,
  );
  return { cell: smaller.at(-1)!, factor };
}

function flags(cell: PatternCell): string[] {
  const out: string[] = [];
  if (cell.wall.relativeSpread > UNSTABLE_SPREAD) out.push(`spread ±${(cell.wall.relativeSpread * 100).toFixed(0)} %`);
  // With thread_time, CPU well below wall means the thread was descheduled; process time counts helper threads.
  if (cell.clock === 'thread' && cell.cpu.median > 0 && cell.cpu.median < 0.85 * cell.wall.median) {
    out.push(`${((1 - cell.cpu.median / cell.wall.median) * 100).toFixed(0)} % off-CPU`);
  }
  return out;
}

function scaled(i: Interval, f: number): Interval {
  return { estimate: i.estimate * f, low: i.low * f, high: i.high * f };
}

function medianInterval(src: TimeSource, seed: number): Interval {
  return scaled(bootstrapMedians([src.cell.wallNs], ([m]) => m!, { seed, replicates: 400 }), src.factor);
}

function speedupInterval(base: TimeSource, other: TimeSource, seed: number): Interval {
  return bootstrapMedians([base.cell.wallNs, other.cell.wallNs], ([b, o]) => (b! * base.factor) / (o! * other.factor), { seed, replicates: 600 });
}

export function buildRows(
  spec: PatternSpec,
  config: PatternConfig,
  cells: PatternCell[],
  memory: MemoryCell[],
  unavailable: ReadonlySet<string>,
  finishedSizes: ReadonlySet<number>,
): PatternRow[] {
  const itemsize = itemsizeOf(config.dtype);
  const rows: PatternRow[] = [];
  for (const [sizeIndex, size] of config.sizes.entries()) {
    if (!finishedSizes.has(size)) continue;
    const entries: VersionEntry[] = [];
    for (const group of spec.groups) {
      const baseline = group.versions[0]!;
      const baseSource = unavailable.has(baseline.id) ? 'none' : timeSource(baseline, size, cells);
      for (const [vi, version] of group.versions.entries()) {
        const seed = sizeIndex * 101 + vi;
        const source = unavailable.has(version.id) ? 'none' : timeSource(version, size, cells);
        const mem = memory.find((m) => m.version === version.id && m.size === size);
        const decision = planDecision(spec, version, size, config);
        const status: VersionEntry['status'] = unavailable.has(version.id)
          ? 'unavailable'
          : source !== 'none'
            ? source.factor === 1 && source.cell.size === size
              ? 'measured'
              : 'extrapolated'
            : decision === 'skipped-memory'
              ? 'skipped-memory'
              : 'not-run';
        const timeNs = source === 'none' ? null : medianInterval(source, seed);
        const speedup = vi > 0 && source !== 'none' && baseSource !== 'none' ? speedupInterval(baseSource, source, seed) : null;
        const exact = source !== 'none' && status === 'measured' ? source.cell : null;
        entries.push({
          version: version.id,
          status,
          timeNs,
          speedup,
          peakBytes: mem ? mem.peakBytes : null,
          cpuPerWall: exact && exact.wall.median > 0 ? exact.cpu.median / exact.wall.median : null,
          bytesPerSecond: timeNs ? spec.bytesTouched(size, itemsize) / (timeNs.estimate / 1e9) : null,
          flags: exact ? flags(exact) : [],
          ...(status === 'skipped-memory'
            ? { note: memoryGuardNote(spec, version, size, config) }
            : {}),
        });
      }
    }
    rows.push({ size, bytesTouched: spec.bytesTouched(size, itemsize), entries });
  }
  return rows;
}

/** The last crossing of speedup 1 (interpolated in log size and log speedup): what holds from there to the largest size. */
export function patternCrossover(points: Array<{ size: number; ratio: number }>): PatternCrossover | null {
  const pts = points.filter((p) => p.ratio > 0).sort((a, b) => a.size - b.size);
  if (pts.length === 0) return null;
  for (let i = pts.length - 1; i > 0; i--) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (a.ratio >= 1 === b.ratio >= 1) continue;
    const t = -Math.log(a.ratio) / (Math.log(b.ratio) - Math.log(a.ratio));
    const size = 2 ** (Math.log2(a.size) + t * (Math.log2(b.size) - Math.log2(a.size)));
    return { kind: b.ratio >= 1 ? 'from' : 'until', size };
  }
  return pts[0]!.ratio >= 1 ? { kind: 'always', size: pts[0]!.size } : { kind: 'never', size: pts.at(-1)!.size };
}

export function summarizeGroups(spec: PatternSpec, rows: PatternRow[]): GroupSummary[] {
  return spec.groups.map((group) => ({
    title: group.title,
    baseline: group.versions[0]!.id,
    versions: group.versions.slice(1).map((v) => {
      const points = rows
        .map((r) => ({ size: r.size, entry: r.entries.find((e) => e.version === v.id) }))
        .filter((p) => p.entry?.speedup);
      const base = (size: number) => rows.find((r) => r.size === size)?.entries.find((e) => e.version === group.versions[0]!.id);
      const last = points.at(-1);
      return {
        version: v.id,
        crossover: patternCrossover(points.map((p) => ({ size: p.size, ratio: p.entry!.speedup!.estimate }))),
        atLargest: last
          ? {
              size: last.size,
              speedup: last.entry!.speedup!,
              extrapolated: last.entry!.status === 'extrapolated' || base(last.size)?.status === 'extrapolated',
            }
          : null,
      };
    }),
  }));
}

/** Versions of a spec as saved in the JSON: functions dropped, caps resolved for this run. */
export function describeVersions(spec: PatternSpec, config: PatternConfig) {
  return allVersions(spec).map((v) => {
    const cap = capOf(v, config);
    const { allocates: _allocates, cap: _cap, ...rest } = v; // functions and both caps do not belong in the JSON
    return { ...rest, cap: Number.isFinite(cap) ? cap : null };
  });
}
