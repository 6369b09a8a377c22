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

/**
 * Seconds a line stands for. With samples (auto and sample modes) it is the line's samples over all samples, times
 * the sampled run's wall time: sampling is the pass that disturbs the program least, while traced times and the
 * shares derived from them carry the tracer's cost, which falls on loop lines most. Without samples, the share of
 * the run; without that, the traced time. `wallSeconds` is the run's length without a profiler attached, where a
 * quieter run measured it (sampling itself slows the program a little, more so with native stacks).
 */
export function lineSecondsFor(profile: Profile, wallSeconds = profile.meta.durationSeconds): LineSeconds {
  const duration = wallSeconds;
  const total = profile.samples?.stacks.reduce((s, st) => s + st.weight, 0) ?? 0;
  if (total > 0) return (l) => ((l.samples ?? 0) / total) * duration;
  return (l) => (l.share > 0 ? l.share * duration : (l.time ?? 0));
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

