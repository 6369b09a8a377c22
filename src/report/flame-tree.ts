// Samples → one call tree, built once when the report is made: the page receives a pre-order node list
// (a few arrays of integers), never the individual stacks, so a million samples open as fast as a thousand.
import type { Profile } from '../profile/model.js';
import { frameKind } from '../profile/split.js';
import { stacksForViews } from '../render/speedscope-export.js';
import { FRAME_KINDS, type FlameTree } from './payload.js';

interface TrieNode {
  frame: number;
  total: number;
  self: number;
  children: Map<number, TrieNode> | null;
}

function child(node: TrieNode, frame: number): TrieNode {
  if (node.children === null) node.children = new Map();
  let next = node.children.get(frame);
  if (next === undefined) {
    next = { frame, total: 0, self: 0, children: null };
    node.children.set(frame, next);
  }
  return next;
}

export function buildFlameTree(profile: Profile, displayPath: (file: string) => string): FlameTree | null {
  const stacks = stacksForViews(profile);
  if (stacks === undefined || stacks.stacks.length === 0) return null;
  const root: TrieNode = { frame: -1, total: 0, self: 0, children: null };
  for (const s of stacks.stacks) {
    if (!(s.weight > 0)) continue;
    root.total += s.weight;
    let node = root;
    for (const f of s.frames) {
      node = child(node, f);
      node.total += s.weight;
    }
    node.self += s.weight;
  }
  if (root.total === 0) return null;

  const tree: FlameTree = {
    names: [],
    files: [],
    lines: [],
    kinds: [],
    frame: [],
    depth: [],
    total: [],
    self: [],
    end: [],
    maxDepth: 0,
    totalSamples: root.total,
    intervalSeconds: stacks.intervalSeconds ?? null,
    approximate: stacks !== profile.samples,
  };
  // Only frames that appear in a stack are sent, renumbered densely.
  const frameIndex = new Map<number, number>();
  const frameOf = (f: number): number => {
    if (f < 0) return -1;
    let i = frameIndex.get(f);
    if (i === undefined) {
      const frame = stacks.frames[f]!;
      i = tree.names.length;
      frameIndex.set(f, i);
      tree.names.push(frame.name);
      tree.files.push(frame.file ? displayPath(frame.file) : '');
      tree.lines.push(frame.line);
      tree.kinds.push(FRAME_KINDS.indexOf(frameKind(frame)));
    }
    return i;
  };

  // Iterative pre-order walk (stacks can be deeper than the JS call stack likes); heaviest child first.
  const pending: Array<{ node: TrieNode; depth: number } | { close: number }> = [{ node: root, depth: 0 }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if ('close' in item) {
      tree.end[item.close] = tree.frame.length;
      continue;
    }
    const { node, depth } = item;
    const index = tree.frame.length;
    tree.frame.push(frameOf(node.frame));
    tree.depth.push(depth);
    tree.total.push(round(node.total));
    tree.self.push(round(node.self));
    tree.end.push(0);
    if (depth > tree.maxDepth) tree.maxDepth = depth;
    pending.push({ close: index });
    if (node.children !== null) {
      const kids = [...node.children.values()].sort((a, b) => b.total - a.total || a.frame - b.frame);
      for (let k = kids.length - 1; k >= 0; k--) pending.push({ node: kids[k]!, depth: depth + 1 });
    }
  }
  return tree;
}

/** Weights are sample counts, or seconds for stacks rebuilt from a deterministic profile: keep 6 significant digits. */
function round(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(6));
}
