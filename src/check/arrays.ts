// Which names, attributes and expressions hold NumPy arrays: the one answer every rule asks.
import type { AnalysisContext } from './types.js';

export interface ArrayFacts {
  /** Local names NumPy is bound to (`np`, `numpy`, `xp`). */
  numpyAliases: Set<string>;
}

export function computeArrayFacts(ctx: AnalysisContext): ArrayFacts {
  void ctx;
  return { numpyAliases: new Set() };
}
