// The budget section: the same sweep plot `vecprof budget --out` writes, as an image, plus its table and summary.
import { budgetPlotSpec } from '../budget/plot-spec.js';
import type { BudgetResult } from '../budget/types.js';
import { log } from '../log.js';
import { describeCrossover, renderBudgetSummary } from '../render/budget-table.js';
import { renderSweepSvg } from '../render/plot.js';
import { formatRatio } from '../render/units.js';
import type { BudgetView } from './payload.js';

const ANSI = /\u001b\[[0-9;]*m/g;

export function budgetView(result: BudgetResult): BudgetView {
  let plotDataUrl: string | null = null;
  if (result.rows.length > 0) {
    try {
      const svg = renderSweepSvg(budgetPlotSpec(result));
      plotDataUrl = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
    } catch (err) {
      log.warn({ err }, 'report: the budget plot could not be drawn; the table is still shown');
    }
  }
  const facts = renderBudgetSummary(result)
    .replace(ANSI, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l): [string, string] => {
      const colon = l.indexOf(': ');
      return colon > 0 && colon < 40 ? [l.slice(0, colon), l.slice(colon + 2)] : ['', l];
    });
  const m = result.environment.machine;
  return {
    title: `Vectorization budget: ${result.config.op} over ${result.config.dtype}`,
    machine: `${m.cpuModel} · Python ${result.environment.python.version} · NumPy ${result.environment.python.numpy ?? '?'}`,
    plotDataUrl,
    rows: result.rows.map((r) => ({
      size: r.size,
      workingSetBytes: r.workingSetBytes,
      regime: r.regime,
      loopNs: r.loopNs?.estimate ?? null,
      numpyNs: r.numpyNs?.estimate ?? null,
      loopExtrapolated: r.loopExtrapolated,
      ratio: r.ratio?.estimate ?? null,
      ratioLow: r.ratio?.low ?? null,
      ratioHigh: r.ratio?.high ?? null,
      bytesPerSecond: r.bytesPerSecond,
      percentOfPeak: r.percentOfPeak,
      flags: r.flags,
    })),
    facts,
    warnings: result.warnings,
  };
}

/** What the budget says, in a line or two, for the summary at the top of the page. */
export function budgetLines(result: BudgetResult): string[] {
  const d = result.derived;
  const lines = [`${result.config.op} over ${result.config.dtype}: ${describeCrossover(d.crossover)}`];
  if (d.plateaus.length > 0) lines.push(`loop / NumPy by memory regime: ${d.plateaus.map((p) => `${p.regime} ${formatRatio(p.ratio)}`).join(', ')}`);
  return lines;
}
