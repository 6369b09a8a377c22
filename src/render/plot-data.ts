// From a caller's points to what a log-log plot can draw: drops what has no place on a log axis,
// splits lines into measured and extrapolated stretches, finds confidence bands and domains.
import type { PlotMarker, PlotPoint } from './plot.js';
import { sanitiseText } from './plot-svg.js';

export interface CleanPoint {
  x: number;
  y: number;
  low: number | undefined;
  high: number | undefined;
  extrapolated: boolean;
}

export interface CleanSeries {
  name: string;
  points: CleanPoint[];
  /** Points given but not drawable (zero, negative or not finite): counted so the caller can be told. */
  dropped: number;
}

export interface CleanMarker {
  x: number;
  label: string;
  kind: 'cache' | 'crossover' | 'other';
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Keeps the points a log-log plot can show, sorted by x. A confidence interval is kept only when it is one. */
export function cleanPoints(name: string, points: readonly PlotPoint[] | undefined): CleanSeries {
  const given = Array.isArray(points) ? points : [];
  const kept: CleanPoint[] = [];
  for (const p of given) {
    if (p === null || typeof p !== 'object' || !positive(p.x) || !positive(p.y)) continue;
    const band = positive(p.low) && positive(p.high) && p.low <= p.high;
    kept.push({
      x: p.x,
      y: p.y,
      low: band ? p.low : undefined,
      high: band ? p.high : undefined,
      extrapolated: p.extrapolated === true,
    });
  }
  kept.sort((a, b) => a.x - b.x);
  return { name: sanitiseText(typeof name === 'string' ? name : String(name)), points: kept, dropped: given.length - kept.length };
}

export function cleanMarkers(markers: readonly PlotMarker[] | undefined): CleanMarker[] {
  const kept: CleanMarker[] = [];
  for (const m of Array.isArray(markers) ? markers : []) {
    if (m === null || typeof m !== 'object' || !positive(m.x)) continue;
    const kind = m.kind === 'cache' || m.kind === 'crossover' ? m.kind : 'other';
    kept.push({ x: m.x, label: sanitiseText(String(m.label ?? '')), kind });
  }
  return kept.sort((a, b) => a.x - b.x);
}

/** A stretch of a line drawn in one style: solid between measured points, dashed wherever an end is extrapolated. */
export interface Segment {
  points: CleanPoint[];
  extrapolated: boolean;
}

export function segments(points: readonly CleanPoint[]): Segment[] {
  const out: Segment[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const extrapolated = a.extrapolated || b.extrapolated;
    const last = out[out.length - 1];
    if (last && last.extrapolated === extrapolated) last.points.push(b);
    else out.push({ points: [a, b], extrapolated });
  }
  return out;
}

/**
 * Consecutive points that all carry an interval. Runs of two or more become a shaded band;
 * a lone point with an interval becomes an error bar, since a band needs a width.
 */
export function bandRuns(points: readonly CleanPoint[]): CleanPoint[][] {
  const runs: CleanPoint[][] = [];
  let current: CleanPoint[] = [];
  for (const p of points) {
    if (p.low !== undefined && p.high !== undefined) current.push(p);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** [lo, hi] covering the values with a margin in log space; a single value gets half a decade each side. */
export function logDomain(values: readonly number[], pad = 0.04): [number, number] | undefined {
  const finite = values.filter(positive);
  if (finite.length === 0) return undefined;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi / lo < 1 + 1e-9) return [lo / Math.sqrt(10), hi * Math.sqrt(10)];
  const span = Math.log(hi / lo);
  lo *= Math.exp(-pad * span);
  hi *= Math.exp(pad * span);
  return [lo, hi];
}

export function yValues(points: readonly CleanPoint[]): number[] {
  const out: number[] = [];
  for (const p of points) {
    out.push(p.y);
    if (p.low !== undefined) out.push(p.low);
    if (p.high !== undefined) out.push(p.high);
  }
  return out;
}
