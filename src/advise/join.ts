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

/**
 * Seconds a line stands for: its share of the run times the run's wall time. In auto mode the share comes from
 * sampling, the least disturbed pass, and the duration from that same pass; a traced line time carries the tracer's
 * overhead, so it is the fallback only.
 */
export function lineSeconds(l: LineStat, durationSeconds: number): number {
  return l.share > 0 ? l.share * durationSeconds : (l.time ?? 0);
}

export function rangeStats(lines: LineStat[] | undefined, start: number, end: number, durationSeconds: number): RangeStats {
  const inside = (lines ?? []).filter((l) => l.line >= start && l.line <= end);
  const header = inside.find((l) => l.line === start);
  const body = inside.filter((l) => l.line > start && l.hits !== undefined);
  const bodyHits = body.length > 0 ? Math.max(...body.map((l) => l.hits!)) : undefined;
  const headerHits = header?.hits;
  let entries: number | undefined;
  if (headerHits !== undefined && bodyHits !== undefined && headerHits > bodyHits) entries = headerHits - bodyHits;
  else if (bodyHits !== undefined) entries = 1;
  return {
    timeSeconds: inside.reduce((s, l) => s + lineSeconds(l, durationSeconds), 0),
    share: inside.reduce((s, l) => s + l.share, 0),
    headerHits,
    bodyHits,
    entries,
    lines: inside,
  };
}
