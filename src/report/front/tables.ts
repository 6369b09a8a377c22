// The function table, the memory table and the list of findings, each linking back to the source view.
import type { ReportPayload } from '../payload.js';
import { locationLink } from './advice.js';
import { h } from './dom.js';
import { formatBytes, formatInt, formatSamples, formatTime } from './format.js';
import type { SourceViewer } from './source.js';
import { sortableTable, type Column } from './table.js';

type FunctionRow = ReportPayload['functions'][number];

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

type MemoryLine = NonNullable<NonNullable<ReportPayload['memory']>['traced']>['lines'][number];

function fact(label: string, value: string | Node): HTMLElement {
  return h('div', { class: 'fact' }, h('div', { class: 'fact-label' }, label), h('div', { class: 'fact-value' }, value));
}

/** Peak resident memory for every profile that ran the program; the per-line table only from a memory pass. */
export function memorySection(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const m = p.memory!;
  const t = m.traced;
  const facts = h('div', { class: 'facts' });
  if (m.peakRssBytes !== null) facts.append(fact('peak resident (RSS)', formatBytes(m.peakRssBytes)));
  if (m.rssStartBytes !== null && m.rssEndBytes !== null) facts.append(fact('resident at start → end', `${formatBytes(m.rssStartBytes)} → ${formatBytes(m.rssEndBytes)}`));
  if (m.peakChildrenRssBytes !== null) facts.append(fact('largest child process', formatBytes(m.peakChildrenRssBytes)));
  if (m.peakRssLine) facts.append(fact('running at the peak', locationLink(m.peakRssLine.displayPath, m.peakRssLine.line, m.peakRssLine.file, source)));
  if (t) {
    facts.append(fact(t.mechanism === 'numpy-handler' ? 'traced peak (NumPy buffers)' : 'traced peak', formatBytes(t.peakBytes)));
    facts.append(fact('traced at start → end', `${formatBytes(t.startBytes)} → ${formatBytes(t.endBytes)}`));
  }
  const out = h('div', null, facts);
  if (!t) {
    out.append(
      h(
        'p',
        { class: 'muted' },
        'This profile measured the resident memory of the whole process, not memory per line. For the lines that hold and allocate the most (NumPy buffers counted apart) run ',
        h('code', null, 'vecprof profile --mode memory'),
        ' (auto mode adds that pass by itself when the run is large for the machine).',
      ),
    );
    return out;
  }
  const columns: Column<MemoryLine>[] = [
    { title: 'line', value: (r) => `${r.displayPath}:${r.line}`, cell: (r) => locationLink(r.displayPath, r.line, r.file, source) },
    { title: 'held at peak', value: (r) => r.bytesAtPeak, cell: (r) => formatBytes(r.bytesAtPeak), numeric: true, hint: 'bytes this line held when traced memory peaked' },
    { title: 'allocated', value: (r) => r.allocatedBytes, cell: (r) => formatBytes(r.allocatedBytes), numeric: true, hint: 'bytes allocated over the run' },
    { title: 'NumPy buffers', value: (r) => r.numpyBytes, cell: (r) => formatBytes(r.numpyBytes), numeric: true },
    { title: 'allocations', value: (r) => r.allocations, cell: (r) => formatInt(r.allocations), numeric: true },
  ];
  out.append(t.lines.length > 0 ? sortableTable(t.lines, columns, { sortBy: 1, descending: true, pageSize: 60 }) : h('p', { class: 'muted' }, 'No line allocated memory that tracing could see.'));
  return out;
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
