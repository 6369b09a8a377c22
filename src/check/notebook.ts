// Jupyter notebooks: code cells joined into one Python text (names flow from cell to cell, as when the notebook
// runs top to bottom), IPython syntax neutralised, and every line of the text mapped back to (cell, line).

export interface NotebookSource {
  /** The code cells joined; cell magics left out, line magics and shell escapes blanked. */
  text: string;
  /** For each 0-based line of `text`: the 1-based cell number (counting every cell) and 1-based line in it. */
  lineMap: Array<{ cell: number; line: number }>;
  /** Each cell's own source lines by cell number, for code frames. */
  cellLines: Map<number, string[]>;
}

export class NotebookError extends Error {}

interface RawCell {
  cell_type?: unknown;
  source?: unknown;
  /** nbformat 3 kept code in `input`. */
  input?: unknown;
}

function cellSource(cell: RawCell, index: number): string {
  const src = cell.source ?? cell.input;
  if (typeof src === 'string') return src;
  if (Array.isArray(src) && src.every((s) => typeof s === 'string')) return src.join('');
  if (src === undefined) return '';
  throw new NotebookError(`cell ${index + 1} has a source that is neither a string nor a list of strings`);
}

/** IPython line magics (`%timeit`), shell escapes (`!pip`) and help (`x?`) are not Python: blank them out. */
function isIPythonLine(line: string): boolean {
  const t = line.trimStart();
  return t.startsWith('%') || t.startsWith('!') || (/^[\w.]+\?{1,2}$/.test(t.trimEnd()));
}

/** nbformat 4 has a top-level `cells` list; nbformat 3 nested them in `worksheets`. */
function cellsOf(doc: unknown): unknown[] {
  if (typeof doc === 'object' && doc !== null) {
    const { cells, worksheets } = doc as { cells?: unknown; worksheets?: unknown };
    if (Array.isArray(cells)) return cells;
    if (Array.isArray(worksheets) && worksheets.every((w) => typeof w === 'object' && w !== null && Array.isArray((w as { cells?: unknown }).cells))) {
      return worksheets.flatMap((w) => (w as { cells: unknown[] }).cells);
    }
  }
  throw new NotebookError('not a Jupyter notebook (no "cells" list)');
}

export function parseNotebook(json: string): NotebookSource {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new NotebookError(`not valid JSON (${(err as Error).message})`);
  }
  const cells = cellsOf(doc);
  const lines: string[] = [];
  const lineMap: NotebookSource['lineMap'] = [];
  const cellLines = new Map<number, string[]>();
  cells.forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null) throw new NotebookError(`cell ${index + 1} is not an object`);
    const cell = raw as RawCell;
    if (cell.cell_type !== 'code') return;
    const source = cellSource(cell, index);
    const own = source.split(/\r?\n/);
    if (own.length > 1 && own[own.length - 1] === '') own.pop();
    const cellNumber = index + 1;
    cellLines.set(cellNumber, own);
    // A cell magic (%%bash, %%timeit …) makes the whole cell another language.
    if (source.trimStart().startsWith('%%')) return;
    own.forEach((line, i) => {
      lines.push(isIPythonLine(line) ? '' : line);
      lineMap.push({ cell: cellNumber, line: i + 1 });
    });
  });
  return { text: lines.length ? `${lines.join('\n')}\n` : '', lineMap, cellLines };
}
