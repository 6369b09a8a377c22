// The files a report shows: every file the models point into, its text (given, or read now) and per-line facts.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LineView, SourceFileView } from './payload.js';

/** Larger files are listed but not embedded: nobody reads a 4 MB file in a report, and the page must stay light. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export interface FileTable {
  /** Index of the file in the table, adding it when new. */
  indexOf(absPath: string): number;
  /** Index of a file already in the table, or -1. */
  find(absPath: string): number;
  /** The line's record, created on first use. */
  line(fileIndex: number, line: number): LineView;
  files(): SourceFileView[];
  display(absPath: string): string;
  /** Absolute path of a path as a model names it (findings use paths relative to where check ran). */
  absolute(path: string): string;
}

/** `<string>`, `<frozen importlib._bootstrap>`, C functions' `~`: names that are not files. A file may still begin with `<`. */
export function isPseudoPath(path: string): boolean {
  return path === '' || path === '~' || /^<[^/\\]*>$/.test(path);
}

export function emptyLine(line: number): LineView {
  return { line, share: null, time: null, hits: null, samples: null, split: null, bytesAtPeak: null, allocatedBytes: null, findings: [], advice: null };
}

export function createFileTable(cwd: string, given: Record<string, string>): FileTable {
  const entries: Array<{ view: SourceFileView; lines: Map<number, LineView> }> = [];
  const byPath = new Map<string, number>();

  const display = (abs: string): string => {
    if (isPseudoPath(abs)) return abs;
    const rel = relative(cwd, abs);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : abs;
  };
  const absolute = (path: string): string => (isPseudoPath(path) ? path : resolve(cwd, path));

  return {
    display,
    absolute,
    indexOf(absPath: string): number {
      let i = byPath.get(absPath);
      if (i === undefined) {
        i = entries.length;
        byPath.set(absPath, i);
        entries.push({ view: { path: absPath, displayPath: display(absPath), text: null, missing: null, share: 0, lines: [] }, lines: new Map() });
      }
      return i;
    },
    find(absPath: string): number {
      return byPath.get(absPath) ?? -1;
    },
    line(fileIndex: number, line: number): LineView {
      const entry = entries[fileIndex]!;
      let view = entry.lines.get(line);
      if (view === undefined) {
        view = emptyLine(line);
        entry.lines.set(line, view);
      }
      return view;
    },
    files(): SourceFileView[] {
      return entries.map(({ view, lines }) => {
        const text = sourceText(view.path, given);
        const sorted = [...lines.values()].sort((a, b) => a.line - b.line);
        const share = sorted.reduce((sum, l) => sum + (l.share ?? 0), 0);
        return { ...view, text: text.lines, missing: text.missing, share, lines: sorted };
      });
    },
  };
}

function sourceText(path: string, given: Record<string, string>): { lines: string[] | null; missing: string | null } {
  const known = given[path];
  if (known !== undefined) return { lines: splitLines(known), missing: null };
  if (isPseudoPath(path)) return { lines: null, missing: 'not a file (code made at run time or built into Python)' };
  if (path.endsWith('.ipynb')) return { lines: null, missing: 'a notebook: findings name the cell and the line within it' };
  try {
    const size = statSync(path).size;
    if (size > MAX_SOURCE_BYTES) return { lines: null, missing: `too large to embed (${Math.round(size / 1024)} KiB)` };
    return { lines: splitLines(readFileSync(path, 'utf8')), missing: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { lines: null, missing: code === 'ENOENT' ? 'the file no longer exists where the profile saw it' : `could not be read (${code ?? String(err)})` };
  }
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
