// One more run of the program that only looks: at each finding's line, the shapes and item sizes of the arrays
// the finding names (python/vecprof_shapes.py). The cost model needs "the array sizes seen", not guesses.
import { runLauncher } from '../profile/run/launch.js';
import type { RunOptions } from '../profile/run/types.js';
import type { HelperMessage } from '../python/worker.js';

export interface Watch {
  id: string;
  /** Absolute path, as the program's code objects name it. */
  file: string;
  line: number;
  names: string[];
}

export interface ArraySeen {
  name: string;
  shape: number[];
  itemsize: number;
  nbytes: number;
  /** The NumPy dtype; 'list' or 'tuple' for a Python sequence of numbers (shape [length], no bytes). */
  dtype: string;
}

/** A Python list or tuple of numbers, not an array: converting it is per-element work, and it has no bandwidth. */
export function isSequence(a: ArraySeen): boolean {
  return a.dtype === 'list' || a.dtype === 'tuple';
}

/** How many elements (or items, for a list) an array seen holds. */
export function elementsOf(a: ArraySeen): number {
  return a.shape.reduce((p, d) => p * d, 1);
}

export type ShapesSeen = Map<string, ArraySeen[]>;

export interface ShapesRun {
  seen: ShapesSeen;
  /** The program's wall time in this run: tracing is off almost everywhere, so it is close to an unprofiled run. */
  wallSeconds: number | null;
}

function toArraySeen(msg: HelperMessage): ArraySeen | null {
  if (!Array.isArray(msg.shape) || typeof msg.itemsize !== 'number') return null;
  return {
    name: String(msg.name),
    shape: msg.shape.map(Number),
    itemsize: msg.itemsize,
    nbytes: Number(msg.nbytes),
    dtype: String(msg.dtype),
  };
}

export async function runShapes(opts: RunOptions, watches: Watch[]): Promise<ShapesRun> {
  const seen: ShapesSeen = new Map();
  if (watches.length === 0) return { seen, wallSeconds: null };
  const launched = await runLauncher(opts, {
    helper: 'vecprof_shapes.py',
    helperArgs: ['--watch', JSON.stringify(watches)],
    label: 'shape probe',
    onMessage: (msg) => {
      if (msg.type !== 'shape') return;
      const array = toArraySeen(msg);
      if (!array) return;
      const id = String(msg.id);
      seen.set(id, [...(seen.get(id) ?? []), array]);
    },
  });
  const clean = launched.end.exitStatus !== null && launched.end.stoppedBy === null;
  return { seen, wallSeconds: clean ? launched.end.wallSeconds : null };
}

/** The largest array seen under each name: the one the vectorized rewrite will have to stream (a list only if never an array). */
export function largestByName(arrays: ArraySeen[]): Map<string, ArraySeen> {
  const out = new Map<string, ArraySeen>();
  for (const a of arrays) {
    const prev = out.get(a.name);
    const larger = !prev || (isSequence(prev) && !isSequence(a)) || (isSequence(prev) === isSequence(a) && (isSequence(a) ? elementsOf(a) > elementsOf(prev) : a.nbytes > prev.nbytes));
    if (larger) out.set(a.name, a);
  }
  return out;
}
