// Sample mode records a run twice: py-spy without native frames at the full rate (the shares, cheap) and py-spy
// --native at a low rate (what ran below each Python frame, dear). This puts them together: each full-rate stack gets
// the native tails the native recording saw below the same leaf frame (file, line, function), in the proportions it
// saw them. Lines, functions and shares stay the full-rate recording's (native frames count for neither); the split
// of a line and the native frames in the flame graph come from the native recording.
import type { Frame, LineStat, Profile, SampleStacks } from './model.js';
import { isNativeFrame } from './split.js';

export interface Grafted {
  /** Every full-rate stack; those whose leaf the native recording saw carry its native tails (fractional weights). */
  all: SampleStacks;
  /** Only the stacks that got tails: the lines' splits are computed from these, so a leaf never seen natively does not count as Python time. */
  withNative: SampleStacks;
  /** Full-rate samples whose leaf frame the native recording saw, and all full-rate samples. */
  graftedWeight: number;
  totalWeight: number;
}

interface Tail {
  frames: Frame[];
  weight: number;
}

function frameKey(f: Frame): string {
  return `${f.file}\0${f.line}\0${f.name}\0${isNativeFrame(f) ? 'n' : 'p'}`;
}

function leafKey(f: Frame): string {
  return `${f.file}\0${f.line}\0${f.name}`;
}

/** Index of the deepest Python frame of a root-first stack, or -1. */
function deepestPython(frames: readonly Frame[], stack: readonly number[]): number {
  for (let i = stack.length - 1; i >= 0; i--) if (!isNativeFrame(frames[stack[i]!]!)) return i;
  return -1;
}

/** For each leaf Python frame of the native recording: the native frames below it (root first), with their weights. */
export function nativeTails(native: SampleStacks): Map<string, { total: number; tails: Tail[] }> {
  const byLeaf = new Map<string, { total: number; tails: Map<string, Tail> }>();
  for (const s of native.stacks) {
    if (!(s.weight > 0)) continue;
    const d = deepestPython(native.frames, s.frames);
    if (d < 0) continue;
    const key = leafKey(native.frames[s.frames[d]!]!);
    let entry = byLeaf.get(key);
    if (entry === undefined) byLeaf.set(key, (entry = { total: 0, tails: new Map() }));
    entry.total += s.weight;
    const tailIds = s.frames.slice(d + 1);
    const tailKey = tailIds.join(',');
    const tail = entry.tails.get(tailKey);
    if (tail) tail.weight += s.weight;
    else entry.tails.set(tailKey, { frames: tailIds.map((i) => native.frames[i]!), weight: s.weight });
  }
  return new Map([...byLeaf].map(([k, v]) => [k, { total: v.total, tails: [...v.tails.values()] }]));
}

export function graftNative(python: SampleStacks, native: SampleStacks): Grafted {
  const tails = nativeTails(native);
  const frames: Frame[] = [];
  const index = new Map<string, number>();
  const idOf = (f: Frame): number => {
    const key = frameKey(f);
    let id = index.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(f);
      index.set(key, id);
    }
    return id;
  };
  const all: SampleStacks['stacks'] = [];
  const withNative: SampleStacks['stacks'] = [];
  let graftedWeight = 0;
  let totalWeight = 0;
  for (const s of python.stacks) {
    if (!(s.weight > 0)) continue;
    totalWeight += s.weight;
    const ids = s.frames.map((i) => idOf(python.frames[i]!));
    const d = deepestPython(python.frames, s.frames);
    // A stack that already goes below its last Python frame (a native recording given as the full-rate one) stays.
    const found = d >= 0 && d === s.frames.length - 1 ? tails.get(leafKey(python.frames[s.frames[d]!]!)) : undefined;
    if (found === undefined) {
      all.push({ frames: ids, weight: s.weight });
      continue;
    }
    graftedWeight += s.weight;
    for (const t of found.tails) {
      const stack = { frames: [...ids, ...t.frames.map(idOf)], weight: (s.weight * t.weight) / found.total };
      all.push(stack);
      withNative.push(stack);
    }
  }
  const interval = python.intervalSeconds === undefined ? {} : { intervalSeconds: python.intervalSeconds };
  return { all: { frames, stacks: all, ...interval }, withNative: { frames, stacks: withNative, ...interval }, graftedWeight, totalWeight };
}

/** Gives each line the split computed from its grafted samples; a line the native recording never saw has none. */
export function adoptSplits(lines: LineStat[], fromNative: readonly LineStat[]): void {
  const splits = new Map(fromNative.filter((l) => l.split !== undefined).map((l) => [`${l.file}\0${l.line}`, l.split!]));
  for (const line of lines) {
    const split = splits.get(`${line.file}\0${line.line}`);
    if (split) line.split = split;
    else delete line.split;
  }
}

/** Grafted weights are fractions of samples; their sums drift (96.99999999), and a count should read as one. */
export function settleCounts(p: Profile): void {
  const settle = (n: number | undefined): number | undefined => {
    if (n === undefined) return undefined;
    const r = Math.round(n);
    return Math.abs(n - r) < 1e-6 * Math.max(1, n) ? r : n;
  };
  for (const l of p.lines) if (l.samples !== undefined) l.samples = settle(l.samples);
  for (const f of p.functions) {
    if (f.samples !== undefined) f.samples = settle(f.samples);
    if (f.selfSamples !== undefined) f.selfSamples = settle(f.selfSamples);
  }
}
