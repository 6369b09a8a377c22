// Joining a finding to the profile: every profiled line inside the finding's loop, added up.
import { resolve } from 'node:path';
import type { LineStat, Profile } from '../profile/model.js';

export interface RangeStats {
  timeSeconds: number;
  share: number;
  /** Hits of the loop header line (N + 1 per entry for a `for`), where counted. */
  headerHits?: number;
  /** The most-run line of the body: the loop's trip count, summed over entries. */
  bodyHits?: number;
  /** Times the loop was entered. */
  entries?: number;
  lines: LineStat[];
}

/** Absolute, normalised paths so the profile's and the checker's names of one file meet. */
export function normalisePath(file: string, cwd: string): string {
  return resolve(cwd, file);
}

export function indexLines(profile: Profile, cwd: string): Map<string, LineStat[]> {
  const byFile = new Map<string, LineStat[]>();
  for (const l of profile.lines) {
    const key = normalisePath(l.file, cwd);
    const list = byFile.get(key);
    if (list) list.push(l);
    else byFile.set(key, [l]);
  }
  return byFile;
}

export type LineSeconds = (l: LineStat) => number;

/** Interpreter start-up, and the sampler attaching, take this long at most before the first sample can land. */
const UNSAMPLED_STARTUP_SECONDS = 0.3;

/**
 * Seconds one sample stands for. The sampler's own clock says `intervalSeconds`, and it catches up when it falls
 * behind, so samples × interval is the span it saw; the run's wall time also holds the interpreter's start-up, which
 * no sample can see. Spreading that start-up over the samples overstated a short loop by up to 1.6×. When the
 * samples fall well short of the wall time for another reason (a sampler starved of CPU), they share the wall.
 */
export function secondsPerSample(totalSamples: number, intervalSeconds: number | undefined, wallSeconds: number): number {
  if (totalSamples <= 0) return 0;
  const even = wallSeconds / totalSamples;
  if (intervalSeconds === undefined || intervalSeconds <= 0) return even;
  const span = totalSamples * intervalSeconds;
  return span <= wallSeconds && span >= wallSeconds - UNSAMPLED_STARTUP_SECONDS ? intervalSeconds : even;
}

/**
 * Seconds a line stands for. With samples (auto and sample modes) it is the line's samples times the seconds a
 * sample stands for: sampling is the pass that disturbs the program least, while traced times and the shares
 * derived from them carry the tracer's cost, which falls on loop lines most. Without samples, the share of the run;
 * without that, the traced time. `wallSeconds` is the run's length without a profiler attached, where a quieter
 * run measured it: sampling itself slows the program a little, more so with native stacks, and the sampled seconds
 * shrink by the same factor.
 */
export function lineSecondsFor(profile: Profile, wallSeconds = profile.meta.durationSeconds): LineSeconds {
  const sampledWall = profile.meta.durationSeconds;
  const total = profile.samples?.stacks.reduce((s, st) => s + st.weight, 0) ?? 0;
  if (total > 0) {
    const slowdown = sampledWall > 0 ? Math.min(1, wallSeconds / sampledWall) : 1;
    const perSample = secondsPerSample(total, profile.samples?.intervalSeconds, sampledWall) * slowdown;
    return (l) => (l.samples ?? 0) * perSample;
  }
  return (l) => (l.share > 0 ? l.share * wallSeconds : (l.time ?? 0));
}

export function rangeStats(lines: LineStat[] | undefined, start: number, end: number, secondsOf: LineSeconds, durationSeconds: number): RangeStats {
  const inside = (lines ?? []).filter((l) => l.line >= start && l.line <= end);
  const header = inside.find((l) => l.line === start);
  const body = inside.filter((l) => l.line > start && l.hits !== undefined);
  const bodyHits = body.length > 0 ? Math.max(...body.map((l) => l.hits!)) : undefined;
  const headerHits = header?.hits;
  const timeSeconds = inside.reduce((s, l) => s + secondsOf(l), 0);
  let entries: number | undefined;
  if (headerHits !== undefined && bodyHits !== undefined && headerHits > bodyHits) entries = headerHits - bodyHits;
  else if (bodyHits !== undefined) entries = 1;
  return {
    timeSeconds,
    share: durationSeconds > 0 ? timeSeconds / durationSeconds : 0,
    headerHits,
    bodyHits,
    entries,
    lines: inside,
  };
}

