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

/** Lines kept around each measured line when a file is folded. */
const CONTEXT = 3;
const FOLD_ABOVE_LINES = 400;
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
  const compactBox = h('input', { type: 'checkbox', class: 'compact-toggle' });
  const compactLabel = h('label', { class: 'muted', title: `hide the lines more than ${CONTEXT} away from a measured line or a finding` }, compactBox, ' measured lines only');
  const toolbar = h('div', { class: 'toolbar' }, h('label', null, 'File ', select), compactLabel);
  if (p.files.some((f) => f.lines.some((l) => l.split !== null))) {
    const legend = h('span', { class: 'legend split-legend', title: 'where each line’s samples went' });
    SPLIT_NAMES.forEach((name, i) => legend.append(h('span', { class: 'legend-item' }, h('span', { class: `swatch split-${i}` }), name)));
    toolbar.append(legend);
  }
  const element = h('div', { class: 'source' }, toolbar, body);
  let current = -1;
  // Long files open folded to their measured lines; the reader's choice then sticks for every file.
  let compactChosen: boolean | null = null;
  const rendered = new Map<string, HTMLElement>();

  function render(index: number): HTMLElement {
    const file = p.files[index]!;
    const foldable = file.text !== null && file.lines.length > 0;
    const compact = foldable && (compactChosen ?? file.text!.length > FOLD_ABOVE_LINES);
    compactBox.checked = compact;
    compactBox.disabled = !foldable;
    const key = `${index}:${compact}`;
    let view = rendered.get(key);
    if (!view) {
      view = renderFile(p, file, compact);
      rendered.set(key, view);
    }
    return view;
  }

  compactBox.addEventListener('change', () => {
    compactChosen = compactBox.checked;
    const index = current;
    current = -1;
    show(index);
  });

  function show(index: number, line?: number): void {
    if (index < 0 || index >= p.files.length) return;
    if (index !== current) {
      current = index;
      select.value = String(index);
      clear(body);
      body.append(render(index));
    }
    if (line !== undefined && compactBox.checked && !body.querySelector(`tr[data-line="${line}"]`)) {
      compactChosen = false;
      current = -1;
      show(index, line);
      return;
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

function renderFile(p: ReportPayload, file: SourceFileView, compact: boolean): HTMLElement {
  const byLine = new Map<number, LineView>(file.lines.map((l) => [l.line, l]));
  const maxShare = Math.max(0, ...file.lines.map((l) => l.share ?? 0));
  // A memory-only profile has no time: the heat is then the bytes each line held at the peak.
  const maxBytes = maxShare > 0 ? 0 : Math.max(0, ...file.lines.map((l) => l.bytesAtPeak ?? 0));
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
  const keep = compact ? keptLines(file) : null;
  const state: HighlightState = { openString: null };
  let skipped = 0;
  for (const n of lineNumbers) {
    if (keep && !keep.has(n)) {
      // Still highlighted, so a triple-quoted string that opens in a folded line colours the lines after it.
      if (file.text) highlightLine(file.text[n - 1]!, state);
      skipped++;
      continue;
    }
    if (skipped > 0) {
      tbody.append(foldRow(skipped, columns));
      skipped = 0;
    }
    const stat = byLine.get(n);
    const text = file.text?.[n - 1];
    const tr = h('tr', { 'data-line': String(n) });
    const share = stat?.share ?? null;
    const heat = share !== null && maxShare > 0 && share > 0 ? share / maxShare : maxBytes > 0 && stat?.bytesAtPeak ? stat.bytesAtPeak / maxBytes : 0;
    if (heat > 0) {
      tr.classList.add('hot');
      tr.style.setProperty('--heat', String(Math.max(0.06, heat)));
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
  if (skipped > 0) tbody.append(foldRow(skipped, columns));
  return h('div', null, note, h('div', { class: 'code-scroll' }, table));
}

function keptLines(file: SourceFileView): Set<number> {
  const keep = new Set<number>();
  for (const l of file.lines) {
    if (!(l.share || l.hits || l.bytesAtPeak || l.findings.length > 0 || l.advice !== null)) continue;
    for (let k = l.line - CONTEXT; k <= l.line + CONTEXT; k++) keep.add(k);
  }
  return keep;
}

function foldRow(count: number, columns: number): HTMLElement {
  const td = h('td', { class: 'fold-cell' }, `⋯ ${count} line${count === 1 ? '' : 's'} not measured`);
  td.colSpan = columns;
  return h('tr', { class: 'fold-row' }, td);
}

function heatBar(share: number, maxShare: number, stat: LineView): HTMLElement {
  const bar = h('span', { class: 'heat-bar' });
  bar.style.width = `${Math.max(2, (share / maxShare) * 100)}%`;
  let title = `${formatShare(share)} of the run`;
  if (stat.samples !== null) title += ` · ${formatInt(stat.samples)} samples`;
  if (stat.split) {
    title += `\n${stat.split.map((x, i) => `${SPLIT_NAMES[i]}: ${formatShare(x)}`).join(' · ')}`;
    // Where the line's samples went, in the flame graph's colours: red is NumPy's per-element path.
    bar.classList.add('split');
    stat.split.forEach((x, i) => {
      if (x <= 0) return;
      const part = h('span', { class: `split-${i}` });
      part.style.width = `${x * 100}%`;
      bar.append(part);
    });
  }
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
