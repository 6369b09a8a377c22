// The top of the page: what ran, for how long, how it ended, and the top advice in one line each.
import type { ReportPayload } from '../payload.js';
import { adviceOneLiner, locationLink } from './advice.js';
import { h } from './dom.js';
import { formatSamples, formatSeconds } from './format.js';
import type { SourceViewer } from './source.js';

const TOP_ITEMS = 5;

function fact(label: string, value: string, tone = ''): HTMLElement {
  return h('div', { class: `fact ${tone}` }, h('div', { class: 'fact-label' }, label), h('div', { class: 'fact-value' }, value));
}

function exitText(p: ReportPayload): { text: string; tone: string } | null {
  const s = p.summary;
  if (s.stoppedBy === 'timeout') return { text: 'stopped at the time limit', tone: 'warn' };
  if (s.stoppedBy === 'interrupt') return { text: 'interrupted', tone: 'warn' };
  if (s.signal) return { text: `killed by ${s.signal}`, tone: 'bad' };
  if (s.exitStatus === null) return s.command ? { text: 'not known', tone: '' } : null;
  return { text: s.exitStatus === 0 ? '0 (success)' : String(s.exitStatus), tone: s.exitStatus === 0 ? 'good' : 'bad' };
}

export function summarySection(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const s = p.summary;
  const facts = h('div', { class: 'facts' });
  if (s.durationSeconds !== null) facts.append(fact('duration', formatSeconds(s.durationSeconds)));
  const exit = exitText(p);
  if (exit) facts.append(fact('exit status', exit.text, exit.tone));
  if (s.mode !== null) facts.append(fact('profile', s.passes.length > 0 ? s.passes.map((x) => x.mode).join(' → ') : s.mode));
  if (s.tool !== null) facts.append(fact('profiler', s.tool));
  if (s.totalSamples !== null) facts.append(fact('samples', formatSamples(s.totalSamples)));
  if (s.parts.includes('check')) facts.append(fact('findings', `${s.findingsCount} in ${s.filesWithFindings} file${s.filesWithFindings === 1 ? '' : 's'}`, s.findingsCount > 0 ? 'warn' : 'good'));
  if (p.advice.length > 0) facts.append(fact('advice', String(p.advice.length)));
  if (s.python) facts.append(fact('interpreter', s.python));

  const out = h('section', { id: 'summary', class: 'panel summary' });
  if (s.command) out.append(h('pre', { class: 'command' }, h('code', null, `$ ${s.command.join(' ')}`)));
  for (const w of s.warnings ?? []) out.append(h('p', { class: 'summary-warning' }, `Note: ${w}`));
  out.append(facts);
  if (p.advice.length > 0) {
    const list = h('ol', { class: 'top-advice' });
    for (const a of p.advice.slice(0, TOP_ITEMS)) {
      list.append(h('li', null, locationLink(a.displayPath, a.line, a.file, source), ' ', h('span', null, adviceOneLiner(a))));
    }
    out.append(h('h3', null, 'Top advice'), list);
  } else if (s.findingsCount > 0) {
    const byCode = new Map<string, number>();
    for (const f of p.findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    const list = h('ul', { class: 'top-advice' });
    for (const [code, count] of [...byCode].sort((a, b) => b[1] - a[1])) list.append(h('li', null, h('span', { class: 'code-badge' }, code), ` ${count} finding${count === 1 ? '' : 's'}`));
    out.append(h('h3', null, 'Findings by rule'), list);
  }
  if (s.budgetLines.length > 0) out.append(h('h3', null, 'Budget'), h('ul', { class: 'top-advice' }, ...s.budgetLines.map((l) => h('li', null, l))));
  if (s.passes.length > 0) {
    const details = h('details', { class: 'passes' }, h('summary', null, 'How it was profiled'));
    for (const pass of s.passes) details.append(h('p', null, h('strong', null, `${pass.mode} (${formatSeconds(pass.wallSeconds)}): `), `${pass.reason} — ${pass.found}`));
    out.append(details);
  }
  return out;
}
