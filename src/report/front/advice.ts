// Ranked advice: what to change first, what it costs now, and what it is predicted to cost after the rewrite.
import type { AdviceView, ReportPayload } from '../payload.js';
import { unsampledText } from '../../advise/unsampled.js';
import { h } from './dom.js';
import { formatDuration, formatInt, formatRate, formatRatio, formatSeconds, formatShare } from './format.js';
import type { SourceViewer } from './source.js';

const KIND_TEXT: Record<AdviceView['kind'], string> = {
  vectorize: 'vectorize',
  'hot-loop': 'hot loop, no known pattern',
  'numpy-kernel': 'already NumPy',
  cold: 'cold',
};

export function adviceList(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const list = h('ol', { class: 'advice-list' });
  for (const a of p.advice) list.append(adviceItem(a, source));
  return list;
}

function metric(label: string, value: string, hint?: string): HTMLElement {
  return h('div', { class: 'metric', title: hint ?? '' }, h('div', { class: 'metric-value' }, value), h('div', { class: 'metric-label' }, label));
}

export function locationLink(displayPath: string, line: number, file: number, source: SourceViewer | null, endLine?: number): HTMLElement {
  const text = `${displayPath}:${line}${endLine !== undefined && endLine > line ? `–${endLine}` : ''}`;
  if (!source || file < 0) return h('span', { class: 'location' }, text);
  const link = h('a', { class: 'location', href: '#source' }, text);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    openLine(source, file, line);
  });
  return link;
}

function openLine(source: SourceViewer, file: number, line: number): void {
  source.show(file, line);
  document.getElementById('source')?.scrollIntoView({ block: 'start' });
  source.show(file, line);
}

function adviceItem(a: AdviceView, source: SourceViewer | null): HTMLElement {
  const head = h(
    'div',
    { class: 'advice-head' },
    h('span', { class: 'rank' }, `#${a.rank}`),
    h('span', { class: `kind kind-${a.kind}` }, KIND_TEXT[a.kind]),
    a.code ? h('span', { class: 'code-badge' }, a.code) : null,
    locationLink(a.displayPath, a.line, a.file, source, a.endLine),
  );
  const metrics = h('div', { class: 'metrics' });
  if (a.timeSeconds > 0) metrics.append(metric('time', formatSeconds(a.timeSeconds)), metric('of the run', formatShare(a.share)));
  else metrics.append(metric('time', unsampledText(a.hits), 'no sample fell on it'));
  if (a.hits !== null) metrics.append(metric('hits', formatInt(a.hits), a.entries !== null && a.entries > 1 ? `loop entered ${formatInt(a.entries)} times` : 'loop trip count'));
  if (a.perIterationNs !== null) metrics.append(metric('per iteration', formatDuration(a.perIterationNs)));
  if (a.prediction) {
    const pr = a.prediction;
    metrics.append(
      metric('predicted', `≈${formatSeconds(pr.measuredSeconds)} → ≈${formatSeconds(pr.predictedSeconds)}`, pr.basis),
      metric('speedup', `≈${formatRatio(pr.speedup)}`, pr.basis),
      metric('saves', `${formatShare(pr.savesShare)} of the run`),
    );
  }
  if (a.bandwidth) {
    const b = a.bandwidth;
    const counted = b.counted ? `${b.counted}, ` : '';
    metrics.append(metric('bandwidth', formatRate(b.bytesPerSecond), `at least: ${counted}the arrays the line names, once per run`));
    if (b.percentOfPeak !== null) {
      const value = b.percentOfPeak >= 100 ? 'at the measured peak' : `${b.percentOfPeak.toFixed(0)} %`;
      // advice saved before the peak was recorded (vecprof.advice/1) knows only the share
      const against = b.comparedWith === null || b.peakBytesPerSecond === null ? 'peak' : `${b.comparedWith === 'memory' ? 'memory bandwidth' : 'the in-cache peak'} ${formatRate(b.peakBytesPerSecond)}`;
      metrics.append(metric(`of ${against}`, value, b.bound ? 'bandwidth-bound: vectorizing further will not help' : ''));
    }
  }
  const li = h('li', { class: `advice advice-${a.kind}`, 'data-rank': String(a.rank) }, head);
  if (a.message) li.append(h('p', { class: 'finding-message' }, a.message));
  li.append(h('p', { class: 'advice-summary' }, a.summary));
  li.append(metrics);
  if (a.prediction) li.append(h('p', { class: 'basis muted' }, `How predicted: ${a.prediction.basis}`));
  if (a.fix) {
    li.append(
      h('div', { class: 'fix' }, h('div', { class: 'muted' }, `Rewrite: ${a.fix.description} (${a.fix.safety} fix)`), h('pre', { class: 'rewrite' }, h('code', null, a.fix.replacement))),
    );
  }
  if (a.arrays.length > 0) li.append(h('p', { class: 'arrays muted' }, `Arrays seen: ${a.arrays.join(', ')}`));
  if (source && a.file >= 0) {
    // The whole card leads to the line, except where a reader selects text or copies the rewrite.
    li.classList.add('clickable');
    li.addEventListener('click', (event) => {
      const target = event.target as Element;
      if (target.closest('a, pre') || (window.getSelection()?.toString() ?? '') !== '') return;
      openLine(source, a.file, a.line);
    });
  }
  return li;
}

/** One line per item, for the summary. */
export function adviceOneLiner(a: AdviceView): string {
  // The message up to its quoted code, which the advice card below shows in full.
  const message = (a.message ?? '').split(' (`')[0]!;
  const what = a.code ? `${a.code} ${message}`.trim() : KIND_TEXT[a.kind];
  const saving = a.prediction
    ? ` — ≈${formatSeconds(a.prediction.measuredSeconds)} → ≈${formatSeconds(a.prediction.predictedSeconds)} (≈${formatRatio(a.prediction.speedup)}), saves ${formatShare(a.prediction.savesShare)} of the run`
    : a.timeSeconds > 0
      ? ` — ${formatSeconds(a.timeSeconds)}, ${formatShare(a.share)} of the run`
      : ` — ${unsampledText(a.hits)}`;
  return `${what}${saving}`;
}
