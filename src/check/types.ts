// The seams of `vecprof check`: what a rule is, what a finding is. Parsing/discovery/output
// (parse.ts, notebook.ts, discover.ts, config.ts, noqa.ts, output/) and analysis (arrays.ts,
// rules/, analyze.ts, registry.ts) meet only here.
import type { Node, Tree } from 'web-tree-sitter';
import type { ArrayFacts } from './arrays.js';

/** How a file is used decides some rules: LOG001 fires only in library code. */
export type FileKind = 'library' | 'script' | 'test' | 'notebook';

export type FixSafety = 'safe' | 'unsafe' | 'display-only';

export interface SuggestedFix {
  /** One line for people: "replace the loop with a whole-array sum". */
  description: string;
  /** The vectorized rewrite for the shape seen, e.g. `total = a.sum()`. */
  replacement: string;
  safety: FixSafety;
}

/** A finding as analysis produces it: positions are within the text that was parsed (1-based line, 1-based column in code points). */
export interface RawFinding {
  code: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The array the finding is about, when there is one. */
  symbol?: string;
  /** The loop's line range, so the advisor can join a profiled line inside the loop to the finding. */
  loop?: { startLine: number; endLine: number };
  fix?: SuggestedFix;
}

/** A finding as users see it (and as `--output-format json` prints it): positions mapped back to the file or cell. */
export interface Finding extends RawFinding {
  /** Path as displayed (relative to the working directory when inside it). */
  path: string;
  /** Notebook cell, 1-based, counting every cell (code and markdown), like ruff. */
  cell?: number;
}

export interface RuleDoc {
  whatItDoes: string;
  whyIsItSlow: string;
  /** Bad code, drawn from the seed's patterns. */
  example: string;
  /** The good rewrite of `example`. */
  useInstead: string;
}

export interface AnalysisContext {
  tree: Tree;
  source: string;
  fileKind: FileKind;
}

export interface Rule {
  code: string; // VEC001 …
  name: string; // element-loop …
  summary: string; // one line
  doc: RuleDoc;
  /** `facts` is computed once per file by analyze() and shared by every rule. */
  check(ctx: AnalysisContext, facts: ArrayFacts, report: (f: RawFinding) => void): void;
}

export type { Node, Tree };
