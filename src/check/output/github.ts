// `--output-format github`: GitHub Actions workflow commands, so findings show as annotations on the diff.
import type { Finding } from '../types.js';
import type { RenderInput } from './index.js';

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts: data and property escaping differ.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(f: Finding): string {
  const level = f.code === 'E999' || f.code === 'E902' ? 'error' : 'warning';
  const props = [
    `file=${escapeProperty(f.path)}`,
    `line=${f.line}`,
    `col=${f.column}`,
    `endLine=${f.endLine}`,
    `endColumn=${f.endColumn}`,
    `title=${escapeProperty(`vecprof (${f.code})`)}`,
  ].join(',');
  const cell = f.cell === undefined ? '' : `cell ${f.cell}: `;
  const fix = f.fix ? `\nfix: ${f.fix.replacement}` : '';
  return `::${level} ${props}::${escapeData(`${cell}${f.code} ${f.message}${fix}`)}`;
}

export function renderGithub(input: RenderInput): string {
  return input.findings.map((f) => `${annotation(f)}\n`).join('');
}
