// `--statistics`: how many findings each code has, most frequent first.
import { codeInfo } from '../builtin-codes.js';
import type { RenderInput } from './index.js';
import { colorsFor, summaryLine } from './text.js';

export interface CodeCount {
  code: string;
  name: string;
  count: number;
  /** Findings that carry a suggested rewrite. */
  withFix: number;
}

export function countByCode(input: RenderInput): CodeCount[] {
  const counts = new Map<string, CodeCount>();
  for (const f of input.findings) {
    const c = counts.get(f.code) ?? { code: f.code, name: codeInfo(f.code)?.name ?? '', count: 0, withFix: 0 };
    c.count++;
    if (f.fix) c.withFix++;
    counts.set(f.code, c);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}

export function renderStatistics(input: RenderInput): string {
  const pc = colorsFor(input);
  const rows = countByCode(input);
  const width = Math.max(1, ...rows.map((r) => String(r.count).length));
  const lines = rows.map((r) => `${String(r.count).padStart(width)}  ${pc.red(pc.bold(r.code.padEnd(6)))}  ${r.name}`);
  lines.push(pc.bold(summaryLine(input)));
  return `${lines.join('\n')}\n`;
}

export function renderStatisticsJson(input: RenderInput): string {
  return `${JSON.stringify(countByCode(input), null, 2)}\n`;
}
