// The report page: read the embedded data (JSON.parse, never eval), build each section that has data, draw the
// flame graph first so the page is useful at once, and record when that happened (tests and the benchmark read it).
import { PAYLOAD_VERSION, type ReportPayload } from '../payload.js';
import { adviceList } from './advice.js';
import { budgetSection } from './budget.js';
import { h, section } from './dom.js';
import { flameGraph } from './flame.js';
import { formatSamples } from './format.js';
import { sourceViewer, type SourceViewer } from './source.js';
import { summarySection } from './summary.js';
import { findingList, functionTable, memorySection } from './tables.js';

interface ReportStatus {
  ready: boolean;
  /** Milliseconds from navigation start until the flame graph was on screen: the first paint after its draw. */
  flameFirstRenderMs: number | null;
  /** 'paint': a Paint Timing entry after the draw; 'frame': the start of the frame after the one that showed it. */
  flameFirstRenderBy: 'paint' | 'frame' | null;
  /** When the first draw finished, before anything was painted. */
  flameDrawnMs: number | null;
  error: string | null;
}

declare global {
  interface Window {
    vecprofReport: ReportStatus;
  }
}

const status: ReportStatus = { ready: false, flameFirstRenderMs: null, flameFirstRenderBy: null, flameDrawnMs: null, error: null };
window.vecprofReport = status;

function readPayload(): ReportPayload {
  const el = document.getElementById('vecprof-data');
  if (!el || !el.textContent) throw new Error('the report data is missing from this file');
  const payload = JSON.parse(el.textContent) as ReportPayload;
  if (payload.version !== PAYLOAD_VERSION) throw new Error(`report data version ${String(payload.version)} is not ${PAYLOAD_VERSION}`);
  return payload;
}

function main(): void {
  const app = document.getElementById('app')!;
  const p = readPayload();
  const hasSource = p.files.some((f) => f.text !== null || f.lines.length > 0);
  const source: SourceViewer | null = hasSource ? sourceViewer(p) : null;

  const nav = h('nav', { class: 'nav' });
  const sections: Array<[string, string, () => HTMLElement]> = [];
  if (p.advice.length > 0) sections.push(['advice', 'Advice', () => adviceList(p, source)]);
  if (source) sections.push(['source', 'Source', () => source.element]);
  if (p.flame) sections.push(['flame', 'Flame graph', () => flameElement(p, source)]);
  if (p.functions.length > 0) sections.push(['functions', 'Functions', () => functionTable(p, source)]);
  if (p.memory) sections.push(['memory', 'Memory', () => memorySection(p, source)]);
  if (p.findings.length > 0) sections.push(['findings', `Findings (${p.findings.length})`, () => findingList(p, source)]);
  if (p.budget) sections.push(['budget', 'Budget', () => budgetSection(p.budget!)]);
  for (const [id, title] of sections) nav.append(h('a', { href: `#${id}` }, title.replace(/ \(\d+\)$/, '')));

  const header = h(
    'header',
    { class: 'top' },
    h('div', { class: 'brand' }, h('span', { class: 'logo' }, 'vecprof'), h('h1', null, p.title)),
    h('div', { class: 'stamp muted' }, `${p.generator} · ${whenMade(p.createdAt)}`),
    nav,
  );
  app.append(header);
  const mainEl = h('main');
  app.append(mainEl);
  mainEl.append(summarySection(p, source));
  for (const [id, title, make] of sections) mainEl.append(section(id, title, make()));
  if (sections.length === 0) mainEl.append(h('p', { class: 'muted' }, 'Nothing was measured or found.'));
  app.append(h('footer', { class: 'muted' }, `Made by ${p.generator}. This file is self-contained: it loads nothing from the network.`));
}

function whenMade(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

let flame: ReturnType<typeof flameGraph> | null = null;

function flameElement(p: ReportPayload, source: SourceViewer | null): HTMLElement {
  const byPath = new Map(p.files.map((f, i) => [f.displayPath, i] as const));
  flame = flameGraph(p.flame!, (displayPath, line) => {
    const index = byPath.get(displayPath);
    if (!source || index === undefined || p.files[index]!.text === null) return null;
    return () => {
      document.getElementById('source')?.scrollIntoView({ block: 'start' });
      source.show(index, line);
    };
  });
  const tree = p.flame!;
  const note = tree.approximate
    ? 'Stacks rebuilt from caller edges of a deterministic profile: widths are time, and a function called from several places is split by time, not by path.'
    : `${formatSamples(tree.totalSamples)} samples${tree.intervalSeconds ? ` every ${(tree.intervalSeconds * 1000).toFixed(tree.intervalSeconds < 0.01 ? 1 : 0)} ms` : ''}. Click a frame to zoom in; type to highlight frames.`;
  return h('div', null, h('p', { class: 'muted' }, note), flame.element);
}

/** How long to wait for a paint entry once the next frame has begun (entries arrive with the compositor's feedback). */
const PAINT_ENTRY_WAIT_MS = 500;

/**
 * Records when the drawn flame graph reached the screen. The whole page is built in this one task, so the first
 * paint after the draw shows it: Paint Timing gives that paint's time; where it gives none (a browser without it, or
 * a page painted before), the start of the frame after the painted one (a second animation frame) stands in.
 */
function recordFirstRender(drawnAt: number): void {
  const done = (ms: number, by: 'paint' | 'frame'): void => {
    if (status.ready) return;
    status.flameFirstRenderMs = ms;
    status.flameFirstRenderBy = by;
    status.ready = true;
  };
  const paintAfterDraw = (): number | undefined => {
    const times = performance.getEntriesByType('paint').map((e) => e.startTime).filter((t) => t >= drawnAt);
    return times.length > 0 ? Math.min(...times) : undefined;
  };
  requestAnimationFrame(() =>
    requestAnimationFrame((frameStart) => {
      const painted = paintAfterDraw();
      if (painted !== undefined) return done(painted, 'paint');
      if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes.includes('paint')) return done(frameStart, 'frame');
      const observer = new PerformanceObserver(() => {
        const t = paintAfterDraw();
        if (t === undefined) return;
        observer.disconnect();
        done(t, 'paint');
      });
      observer.observe({ type: 'paint', buffered: true });
      setTimeout(() => {
        observer.disconnect();
        done(frameStart, 'frame');
      }, PAINT_ENTRY_WAIT_MS);
    }),
  );
}

try {
  main();
  if (flame) {
    (flame as { draw(): void }).draw();
    status.flameDrawnMs = performance.now();
    recordFirstRender(status.flameDrawnMs);
  } else status.ready = true;
  if (location.hash.length > 1) document.getElementById(location.hash.slice(1))?.scrollIntoView();
} catch (err) {
  status.error = err instanceof Error ? err.message : String(err);
  const app = document.getElementById('app');
  if (app) app.append(h('p', { class: 'fatal' }, `This report could not be shown: ${status.error}`));
  throw err;
}
