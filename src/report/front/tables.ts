// The function table, the memory table and the list of findings, each linking back to the source view.
import type { ReportPayload } from '../payload.js';
import { locationLink } from './advice.js';
import { h } from './dom.js';
import { formatBytes, formatInt, formatSamples, formatTime } from './format.js';
import type { SourceViewer } from './source.js';
import { sortableTable, type Column } from './table.js';

type FunctionRow = ReportPayload['functions'][number];
type MemoryRow = NonNullable<ReportPayload['memory']>['lines'][number];

export function functionTable(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const rows = p.functions;
  const columns: Column<FunctionRow>[] = [{ title: 'function', value: (r) => r.name, cell: (r) => h('span', { class: 'fn-name' }, r.name) }];
  columns.push({ title: 'where', value: (r) => `${r.displayPath}:${r.line}`, cell: (r) => (r.line > 0 ? locationLink(r.displayPath, r.line, r.file, source) : r.displayPath) });
  if (rows.some((r) => r.calls !== null)) columns.push({ title: 'calls', value: (r) => r.calls, cell: (r) => formatInt(r.calls), numeric: true });
  if (rows.some((r) => r.selfTime !== null)) columns.push({ title: 'self time', value: (r) => r.selfTime, cell: (r) => formatTime(r.selfTime), numeric: true, hint: 'time in the function itself' });
  if (rows.some((r) => r.totalTime !== null)) columns.push({ title: 'total time', value: (r) => r.totalTime, cell: (r) => formatTime(r.totalTime), numeric: true, hint: 'time including what it called' });
  if (rows.some((r) => r.selfSamples !== null)) columns.push({ title: 'self samples', value: (r) => r.selfSamples, cell: (r) => (r.selfSamples === null ? '' : formatSamples(r.selfSamples)), numeric: true });
  if (rows.some((r) => r.samples !== null)) columns.push({ title: 'samples', value: (r) => r.samples, cell: (r) => (r.samples === null ? '' : formatSamples(r.samples)), numeric: true });
  const sortBy = Math.max(
    2,
    columns.findIndex((c) => c.title === 'self time' || c.title === 'self samples'),
  );
  const table = sortableTable(rows, columns, { sortBy: Math.min(sortBy, columns.length - 1), descending: true, pageSize: 60 });
  if (p.functionsOmitted > 0) table.append(h('p', { class: 'muted' }, `${formatInt(p.functionsOmitted)} functions with the least time are not listed.`));
  return table;
}

export function memorySection(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const m = p.memory!;
  const facts = h(
    'div',
    { class: 'facts' },
    h('div', { class: 'fact' }, h('div', { class: 'fact-label' }, 'traced peak'), h('div', { class: 'fact-value' }, formatBytes(m.peakTracedBytes))),
    m.peakRssBytes !== null ? h('div', { class: 'fact' }, h('div', { class: 'fact-label' }, 'peak resident'), h('div', { class: 'fact-value' }, formatBytes(m.peakRssBytes))) : null,
    h('div', { class: 'fact' }, h('div', { class: 'fact-label' }, 'traced at start → end'), h('div', { class: 'fact-value' }, `${formatBytes(m.startBytes)} → ${formatBytes(m.endBytes)}`)),
  );
  const columns: Column<MemoryRow>[] = [
    { title: 'line', value: (r) => `${r.displayPath}:${r.line}`, cell: (r) => locationLink(r.displayPath, r.line, r.file, source) },
    { title: 'held at peak', value: (r) => r.bytesAtPeak, cell: (r) => formatBytes(r.bytesAtPeak), numeric: true, hint: 'bytes this line held when traced memory peaked' },
    { title: 'allocated', value: (r) => r.allocatedBytes, cell: (r) => formatBytes(r.allocatedBytes), numeric: true, hint: 'bytes allocated over the run' },
    { title: 'NumPy buffers', value: (r) => r.numpyBytes, cell: (r) => formatBytes(r.numpyBytes), numeric: true },
    { title: 'allocations', value: (r) => r.allocations, cell: (r) => formatInt(r.allocations), numeric: true },
  ];
  return h('div', null, facts, m.lines.length > 0 ? sortableTable(m.lines, columns, { sortBy: 1, descending: true, pageSize: 60 }) : h('p', { class: 'muted' }, 'No line allocated memory that tracing could see.'));
}

export function findingList(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const list = h('ul', { class: 'finding-list' });
  for (const f of p.findings) {
    const where = f.cell !== null ? `${f.displayPath} cell ${f.cell}` : f.displayPath;
    const li = h('li', null, locationLink(where, f.line, f.cell !== null ? -1 : f.file, source), ' ', h('span', { class: 'code-badge' }, f.code), ' ', h('span', { class: 'finding-message' }, f.message));
    if (f.fix) li.append(h('div', { class: 'fix' }, h('span', { class: 'muted' }, f.fix.description), h('pre', { class: 'rewrite' }, h('code', null, f.fix.replacement))));
    list.append(li);
  }
  return list;
}
