// Two budget runs side by side: how each size's loop/NumPy ratio moved, with an interval for the change.
import { bootstrapMedians, type Interval } from './stats.js';
import type { BudgetResult, KernelCell } from './types.js';

export interface SizeChange {
  exponent: number;
  size: number;
  ratioA: Interval | null;
  ratioB: Interval | null;
  /** ratio B / ratio A. */
  change: Interval | null;
  loopChange: number | null;
  numpyChange: number | null;
  /** The change interval excludes 1: the ratio really moved. */
  significant: boolean;
  extrapolated: boolean;
}

function cell(r: BudgetResult, kernel: 'loop' | 'numpy', exponent: number): KernelCell | undefined {
  return r.cells.find((c) => c.kernel === kernel && c.exponent === exponent);
}

export function compareBudgets(a: BudgetResult, b: BudgetResult): SizeChange[] {
  const exponents = [...new Set([...a.rows, ...b.rows].map((r) => r.exponent))].sort((x, y) => x - y);
  return exponents.map((exponent) => {
    const rowA = a.rows.find((r) => r.exponent === exponent) ?? null;
    const rowB = b.rows.find((r) => r.exponent === exponent) ?? null;
    const [la, na, lb, nb] = [cell(a, 'loop', exponent), cell(a, 'numpy', exponent), cell(b, 'loop', exponent), cell(b, 'numpy', exponent)];
    let change: Interval | null = null;
    if (la && na && lb && nb) {
      // All four measured: resample each, so the interval reflects both runs' noise.
      change = bootstrapMedians([lb.wallNs, nb.wallNs, la.wallNs, na.wallNs], ([l2, n2, l1, n1]) => l2! / n2! / (l1! / n1!), {
        seed: exponent,
      });
    } else if (rowA?.ratio && rowB?.ratio) {
      // Extrapolated rows keep only intervals: combine them conservatively.
      change = {
        estimate: rowB.ratio.estimate / rowA.ratio.estimate,
        low: rowB.ratio.low / rowA.ratio.high,
        high: rowB.ratio.high / rowA.ratio.low,
      };
    }
    return {
      exponent,
      size: 2 ** exponent,
      ratioA: rowA?.ratio ?? null,
      ratioB: rowB?.ratio ?? null,
      change,
      loopChange: la && lb ? lb.wall.median / la.wall.median : null,
      numpyChange: na && nb ? nb.wall.median / na.wall.median : null,
      significant: change !== null && (change.low > 1 || change.high < 1),
      extrapolated: Boolean(rowA?.loopExtrapolated || rowB?.loopExtrapolated),
    };
  });
}
