// The source view: one file at a time, each line with its heat (share of the run), time, hits and the findings
// on it. Files render when first shown; advice, findings and tables call show(file, line) to jump here.
import type { FindingView, LineView, ReportPayload, SourceFileView } from '../payload.js';
import { clear, h } from './dom.js';
import { formatBytes, formatInt, formatShare, formatTime } from './format.js';
import { highlightLine, type HighlightState } from './highlight.js';

export interface SourceViewer {
  element: HTMLElement;
  show(file: number, line?: number): void;
}

const SPLIT_NAMES = ['Python', 'NumPy per element', 'bulk kernel', 'other native'];

export function sourceViewer(p: ReportPayload): SourceViewer {
  const order = p.files
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.text !== null || f.lines.length > 0)
    .sort((a, b) => b.f.share - a.f.share || findingCount(b.f) - findingCount(a.f) || a.f.displayPath.localeCompare(b.f.displayPath));
  const select = h('select', { class: 'file-select', 'aria-label': 'file' });
  for (const { f, i } of order) {
    const n = findingCount(f);
    const label = `${f.displayPath}${f.share > 0 ? ` — ${formatShare(f.share)} of the run` : ''}${n > 0 ? ` — ${n} finding${n === 1 ? '' : 's'}` : ''}`;
    select.append(h('option', { value: String(i) }, label));
  }
  const body = h('div', { class: 'source-body' });
  const element = h('div', { class: 'source' }, h('div', { class: 'toolbar' }, h('label', null, 'File ', select)), body);
  let current = -1;
  const rendered = new Map<number, HTMLElement>();

  function render(index: number): HTMLElement {
    let view = rendered.get(index);
    if (!view) {
      view = renderFile(p, p.files[index]!);
      rendered.set(index, view);
    }
    return view;
  }

  function show(index: number, line?: number): void {
    if (index < 0 || index >= p.files.length) return;
    if (index !== current) {
      current = index;
      select.value = String(index);
      clear(body);
      body.append(render(index));
    }
    if (line !== undefined) {
      const row = body.querySelector<HTMLElement>(`tr[data-line="${line}"]`);
      if (row) {
        row.scrollIntoView({ block: 'center' });
        row.classList.remove('flash');
        void row.offsetWidth; // restart the highlight animation
        row.classList.add('flash');
      }
    }
  }

  select.addEventListener('change', () => show(Number(select.value)));
  if (order.length > 0) show(order[0]!.i);
  else body.append(h('p', { class: 'muted' }, 'No source files to show.'));
  return { element, show };
}

function findingCount(f: SourceFileView): number {
  return f.lines.reduce((n, l) => n + l.findings.length, 0);
}

function renderFile(p: ReportPayload, file: SourceFileView): HTMLElement {
  const byLine = new Map<number, LineView>(file.lines.map((l) => [l.line, l]));
  const maxShare = Math.max(0, ...file.lines.map((l) => l.share ?? 0));
  const hasTime = file.lines.some((l) => l.time !== null || l.share !== null);
  const hasHits = file.lines.some((l) => l.hits !== null);
  const hasMemory = file.lines.some((l) => l.bytesAtPeak !== null);
  const head = h(
    'tr',
    null,
    h('th', { class: 'num' }, 'line'),
    hasTime ? h('th', { class: 'num' }, 'time') : null,
    hasTime ? h('th', { class: 'heat-col' }, 'share') : null,
    hasHits ? h('th', { class: 'num' }, 'hits') : null,
    hasMemory ? h('th', { class: 'num', title: 'bytes this line held at the traced memory peak' }, 'at peak') : null,
    h('th', null, 'code'),
  );
  const columns = 2 + (hasTime ? 2 : 0) + (hasHits ? 1 : 0) + (hasMemory ? 1 : 0);
  const tbody = h('tbody');
  const table = h('table', { class: 'code-table' }, h('thead', null, head), tbody);
  const note = file.text === null ? h('p', { class: 'note' }, `Source not shown: ${file.missing ?? 'not available'}. The measured lines are listed.`) : null;

  const lineNumbers = file.text !== null ? file.text.map((_, i) => i + 1) : file.lines.map((l) => l.line);
  const state: HighlightState = { openString: null };
  for (const n of lineNumbers) {
    const stat = byLine.get(n);
    const text = file.text?.[n - 1];
    const tr = h('tr', { 'data-line': String(n) });
    const share = stat?.share ?? null;
    if (share !== null && maxShare > 0 && share > 0) {
      tr.classList.add('hot');
      tr.style.setProperty('--heat', String(Math.max(0.06, share / maxShare)));
    }
    const numberCell = h('td', { class: 'num lineno' }, String(n));
    if (stat?.advice !== null && stat?.advice !== undefined) numberCell.prepend(h('span', { class: 'rank-badge', title: `advice #${stat.advice}` }, `#${stat.advice}`));
    tr.append(numberCell);
    if (hasTime) {
      tr.append(h('td', { class: 'num' }, stat?.time ? formatTime(stat.time) : ''));
      tr.append(h('td', { class: 'heat-col' }, share !== null && share > 0 ? heatBar(share, maxShare, stat!) : ''));
    }
    if (hasHits) tr.append(h('td', { class: 'num' }, formatInt(stat?.hits)));
    if (hasMemory) tr.append(h('td', { class: 'num' }, stat?.bytesAtPeak ? formatBytes(stat.bytesAtPeak) : ''));
    tr.append(h('td', { class: 'code-cell' }, text === undefined ? h('span', { class: 'muted' }, '(line not available)') : highlightLine(text, state)));
    tbody.append(tr);
    for (const fi of stat?.findings ?? []) tbody.append(findingRow(p.findings[fi]!, columns));
  }
  return h('div', null, note, h('div', { class: 'code-scroll' }, table));
}

function heatBar(share: number, maxShare: number, stat: LineView): HTMLElement {
  const bar = h('span', { class: 'heat-bar' });
  bar.style.width = `${Math.max(2, (share / maxShare) * 100)}%`;
  let title = `${formatShare(share)} of the run`;
  if (stat.samples !== null) title += ` · ${formatInt(stat.samples)} samples`;
  if (stat.split) title += `\n${stat.split.map((x, i) => `${SPLIT_NAMES[i]}: ${formatShare(x)}`).join(' · ')}`;
  return h('span', { class: 'heat', title }, bar, h('span', { class: 'heat-text' }, formatShare(share)));
}

function findingRow(f: FindingView, columns: number): HTMLElement {
  const td = h('td', { class: 'finding-cell' });
  td.colSpan = columns;
  td.append(h('span', { class: 'code-badge' }, f.code), ' ', h('span', { class: 'finding-message' }, f.message));
  if (f.fix) {
    td.append(
      h('div', { class: 'fix' }, h('span', { class: 'muted' }, `${f.fix.description} (${f.fix.safety} fix)`), h('pre', { class: 'rewrite' }, h('code', null, f.fix.replacement))),
    );
  }
  return h('tr', { class: 'finding-row', 'data-finding-line': String(f.line) }, td);
}
