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

const elements = (n: number): string => `${formatCount(Math.round(n))} element${Math.round(n) === 1 ? '' : 's'}`;

export function describeCrossover(c: Crossover | null): string {
  if (!c) return 'not measured';
  if (c.kind === 'below') return `NumPy already wins at the smallest size measured (${elements(c.size)})`;
  if (c.kind === 'above') return `the loop still wins at the largest size measured (${elements(c.size)})`;
  return `NumPy wins from ≈ ${elements(c.size)} (interpolated)`;
}

/** Why no size has a ratio: the loop is measured only up to --loop-max, and nothing below it was asked for. */
function crossoverLine(result: BudgetResult): string {
  const d = result.derived;
  const c = result.config;
  if (d.crossover || result.rows.length === 0 || result.rows.some((r) => r.loopNs)) return `Crossover: ${describeCrossover(d.crossover)}`;
  return (
    `Crossover: not measured: the loop is measured only up to 2^${c.loopMaxExponent} elements (--loop-max ${c.loopMaxExponent}) ` +
    `and every size asked for is above it, so there is no loop time to compare or to scale from; add a size ≤ 2^${c.loopMaxExponent} to --sizes or raise --loop-max`
  );
}

function plateauLine(result: BudgetResult): string | null {
  const d = result.derived;
  if (d.plateaus.length > 0) {
    const parts = d.plateaus.map(
      (p) => `${p.regime} ${formatRatio(p.ratio)} (${formatRatio(p.low).slice(0, -1)}–${formatRatio(p.high).slice(0, -1)})${p.extrapolated ? '*' : ''}`,
    );
    return `Plateau ratio by memory regime: ${parts.join(', ')}`;
  }
  if (!result.rows.some((r) => r.ratio)) return null;
  if (d.numpyPerCallNs === null) {
    return "Plateau ratio by memory regime: not computed: NumPy's per-call cost needs two sizes ≤ 4096 elements to be fitted (add small sizes to --sizes)";
  }
  return "Plateau ratio by memory regime: none: at every size NumPy's fixed per-call cost is over a quarter of its time (add larger sizes)";
}

function costLines(result: BudgetResult): string[] {
  const d = result.derived;
  const lines: string[] = [];
  if (d.loopPerElementNs !== null) {
    lines.push(
      d.loopPerElementNs > 0
        ? `Python loop: ${formatDuration(d.loopPerElementNs)} per element (slope)`
        : 'Python loop: per-element cost below resolution (the fitted slope is not positive; measure larger sizes)',
    );
  }
  if (d.numpyPerCallNs !== null) {
    // A slope at or below zero is noise around a cost too small to see over a few thousand elements in L1.
    const perElement =
      d.numpyPerElementNs !== null && d.numpyPerElementNs > 0
        ? ` + ${formatDuration(d.numpyPerElementNs)} per element in cache`
        : '; its per-element cost in cache is below resolution';
    lines.push(`NumPy: ${formatDuration(d.numpyPerCallNs)} per call (intercept)${perElement}`);
  }
  return lines;
}

/** Footnotes for the table's marks: *, – and ~, each readable without the warnings (which --quiet hides). */
function footnotes(result: BudgetResult): string[] {
  const c = result.config;
  const lines: string[] = [];
  if (result.rows.some((r) => r.loopExtrapolated)) {
    lines.push(`* loop measured up to 2^${c.loopMaxExponent} elements and scaled linearly beyond (--loop-max to measure more)`);
  }
  const unscaled = result.rows.filter((r) => !r.loopNs && r.exponent > c.loopMaxExponent);
  if (unscaled.length > 0) {
    lines.push(
      `– loop not measured above 2^${c.loopMaxExponent} elements (--loop-max ${c.loopMaxExponent}), and no size at or below it was measured to scale it from`,
    );
  }
  if (result.rows.some((r) => !r.loopNs && r.exponent <= c.loopMaxExponent)) {
    lines.push('– loop not measured at this size (the run stopped before it finished)');
  }
  if (result.rows.some((r) => r.flags.length > 0)) {
    lines.push('~ noisy row: its samples spread over 10 % of the median, or it ran over 15 % of the time off-CPU; treat its ratio with care');
  }
  return lines;
}

/** The summary under the table; a partial result says how many sizes finished and why it stopped. */
export function renderBudgetSummary(result: BudgetResult): string {
  const d = result.derived;
  const c = result.config;
  const lines: string[] = [crossoverLine(result)];
  const plateau = plateauLine(result);
  if (plateau) lines.push(plateau);
  lines.push(...costLines(result));
  if (result.peak) {
    lines.push(
      `Peak bandwidth: ${formatRate(result.peak.copy.median)} copy, ${formatRate(result.peak.triad.median)} triad ` +
        `(arrays of ${formatBytes(result.peak.bytes)}, beyond the last-level cache)`,
    );
  }
  lines.push(`Last-level cache: ${d.llc.note}`);
  lines.push(...footnotes(result));
  const t = result.timing;
  const why = result.stopReason ?? (result.interrupted ? 'interrupted' : 'stopped early');
  lines.push(
    `${c.op} over ${c.dtype}; ${formatDuration(t.wallSeconds * 1e9)} wall, ${formatPercent(100 * t.efficiency)} of it inside timed regions` +
      (result.complete ? '' : pc.yellow(` — PARTIAL, ${result.rows.length} of ${c.exponents.length} sizes finished: ${why}`)),
  );
  return lines.join('\n');
}
