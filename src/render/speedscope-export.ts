// Profile → a speedscope file (https://www.speedscope.app/file-format-schema.json), one "sampled" profile.
// From real samples when the profile has them; otherwise an approximation: pstats keeps caller edges only, so
// each function's self time is hung under its heaviest caller chain, and line timings hang under their function.
import type { Frame, Profile, SampleStacks } from '../profile/model.js';
import { packageVersion } from '../paths.js';
import { INTERVAL_FIELD, SPEEDSCOPE_SCHEMA } from '../profile/import/speedscope.js';

/** Approximated stacks count time in these units (weights may be fractional). */
const APPROX_UNIT_SECONDS = 1e-3;

export interface SpeedscopeFile {
  $schema: string;
  shared: { frames: Array<{ name: string; file?: string; line?: number }> };
  profiles: Array<{
    type: 'sampled';
    name: string;
    unit: 'seconds' | 'none';
    startValue: number;
    endValue: number;
    samples: number[][];
    weights: number[];
  }>;
  name: string;
  activeProfileIndex: number;
  exporter: string;
  /** Read back by importSpeedscope, so sample counts survive the round trip; speedscope itself ignores it. */
  [INTERVAL_FIELD]?: number;
}

/**
 * Stacks from the functions' caller edges, the way gprof propagates time: a function's self time is shared among
 * its callers in proportion to the time each edge carried, and the part no edge explains (calls from outside the
 * profile, such as the profiler's own exec) ends the stack there. Shares too small to matter follow the heaviest
 * caller only, which bounds the work on large call graphs.
 */
function stacksFromFunctions(p: Profile): SampleStacks | undefined {
  const byId = new Map(p.functions.map((f) => [f.id, f]));
  const frames: Frame[] = [];
  const frameOf = new Map<string, number>();
  const frameIndex = (id: string): number => {
    let i = frameOf.get(id);
    if (i === undefined) {
      const f = byId.get(id)!;
      i = frames.length;
      frames.push({ name: f.name, file: f.file, line: f.line });
      frameOf.set(id, i);
    }
    return i;
  };
  const merged = new Map<string, { frames: number[]; weight: number }>();
  const emit = (leafFirst: string[], weight: number): void => {
    const ids = [...leafFirst].reverse().map(frameIndex);
    const key = ids.join(',');
    const m = merged.get(key);
    if (m) m.weight += weight;
    else merged.set(key, { frames: ids, weight });
  };
  const totalSelf = p.functions.reduce((a, f) => a + Math.max(0, f.selfTime ?? 0), 0);
  const minWeight = (totalSelf / APPROX_UNIT_SECONDS) * 1e-2;
  const MAX_DEPTH = 128;

  // One chain and one membership set, extended and undone as the walk goes (no copies per step).
  const chain: string[] = [];
  const onChain = new Set<string>();
  // Each function's caller edges, heaviest first, and the time they do not explain (calls from outside).
  const edgesOf = new Map<string, { edges: Array<{ id: string; totalTime: number }>; denom: number; outside: number }>();
  for (const f of p.functions) {
    const edges = (f.callers ?? []).filter((c) => byId.has(c.id) && c.id !== f.id && c.totalTime > 0).sort((x, y) => y.totalTime - x.totalTime);
    const explained = edges.reduce((a, c) => a + c.totalTime, 0);
    const denom = Math.max(f.totalTime ?? 0, explained);
    // Edge times are sums of the same floats in another order: a residue of 1e-16 s is not a call from outside.
    const outside = denom - explained > denom * 1e-6 ? denom - explained : 0;
    edgesOf.set(f.id, { edges, denom: explained + outside, outside });
  }
  const expand = (weight: number): void => {
    const { edges, denom, outside } = edgesOf.get(chain[chain.length - 1]!)!;
    if (edges.length === 0 || denom <= 0 || chain.length >= MAX_DEPTH) return emit(chain, weight);
    if (weight < minWeight) {
      const heaviest = edges.find((e) => !onChain.has(e.id));
      if (heaviest === undefined || heaviest.totalTime < outside) return emit(chain, weight);
      chain.push(heaviest.id);
      onChain.add(heaviest.id);
      expand(weight);
      onChain.delete(chain.pop()!);
      return;
    }
    // Edges back into the chain are recursion: their share stays here, as does the time from outside.
    let stay = outside;
    for (const e of edges) {
      if (onChain.has(e.id)) {
        stay += e.totalTime;
        continue;
      }
      chain.push(e.id);
      onChain.add(e.id);
      expand((weight * e.totalTime) / denom);
      onChain.delete(chain.pop()!);
    }
    if (stay > 0) emit(chain, (weight * stay) / denom);
  };

  for (const f of p.functions) {
    if (!(f.selfTime !== undefined && f.selfTime > 0)) continue;
    chain.push(f.id);
    onChain.add(f.id);
    expand(f.selfTime / APPROX_UNIT_SECONDS);
    onChain.delete(chain.pop()!);
  }
  const stacks = [...merged.values()].filter((s) => s.weight > 0);
  return stacks.length > 0 ? { frames, stacks, intervalSeconds: APPROX_UNIT_SECONDS } : undefined;
}

/** Stacks from per-line times (lines mode): function → line. */
function stacksFromLines(p: Profile): SampleStacks | undefined {
  const timed = p.lines.filter((l) => l.time !== undefined && l.time > 0);
  if (timed.length === 0) return undefined;
  const frames: Frame[] = [];
  const index = new Map<string, number>();
  const frameIndex = (name: string, file: string, line: number): number => {
    const key = `${file}\0${line}\0${name}`;
    let i = index.get(key);
    if (i === undefined) {
      i = frames.length;
      frames.push({ name, file, line });
      index.set(key, i);
    }
    return i;
  };
  const stacks = timed.map((l) => {
    const fn = l.function ?? '?';
    const def = p.functions.find((f) => f.file === l.file && f.name === fn);
    const outer = frameIndex(fn, l.file, def?.line ?? l.line);
    return { frames: [outer, frameIndex(`${fn} line ${l.line}`, l.file, l.line)], weight: l.time! / APPROX_UNIT_SECONDS };
  });
  return { frames, stacks, intervalSeconds: APPROX_UNIT_SECONDS };
}

/** The profile's samples, or the best approximation the other data allows; undefined when there is nothing to draw. */
export function stacksForViews(p: Profile): SampleStacks | undefined {
  if (p.samples && p.samples.stacks.length > 0) return p.samples;
  return stacksFromFunctions(p) ?? stacksFromLines(p);
}

export function toSpeedscope(p: Profile): SpeedscopeFile {
  const stacks = stacksForViews(p);
  const interval = stacks?.intervalSeconds;
  const title = p.meta.command.length > 0 ? p.meta.command.join(' ') : `vecprof ${p.meta.mode} profile`;
  const weights = (stacks?.stacks ?? []).map((s) => (interval === undefined ? s.weight : s.weight * interval));
  const out: SpeedscopeFile = {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: {
      frames: (stacks?.frames ?? []).map((f) => ({ name: f.name, ...(f.file ? { file: f.file } : {}), ...(f.line > 0 ? { line: f.line } : {}) })),
    },
    profiles: [
      {
        type: 'sampled',
        name: title,
        unit: interval === undefined ? 'none' : 'seconds',
        startValue: 0,
        endValue: weights.reduce((a, b) => a + b, 0),
        samples: (stacks?.stacks ?? []).map((s) => s.frames),
        weights,
      },
    ],
    name: title,
    activeProfileIndex: 0,
    exporter: `vecprof@${packageVersion()}`,
  };
  if (interval !== undefined) out[INTERVAL_FIELD] = interval;
  return out;
}
