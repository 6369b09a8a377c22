// Samples → one call tree, built once when the report is made: the page receives a pre-order node list
// (a few arrays of integers), never the individual stacks, so a million samples open as fast as a thousand.
import type { Profile } from '../profile/model.js';
import { frameKind } from '../profile/split.js';
import { stacksForViews } from '../render/speedscope-export.js';
import { FRAME_KINDS, type FlameTree } from './payload.js';

export function buildFlameTree(profile: Profile, displayPath: (file: string) => string): FlameTree | null {
  const stacks = stacksForViews(profile);
  if (stacks === undefined || stacks.stacks.length === 0) return null;
  // The merge: an open-addressing table keyed by (parent node, frame) over flat arrays. A Map per node, or one
  // Map with numeric keys, is 3-5x slower at a million samples (two million nodes).
  const parentOf: number[] = [-1];
  const frameOfNode: number[] = [-1];
  const totalOf: number[] = [0];
  const children = new ChildTable();
  for (const s of stacks.stacks) {
    if (!(s.weight > 0)) continue;
    totalOf[0]! += s.weight;
    let node = 0;
    for (const f of s.frames) {
      let next = children.get(node, f);
      if (next < 0) {
        next = parentOf.length;
        children.set(node, f, next);
        parentOf.push(node);
        frameOfNode.push(f);
        totalOf.push(0);
      }
      totalOf[next]! += s.weight;
      node = next;
    }
  }
  if (totalOf[0] === 0) return null;
  const count = parentOf.length;
  // Children of every node in one array (counting sort by parent), then heaviest first within each node.
  const childStart = new Int32Array(count + 1);
  for (let i = 1; i < count; i++) childStart[parentOf[i]! + 1]!++;
  for (let i = 0; i < count; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, count);
  const childList = new Int32Array(Math.max(0, count - 1));
  for (let i = 1; i < count; i++) childList[fill[parentOf[i]!]!++] = i;
  const heavier = (a: number, b: number): number => totalOf[b]! - totalOf[a]! || frameOfNode[a]! - frameOfNode[b]!;
  for (let i = 0; i < count; i++) {
    const from = childStart[i]!;
    const to = childStart[i + 1]!;
    if (to - from > 1) childList.subarray(from, to).sort(heavier);
  }

  const tree: FlameTree = {
    names: [],
    files: [],
    lines: [],
    kinds: [],
    frame: [],
    depth: [],
    total: [],
    maxDepth: 0,
    totalSamples: totalOf[0]!,
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

  // Iterative pre-order walk (stacks can be deeper than the JS call stack likes).
  const pending: number[] = [0];
  const depthOf = new Int32Array(count);
  while (pending.length > 0) {
    const node = pending.pop()!;
    const depth = depthOf[node]!;
    tree.frame.push(frameOf(frameOfNode[node]!));
    tree.depth.push(depth);
    tree.total.push(round(totalOf[node]!));
    if (depth > tree.maxDepth) tree.maxDepth = depth;
    for (let k = childStart[node + 1]! - 1; k >= childStart[node]!; k--) {
      const child = childList[k]!;
      depthOf[child] = depth + 1;
      pending.push(child);
    }
  }
  return tree;
}

/** (node, frame) → child node, by linear probing; grows at half full. */
class ChildTable {
  private mask = (1 << 16) - 1;
  private nodes = new Int32Array(1 << 16).fill(-1);
  private frames = new Int32Array(1 << 16);
  private values = new Int32Array(1 << 16);
  private size = 0;

  private slot(node: number, frame: number): number {
    let i = (Math.imul(node, 0x9e3779b1) ^ Math.imul(frame + 1, 0x85ebca77)) & this.mask;
    while (this.nodes[i] !== -1 && (this.nodes[i] !== node || this.frames[i] !== frame)) i = (i + 1) & this.mask;
    return i;
  }

  get(node: number, frame: number): number {
    const i = this.slot(node, frame);
    return this.nodes[i] === -1 ? -1 : this.values[i]!;
  }

  set(node: number, frame: number, value: number): void {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const i = this.slot(node, frame);
    this.nodes[i] = node;
    this.frames[i] = frame;
    this.values[i] = value;
    this.size++;
  }

  private grow(): void {
    const { nodes, frames, values } = this;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.nodes = new Int32Array(capacity).fill(-1);
    this.frames = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    for (let k = 0; k < nodes.length; k++) {
      if (nodes[k] === -1) continue;
      const i = this.slot(nodes[k]!, frames[k]!);
      this.nodes[i] = nodes[k]!;
      this.frames[i] = frames[k]!;
      this.values[i] = values[k]!;
    }
  }
}

/** Weights are sample counts, or seconds for stacks rebuilt from a deterministic profile: keep 6 significant digits. */
function round(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(6));
}
