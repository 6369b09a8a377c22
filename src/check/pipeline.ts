// One file, bytes in, findings out: screen (size, encoding, NUL, pre-filter, file-level noqa), notebook
// unpacking, parse, analysis, mapping back to cells, line noqa. Pure apart from the parser it is handed, so the
// worker threads, the main thread and the fuzz test all run exactly this.
import type { Parser } from 'web-tree-sitter';
import { analyze } from './analyze.js';
import type { FileFinding } from './cache.js';
import { NotebookError, parseNotebook, type NotebookSource } from './notebook.js';
import { familiesFor, fileProblem, screen, worthAnalysing, type FileJob } from './screen.js';
import { applyNoqa, fileNoqa } from './noqa.js';
import { parsePython, type ParseResult } from './parse.js';
import { skeletonOf, triggerWords } from './skeleton.js';
import type { FileKind, RawFinding } from './types.js';

function mapToCells(f: RawFinding, nb: NotebookSource): FileFinding {
  const start = nb.lineMap[f.line - 1] ?? nb.lineMap[nb.lineMap.length - 1] ?? { cell: 1, line: 1 };
  const endRaw = nb.lineMap[f.endLine - 1];
  const end = endRaw && endRaw.cell === start.cell ? endRaw : { cell: start.cell, line: Math.max(start.line, nb.cellLines.get(start.cell)?.length ?? start.line) };
  const mapped: FileFinding = { ...f, cell: start.cell, line: start.line, endLine: end.line };
  if (end !== endRaw) mapped.endColumn = f.endLine === f.line ? f.endColumn : 1;
  if (f.loop) {
    const a = nb.lineMap[f.loop.startLine - 1];
    const b = nb.lineMap[f.loop.endLine - 1];
    mapped.loop = { startLine: a?.line ?? start.line, endLine: b && a && b.cell === a.cell ? b.line : end.line };
  }
  return mapped;
}

/**
 * Parse the units of `python` that could hold a finding (see skeleton.ts). The skeleton keeps every kept line where
 * it was, so findings need no mapping; when it does not parse, the whole text is parsed, so a syntax error is
 * reported where it is and as Python would put it. A syntax error inside a unit left out goes unseen: `fullParse`
 * (--full-parse, and text from an editor) parses everything.
 */
function parseWhatMatters(parser: Parser, python: string, kind: FileKind, enabled: ReadonlySet<string>, fullParse: boolean): ParseResult & { source: string } {
  const families = familiesFor(kind, enabled);
  const trigger = triggerWords(families.vec, families.print);
  const skeleton = trigger && !fullParse ? skeletonOf(python, trigger) : { text: python, skipped: 0 };
  if (skeleton.skipped > 0) {
    const parsed = parsePython(parser, skeleton.text);
    if (!parsed.syntaxError) return { ...parsed, source: skeleton.text };
    parsed.tree.delete();
  }
  return { ...parsePython(parser, python), source: python };
}

/** Parse and analyse text that passed screening. */
export function analyzeText(parser: Parser, text: string, kind: FileKind, enabled: ReadonlySet<string>, fullParse = false): FileFinding[] {
  let python = text;
  let notebook: NotebookSource | null = null;
  if (kind === 'notebook') {
    try {
      notebook = parseNotebook(text);
    } catch (err) {
      if (err instanceof NotebookError) return [fileProblem(`broken notebook: ${err.message}`)];
      throw err;
    }
    python = notebook.text;
    if (fileNoqa(python).kind === 'all' || !worthAnalysing(python, kind, enabled)) return [];
  }
  if (python.trim() === '') return [];
  const { tree, syntaxError, source } = parseWhatMatters(parser, python, kind, enabled, fullParse);
  let raw: RawFinding[];
  try {
    raw = syntaxError ? [syntaxError] : analyze({ tree, source, fileKind: kind }, (code) => enabled.has(code));
  } finally {
    tree.delete();
  }
  if (raw.length === 0) return [];
  const kept = applyNoqa(raw, python.split('\n'), fileNoqa(python));
  return notebook ? kept.map((f) => mapToCells(f, notebook)) : kept;
}

/** The whole pipeline for one file's bytes. */
export function checkBytes(parser: Parser, job: FileJob): FileFinding[] {
  const s = screen(job);
  if (s.verdict === 'problem') return [fileProblem(s.message)];
  if (s.verdict === 'clean') return [];
  return analyzeText(parser, s.text, job.kind, job.enabled);
}
