// The budget section: the sweep plot (an SVG image made by the same code as `vecprof budget --out`) and its table.
import type { BudgetView } from '../payload.js';
import { h } from './dom.js';
import { formatBytes, formatDuration, formatRate, formatRatio } from './format.js';
import { sortableTable, type Column } from './table.js';

type Row = BudgetView['rows'][number];

export function budgetSection(b: BudgetView): HTMLElement {
  const out = h('div', { class: 'budget' }, h('p', { class: 'muted' }, `${b.title} · ${b.machine}`));
  if (b.plotDataUrl) out.append(h('img', { class: 'budget-plot', src: b.plotDataUrl, alt: `${b.title}: time per call of the Python loop and NumPy against array size` }));
  const facts = h('dl', { class: 'budget-facts' });
  for (const [label, text] of b.facts) facts.append(h('dt', null, label), h('dd', null, text));
  out.append(facts);
  const columns: Column<Row>[] = [
    { title: 'size', value: (r) => r.size, cell: (r) => r.size.toLocaleString('en-US'), numeric: true },
    { title: 'working set', value: (r) => r.workingSetBytes, cell: (r) => formatBytes(r.workingSetBytes), numeric: true },
    { title: 'regime', value: (r) => r.regime },
    { title: 'Python loop', value: (r) => r.loopNs, cell: (r) => (r.loopNs === null ? '–' : `${formatDuration(r.loopNs)}${r.loopExtrapolated ? '*' : ''}`), numeric: true, hint: '* scaled from the largest measured size' },
    { title: 'NumPy', value: (r) => r.numpyNs, cell: (r) => (r.numpyNs === null ? '–' : formatDuration(r.numpyNs)), numeric: true },
    {
      title: 'loop / NumPy',
      value: (r) => r.ratio,
      cell: (r) => (r.ratio === null ? '–' : `${formatRatio(r.ratio)}${r.ratioLow !== null && r.ratioHigh !== null ? ` (${formatRatio(r.ratioLow).slice(0, -1)}–${formatRatio(r.ratioHigh).slice(0, -1)})` : ''}`),
      numeric: true,
      hint: 'ratio with its 95 % bootstrap interval',
    },
    { title: 'bandwidth', value: (r) => r.bytesPerSecond, cell: (r) => (r.bytesPerSecond === null ? '–' : formatRate(r.bytesPerSecond)), numeric: true },
    { title: '% of peak', value: (r) => r.percentOfPeak, cell: (r) => (r.percentOfPeak === null ? '–' : `${r.percentOfPeak.toFixed(0)} %`), numeric: true },
    { title: 'notes', value: (r) => r.flags.join('; '), cell: (r) => r.flags.join('; ') },
  ];
  out.append(sortableTable(b.rows, columns, { sortBy: 0, descending: false, pageSize: 100 }));
  if (b.warnings.length > 0) out.append(h('ul', { class: 'warnings' }, ...b.warnings.map((w) => h('li', null, w))));
  return out;
}
