// The default format, like ruff's: `path:line:col: CODE message`, a code frame with a caret under the spot, and
// the suggested rewrite; a summary line at the end.
import { createColors, type Colors } from '../../render/colors.js';
import { parseNotebook } from '../notebook.js';
import type { Finding } from '../types.js';
import type { RenderInput } from './index.js';

const CONTEXT = 1;

/** Colour only when the destination is a terminal that wants it (picocolors alone would also colour in CI logs piped to files). */
export function colorsFor(input: RenderInput): Colors {
  return createColors(input.color);
}

export function location(f: Finding): string {
  const cell = f.cell === undefined ? '' : `cell ${f.cell}:`;
  return `${f.path}:${cell}${f.line}:${f.column}`;
}

/** Lines of the file (or of the notebook cell) a finding points into. */
function frameLines(f: Finding, input: RenderInput, memo: Map<string, string[] | Map<number, string[]>>): string[] | undefined {
  const view = input.sources.get(f.path);
  if (!view) return undefined;
  let lines = memo.get(f.path);
  if (!lines) {
    if (view.kind === 'notebook') {
      try {
        lines = parseNotebook(view.text).cellLines;
      } catch {
        return undefined;
      }
    } else {
      lines = view.text.split(/\r?\n/);
    }
    memo.set(f.path, lines);
  }
  return Array.isArray(lines) ? lines : f.cell === undefined ? undefined : lines.get(f.cell);
}

function caretPad(line: string, column: number): string {
  // Keep tabs so the caret lines up under a tab-indented line.
  return [...line].slice(0, column - 1).map((ch) => (ch === '\t' ? '\t' : ' ')).join('');
}

function frame(f: Finding, lines: string[], pc: Colors): string[] {
  const first = Math.max(1, f.line - CONTEXT);
  const last = Math.min(lines.length, f.line + CONTEXT);
  const width = String(last).length;
  const gutter = (n: number | ''): string => pc.blue(`${String(n).padStart(width)} |`);
  const out = [gutter('')];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? '';
    out.push(`${gutter(n)} ${text}`);
    if (n === f.line) {
      const lineLen = [...text].length;
      const end = f.endLine === f.line ? f.endColumn : lineLen + 1;
      const span = Math.max(1, Math.min(end, lineLen + 1) - f.column);
      out.push(`${gutter('')} ${caretPad(text, f.column)}${pc.red('^'.repeat(span))} ${pc.red(f.code)}`);
    }
  }
  out.push(gutter(''));
  return out;
}

function help(f: Finding, pc: Colors): string[] {
  if (!f.fix) return [];
  const out = [`  ${pc.cyan('=')} ${pc.bold('help')}: ${f.fix.description}`];
  const rewrite = f.fix.replacement.split('\n');
  out.push(`  ${pc.cyan('=')} ${pc.bold('fix')}:  ${rewrite[0] ?? ''}`);
  for (const line of rewrite.slice(1)) out.push(`          ${line}`);
  return out;
}

export function summaryLine(input: RenderInput): string {
  const n = input.findings.length;
  const files = new Set(input.findings.map((f) => f.path)).size;
  const checked = `${input.filesChecked} file${input.filesChecked === 1 ? '' : 's'} checked`;
  if (n === 0) return `All checked: no findings (${checked}).`;
  return `Found ${n} finding${n === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${checked}).`;
}

export function renderText(input: RenderInput): string {
  const pc = colorsFor(input);
  const memo = new Map<string, string[] | Map<number, string[]>>();
  const blocks: string[] = [];
  for (const f of input.findings) {
    const head = `${pc.bold(location(f))}: ${pc.red(pc.bold(f.code))} ${f.message}`;
    const lines = frameLines(f, input, memo);
    const body = lines && f.code !== 'E902' ? frame(f, lines, pc) : [];
    blocks.push([head, ...body, ...help(f, pc)].join('\n'));
  }
  if (input.summary === false) return blocks.length ? `${blocks.join('\n\n')}\n` : '';
  const summary = pc.bold(summaryLine(input));
  return blocks.length ? `${blocks.join('\n\n')}\n\n${summary}\n` : `${summary}\n`;
}

/** One line per finding, nothing else but the summary (ruff's `concise`). */
export function renderConcise(input: RenderInput): string {
  const pc = colorsFor(input);
  const lines = input.findings.map((f) => `${pc.bold(location(f))}: ${pc.red(pc.bold(f.code))} ${f.message}`);
  if (input.summary !== false) lines.push(pc.bold(summaryLine(input)));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
