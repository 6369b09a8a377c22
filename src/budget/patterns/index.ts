// The pattern catalogue, in the seed's order; `--pattern all` runs them in this order.
import { batchedMatmul } from './batched-matmul.js';
import { elementwise } from './elementwise.js';
import { hiddenLoops } from './hidden-loops.js';
import { pairwise } from './pairwise.js';
import { prealloc } from './prealloc.js';
import type { PatternSpec, PatternVersion } from './types.js';
import { where } from './where.js';

export const PATTERNS: readonly PatternSpec[] = [elementwise, pairwise, batchedMatmul, where, prealloc, hiddenLoops];

export const PATTERN_NAMES: readonly string[] = PATTERNS.map((p) => p.name);

export function findPattern(name: string): PatternSpec | undefined {
  return PATTERNS.find((p) => p.name === name);
}

export function allVersions(spec: PatternSpec): Array<PatternVersion & { group: string }> {
  return spec.groups.flatMap((g) => g.versions.map((v) => ({ ...v, group: g.title })));
}
