// The seed-style table and the summary of what the sweep means, for a terminal or a pipe.
import { pc } from './colors.js';
import type { BudgetResult, BudgetRow, Crossover } from '../budget/types.js';
import { formatBytes, formatCount, formatDuration, formatPercent, formatRate, formatRatio, textTable } from './units.js';

function ratioCell(row: BudgetRow): string {
  if (!row.ratio) return '–';
  const { estimate, low, high } = row.ratio;
  const text = `${formatRatio(estimate)} (${formatRatio(low).slice(0, -1)}–${formatRatio(high).slice(0, -1)})`;
  return estimate >= 1 ? text : pc.yellow(text);
}

function loopCell(row: BudgetRow): string {
  if (!row.loopNs) return '–';
  return row.loopExtrapolated ? `${formatDuration(row.loopNs.estimate)}*` : formatDuration(row.loopNs.estimate);
}

export function renderBudgetTable(result: BudgetResult): string {
  const header = ['Size', 'Python loop', 'NumPy', 'Ratio (95 % CI)', 'GB/s', '% peak', 'Regime', ''];
  const rows = result.rows.map((r) => [
    formatCount(r.size),
    loopCell(r),
    r.numpyNs ? formatDuration(r.numpyNs.estimate) : '–',
    ratioCell(r),
    r.bytesPerSecond !== null ? (r.bytesPerSecond / 1e9).toFixed(1) : '–',
    r.percentOfPeak !== null ? formatPercent(r.percentOfPeak) : '–',
    r.regime,
    r.flags.length > 0 ? pc.yellow('~') : '',
  ]);
  return textTable(header, rows, [true, true, true, true, true, true, false, false]);
}

export function describeCrossover(c: Crossover | null): string {
  if (!c) return 'not measured';
  if (c.kind === 'below') return `NumPy already wins at the smallest size (< ${formatCount(c.size)} elements)`;
  if (c.kind === 'above') return `the loop still wins at the largest size (> ${formatCount(c.size)} elements)`;
  return `NumPy wins from ≈ ${formatCount(Math.round(c.size))} elements (interpolated)`;
}

export function renderBudgetSummary(result: BudgetResult): string {
  const d = result.derived;
  const c = result.config;
  const lines: string[] = [];
  lines.push(`Crossover: ${describeCrossover(d.crossover)}`);
  if (d.plateaus.length > 0) {
    const parts = d.plateaus.map(
      (p) => `${p.regime} ${formatRatio(p.ratio)} (${formatRatio(p.low).slice(0, -1)}–${formatRatio(p.high).slice(0, -1)})${p.extrapolated ? '*' : ''}`,
    );
    lines.push(`Plateau ratio by memory regime: ${parts.join(', ')}`);
  }
  if (d.loopPerElementNs !== null) lines.push(`Python loop: ${formatDuration(d.loopPerElementNs)} per element (slope)`);
  if (d.numpyPerCallNs !== null) {
    const perElement = d.numpyPerElementNs !== null ? ` + ${formatDuration(d.numpyPerElementNs)} per element in cache` : '';
    lines.push(`NumPy: ${formatDuration(d.numpyPerCallNs)} per call (intercept)${perElement}`);
  }
  if (result.peak) {
    lines.push(
      `Peak bandwidth: ${formatRate(result.peak.copy.median)} copy, ${formatRate(result.peak.triad.median)} triad ` +
        `(arrays of ${formatBytes(result.peak.bytes)}, beyond the last-level cache)`,
    );
  }
  lines.push(`Last-level cache: ${d.llc.note}`);
  if (result.rows.some((r) => r.loopExtrapolated)) {
    lines.push(`* loop measured up to 2^${c.loopMaxExponent} elements and scaled linearly beyond (--loop-max to measure more)`);
  }
  if (result.rows.some((r) => r.flags.length > 0)) lines.push(`~ noisy row: see the warnings`);
  const t = result.timing;
  lines.push(
    `${c.op} over ${c.dtype}; ${formatDuration(t.wallSeconds * 1e9)} wall, ${formatPercent(100 * t.efficiency)} of it inside timed regions` +
      (result.complete ? '' : pc.yellow(' — PARTIAL: interrupted before every size finished')),
  );
  return lines.join('\n');
}
