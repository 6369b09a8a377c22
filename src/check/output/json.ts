// `--output-format json`: the findings exactly as types.ts declares them, sorted, one array.
import type { Finding } from '../types.js';
import type { RenderInput } from './index.js';

/** Only the declared fields, in a fixed order, so the output is stable whatever a rule attached. */
export function publicFinding(f: Finding): Finding {
  const out: Finding = { path: f.path, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, code: f.code, message: f.message };
  if (f.cell !== undefined) {
    // Keep `cell` right after `path`, where a reader looks for it.
    const { path, ...rest } = out;
    return withOptional({ path, cell: f.cell, ...rest }, f);
  }
  return withOptional(out, f);
}

function withOptional(out: Finding, f: Finding): Finding {
  if (f.symbol !== undefined) out.symbol = f.symbol;
  if (f.loop !== undefined) out.loop = { startLine: f.loop.startLine, endLine: f.loop.endLine };
  if (f.fix !== undefined) out.fix = { description: f.fix.description, replacement: f.fix.replacement, safety: f.fix.safety };
  return out;
}

export function renderJson(input: RenderInput): string {
  return `${JSON.stringify(input.findings.map(publicFinding), null, 2)}\n`;
}
