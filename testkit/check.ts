// Parse a Python string and run analysis on it, as the rule tests and docs test need.
import { analyze } from '../src/check/analyze.js';
import { computeArrayFacts, type ArrayFacts } from '../src/check/arrays.js';
import { getParser, parsePython } from '../src/check/parse.js';
import type { AnalysisContext, FileKind, RawFinding } from '../src/check/types.js';

/** Strip the common indentation of a template literal so cases can be written indented in tests. */
export function dedent(code: string): string {
  const lines = code.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

export async function checkSource(code: string, fileKind: FileKind = 'library', only?: string): Promise<RawFinding[]> {
  const parser = await getParser();
  const { tree } = parsePython(parser, code);
  try {
    const ctx: AnalysisContext = { tree, source: code, fileKind };
    return analyze(ctx, only ? (c) => c === only : undefined);
  } finally {
    tree.delete();
  }
}

/** Run `probe` against the facts of `code`; the tree lives only during the call. */
export async function withFacts<T>(code: string, probe: (facts: ArrayFacts) => T, fileKind: FileKind = 'library'): Promise<T> {
  const parser = await getParser();
  const { tree } = parsePython(parser, code);
  try {
    return probe(computeArrayFacts({ tree, source: code, fileKind }));
  } finally {
    tree.delete();
  }
}
