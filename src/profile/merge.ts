// Several passes over the same program → one Profile. Each pass contributes what it measures best:
// functions and sampled stacks from the sample (or cpu) pass, hits and per-line time from the lines pass,
// memory from the memory pass. The first pass is the reference run: its duration and exit status stand for the program.
import type { FunctionStat, LineStat, Profile, ProfileMeta } from './model.js';

function byMode(passes: Profile[], mode: Profile['meta']['mode']): Profile | undefined {
  return passes.find((p) => p.meta.mode === mode);
}

const lineKey = (l: { file: string; line: number }): string => `${l.file}\0${l.line}`;

/** Lines pass entries keep their time, share and hits and gain the sample count and split of the same line. */
export function mergeLines(traced: LineStat[], sampled: LineStat[]): LineStat[] {
  const fromSamples = new Map(sampled.map((l) => [lineKey(l), l]));
  const merged = traced.map((l): LineStat => {
    const s = fromSamples.get(lineKey(l));
    if (!s) return { ...l };
    fromSamples.delete(lineKey(l));
    return { ...l, ...(s.samples === undefined ? {} : { samples: s.samples }), ...(s.split ? { split: s.split } : {}) };
  });
  // Lines outside the traced functions keep what sampling saw of them.
  merged.push(...fromSamples.values());
  return merged.sort((a, b) => b.share - a.share || a.file.localeCompare(b.file) || a.line - b.line);
}

/** Call counts only a deterministic pass knows are added to the sampled functions of the same id. */
function mergeFunctions(base: FunctionStat[], extra: FunctionStat[] | undefined): FunctionStat[] {
  if (!extra || extra.length === 0) return base;
  const byId = new Map(extra.map((f) => [f.id, f]));
  return base.map((f) => {
    const e = byId.get(f.id);
    if (!e) return f;
    return { ...e, ...f, ...(f.calls === undefined && e.calls !== undefined ? { calls: e.calls } : {}) };
  });
}

export function mergePasses(passes: Profile[]): Profile {
  const first = passes[0];
  if (!first) throw new Error('mergePasses needs at least one pass');
  if (passes.length === 1) return { ...first, meta: { ...first.meta, mode: 'auto' } };
  const sample = byMode(passes, 'sample');
  const cpu = byMode(passes, 'cpu');
  const lines = byMode(passes, 'lines');
  const memory = byMode(passes, 'memory');
  const timing = sample ?? cpu ?? first;

  const functions = mergeFunctions(timing.functions, timing === cpu ? undefined : (cpu ?? lines)?.functions);
  const mergedLines = lines ? mergeLines(lines.lines, sample?.lines ?? []) : timing.lines;
  const stopped = passes.find((p) => p.meta.stoppedBy)?.meta.stoppedBy;
  const meta: ProfileMeta = {
    ...first.meta,
    mode: 'auto',
    passes: passes.flatMap((p) => p.meta.passes),
    tool: passes.map((p) => p.meta.tool).filter((t): t is string => t !== undefined).join(' + '),
    ...(stopped ? { stoppedBy: stopped } : {}),
  };
  const merged: Profile = { version: 1, meta, functions, lines: mergedLines };
  const memoryStat = memory?.memory ?? passes.find((p) => p.memory)?.memory;
  if (memoryStat) merged.memory = memoryStat;
  const samples = sample?.samples ?? passes.find((p) => p.samples)?.samples;
  if (samples) merged.samples = samples;
  return merged;
}
