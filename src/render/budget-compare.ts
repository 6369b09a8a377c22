import { pc } from './colors.js';
import type { SizeChange } from '../budget/compare.js';
import type { BudgetResult } from '../budget/types.js';
import { formatCount, formatRatio, textTable } from './units.js';

function signed(change: number | null): string {
  if (change === null) return '–';
  const pct = (change - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

/** `notes`: what makes this comparison weaker (a partial file, different workloads), printed under the table. */
export function renderBudgetCompare(a: BudgetResult, b: BudgetResult, changes: SizeChange[], names: [string, string], notes: string[] = []): string {
  const header = ['Size', `Ratio A`, `Ratio B`, 'B / A (95 % CI)', 'Loop', 'NumPy', ''];
  const rows = changes.map((c) => {
    const ci = c.change ? `${formatRatio(c.change.estimate)} (${formatRatio(c.change.low)}–${formatRatio(c.change.high)})` : '–';
    return [
      formatCount(c.size),
      c.ratioA ? formatRatio(c.ratioA.estimate) : '–',
      c.ratioB ? formatRatio(c.ratioB.estimate) : '–',
      c.significant ? pc.bold(ci) : ci,
      signed(c.loopChange),
      signed(c.numpyChange),
      `${c.significant ? 'changed' : ''}${c.extrapolated ? ' *' : ''}`.trim(),
    ];
  });
  const describe = (r: BudgetResult): string =>
    `${r.config.op}/${r.config.dtype} on ${r.environment.machine.cpuModel}, Python ${r.environment.python.version}, NumPy ${r.environment.python.numpy ?? '?'}, ${r.createdAt}` +
    (r.complete ? '' : pc.yellow(` — PARTIAL: ${r.stopReason ?? (r.interrupted ? 'interrupted' : 'incomplete')}, ${r.rows.length} of ${r.config.exponents.length} sizes`));
  const significant = changes.filter((c) => c.significant).length;
  return [
    `A: ${names[0]} (${describe(a)})`,
    `B: ${names[1]} (${describe(b)})`,
    '',
    textTable(header, rows, [true, true, true, true, true, true, false]),
    '',
    `${significant} of ${changes.length} sizes changed beyond their 95 % interval; Loop/NumPy columns are the change in median time.`,
    changes.some((c) => c.extrapolated) ? '* loop extrapolated in at least one run: interval combined conservatively' : '',
    ...notes.map((n) => pc.yellow(`! ${n}`)),
  ]
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .join('\n');
}
