// The icicle graph of the samples (root on top) on a canvas. The tree arrives pre-aggregated in pre-order, so a
// draw walks only the boxes wide enough to see: a box narrower than MIN_PX skips its whole subtree (end[i]).
// Click a box to zoom into it (its ancestors stay as full-width bars to zoom back), type to highlight matching
// frames, Escape or the reset button to zoom out. Colours say what kind of code a frame is.
import { FRAME_KINDS, type FlameTree } from '../payload.js';
import { h } from './dom.js';
import { formatSamples, formatSeconds } from './format.js';

const ROW = 18;
const MIN_PX = 0.35;
const FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';

export const KIND_LABELS: Record<(typeof FRAME_KINDS)[number], string> = {
  python: 'Python code',
  numpyScalar: 'NumPy per-element path',
  nativeKernel: 'bulk native kernel',
  otherNative: 'other native code',
};
const KIND_HUES: Array<[number, number, number]> = [
  [32, 85, 62], // python: amber
  [356, 75, 58], // numpyScalar: red, the element-loop fingerprint
  [150, 45, 52], // nativeKernel: green
  [210, 25, 66], // otherNative: grey-blue
];

export interface FlameGraph {
  element: HTMLElement;
  /** Draw now (the caller times the first draw). */
  draw(): void;
}

function hash(s: string): number {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  return (x >>> 0) / 4294967296;
}

/** Opens a frame's line in the source view; null when that file is not shown there. */
export type SourceOpener = (displayPath: string, line: number) => (() => void) | null;

export function flameGraph(tree: FlameTree, openSource: SourceOpener = () => null): FlameGraph {
  const n = tree.frame.length;
  // x offset of every node in sample units, from the pre-order layout: a node starts where its previous sibling ended.
  const xs = new Float64Array(n);
  const nextAtDepth = new Float64Array(tree.maxDepth + 2);
  for (let i = 0; i < n; i++) {
    const d = tree.depth[i]!;
    xs[i] = nextAtDepth[d]!;
    nextAtDepth[d] = xs[i]! + tree.total[i]!;
    nextAtDepth[d + 1] = xs[i]!;
  }
  // Parent, subtree end and self count of every node, from pre-order depths: a node's parent is the nearest
  // earlier node one level up; its subtree ends where a node at its depth or above begins.
  const parent = new Int32Array(n).fill(-1);
  const end = new Int32Array(n).fill(n);
  const self = Float64Array.from(tree.total);
  {
    const open = new Int32Array(tree.maxDepth + 2);
    let top = -1;
    for (let i = 0; i < n; i++) {
      const d = tree.depth[i]!;
      while (top >= d) end[open[top--]!] = i;
      if (top >= 0) {
        parent[i] = open[top]!;
        self[open[top]!] -= tree.total[i]!;
      }
      open[++top] = i;
    }
  }
  const colours = tree.names.map((name, f) => {
    const [hue, sat, light] = KIND_HUES[tree.kinds[f]!] ?? KIND_HUES[3]!;
    const v = hash(name);
    return `hsl(${(hue + v * 16).toFixed(0)},${sat}%,${(light + v * 9).toFixed(0)}%)`;
  });
  const labels = tree.names.map((name, f) => (tree.kinds[f] === 0 && tree.files[f] ? `${name} (${baseName(tree.files[f]!)}:${tree.lines[f]})` : name));

  const rootLabel = tree.approximate
    ? `all (${formatSeconds(tree.totalSamples * (tree.intervalSeconds ?? 1))})`
    : `all (${formatSamples(tree.totalSamples)} samples)`;
  const search = h('input', { type: 'search', class: 'flame-search', placeholder: 'Highlight frames (name or file)…', 'aria-label': 'search frames', spellcheck: 'false' });
  const reset = h('button', { type: 'button', class: 'button', title: 'Zoom out to all samples (Esc)' }, 'Reset zoom');
  const status = h('span', { class: 'flame-status muted' });
  const sourceLink = h('a', { class: 'flame-source', href: '#source' }, 'show this line in the source');
  sourceLink.hidden = true;
  let openZoomed: (() => void) | null = null;
  sourceLink.addEventListener('click', (event) => {
    event.preventDefault();
    openZoomed?.();
  });
  const canvas = h('canvas', { class: 'flame-canvas', tabindex: '0', role: 'img', 'aria-label': 'icicle graph of the sampled call stacks' });
  const tooltip = h('div', { class: 'flame-tip', role: 'tooltip' });
  tooltip.hidden = true;
  const hover = h('div', { class: 'flame-hover' });
  hover.hidden = true;
  const scroller = h('div', { class: 'flame-scroll' }, canvas, hover, tooltip);
  const legend = h(
    'div',
    { class: 'legend' },
    ...FRAME_KINDS.map((k, i) => {
      const sw = h('span', { class: 'swatch' });
      const [hue, sat, light] = KIND_HUES[i]!;
      sw.style.background = `hsl(${hue},${sat}%,${light}%)`;
      return h('span', { class: 'legend-item' }, sw, KIND_LABELS[k]);
    }),
  );
  const element = h('div', { class: 'flame' }, h('div', { class: 'toolbar' }, search, reset, status, sourceLink), legend, scroller);

  let zoom = 0;
  let matches: Uint8Array | null = null;
  let width = 0;
  let lastWidth = 0;
  // What the last draw put where, per row, for hit testing: node indices and their pixel spans.
  let rowsDrawn: Array<{ node: number[]; x0: number[]; x1: number[] }> = [];

  function ancestorsOf(i: number): number[] {
    const out: number[] = [];
    for (let a = parent[i]!; a >= 0; a = parent[a]!) out.push(a);
    return out.reverse();
  }

  function subtreeDepth(z: number): number {
    let max = tree.depth[z]!;
    for (let i = z; i < end[z]!; i++) if (tree.depth[i]! > max) max = tree.depth[i]!;
    return max;
  }

  function draw(): void {
    lastWidth = scroller.clientWidth;
    width = Math.max(320, lastWidth);
    const dpr = window.devicePixelRatio || 1;
    const top = ancestorsOf(zoom);
    const rows = top.length + (subtreeDepth(zoom) - tree.depth[zoom]!) + 1;
    const height = rows * ROW + 2;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    const charWidth = ctx.measureText('MMMMMMMMMM').width / 10;
    rowsDrawn = Array.from({ length: rows }, () => ({ node: [], x0: [], x1: [] }));

    const box = (i: number, row: number, x0: number, w: number, faded: boolean): void => {
      const f = tree.frame[i]!;
      const matched = matches !== null && f >= 0 && matches[f] === 1;
      let fill = f < 0 ? '#c9ccd1' : colours[f]!;
      if (matches !== null) fill = matched ? '#d23cd2' : f < 0 ? '#d8dade' : '#e4e5e8';
      ctx.globalAlpha = faded ? 0.55 : 1;
      ctx.fillStyle = fill;
      ctx.fillRect(x0, row * ROW + 1, Math.max(w - 0.5, 0.5), ROW - 1);
      const fit = Math.floor((w - 6) / charWidth);
      if (fit >= 3) {
        const text = f < 0 ? rootLabel : labels[f]!;
        ctx.fillStyle = matched ? '#fff' : '#1b1e23';
        ctx.fillText(text.length <= fit ? text : `${text.slice(0, fit - 1)}…`, x0 + 3, row * ROW + ROW / 2 + 1);
      }
      ctx.globalAlpha = 1;
      const r = rowsDrawn[row]!;
      r.node.push(i);
      r.x0.push(x0);
      r.x1.push(x0 + w);
    };

    top.forEach((a, row) => box(a, row, 0, width, true));
    const base = xs[zoom]!;
    const scale = width / tree.total[zoom]!;
    const rowOffset = top.length - tree.depth[zoom]!;
    for (let i = zoom; i < end[zoom]!; ) {
      const w = tree.total[i]! * scale;
      if (w < MIN_PX) {
        i = end[i]!;
        continue;
      }
      box(i, tree.depth[i]! + rowOffset, (xs[i]! - base) * scale, w, false);
      i++;
    }
    updateStatus();
  }

  function updateStatus(): void {
    const parts: string[] = [];
    if (zoom !== 0) parts.push(`zoomed to ${tree.frame[zoom]! >= 0 ? tree.names[tree.frame[zoom]!] : 'all'}`);
    if (matches !== null) {
      // Matched samples: matched nodes with no matched ancestor, so recursion is not counted twice.
      let sum = 0;
      for (let i = 0; i < n; ) {
        const f = tree.frame[i]!;
        if (f >= 0 && matches[f] === 1) {
          sum += tree.total[i]!;
          i = end[i]!;
        } else i++;
      }
      parts.push(`matches ${((100 * sum) / tree.totalSamples).toFixed(1)} % of ${tree.approximate ? 'the run' : 'samples'}`);
    }
    status.textContent = parts.join(' · ');
    const f = tree.frame[zoom]!;
    openZoomed = zoom !== 0 && f >= 0 && tree.files[f] && tree.lines[f]! > 0 ? openSource(tree.files[f]!, tree.lines[f]!) : null;
    sourceLink.hidden = openZoomed === null;
  }

  function hit(event: MouseEvent): number {
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const row = Math.floor((event.clientY - rect.top) / ROW);
    const r = rowsDrawn[row];
    if (!r) return -1;
    for (let k = 0; k < r.node.length; k++) {
      if (x >= r.x0[k]! && x < r.x1[k]!) {
        // An outline over the box (a positioned element: no canvas redraw while the mouse moves).
        hover.hidden = false;
        hover.style.left = `${canvas.offsetLeft + r.x0[k]!}px`;
        hover.style.top = `${canvas.offsetTop + row * ROW + 1}px`;
        hover.style.width = `${Math.max(1, r.x1[k]! - r.x0[k]! - 0.5)}px`;
        hover.style.height = `${ROW - 1}px`;
        return r.node[k]!;
      }
    }
    hover.hidden = true;
    return -1;
  }

  function amount(raw: number): string {
    const w = Math.max(0, raw); // self counts are differences: keep float dust from showing as -0
    const pct = `${((100 * w) / tree.totalSamples).toFixed(w / tree.totalSamples >= 0.1 ? 0 : 1)} %`;
    if (tree.approximate) return `${formatSeconds(w * (tree.intervalSeconds ?? 1))} (${pct})`;
    const time = tree.intervalSeconds !== null ? ` ≈ ${formatSeconds(w * tree.intervalSeconds)}` : '';
    return `${formatSamples(w)} samples${time} (${pct})`;
  }

  canvas.addEventListener('mousemove', (event) => {
    const i = hit(event);
    if (i < 0) {
      tooltip.hidden = true;
      canvas.style.cursor = 'default';
      return;
    }
    canvas.style.cursor = 'pointer';
    const f = tree.frame[i]!;
    tooltip.replaceChildren(
      ...[
      h('div', { class: 'tip-name' }, f < 0 ? 'all samples' : tree.names[f]!),
      f >= 0 && tree.files[f] ? h('div', { class: 'tip-where' }, `${tree.files[f]}${tree.lines[f]! > 0 ? `:${tree.lines[f]}` : ''}`) : null,
      f >= 0 ? h('div', { class: 'tip-kind' }, KIND_LABELS[FRAME_KINDS[tree.kinds[f]!] ?? 'otherNative']) : null,
      h('div', null, `total: ${amount(tree.total[i]!)}`),
      h('div', null, `self: ${amount(self[i]!)}`),
      h('div', { class: 'muted' }, i === zoom && zoom !== 0 ? 'click to zoom out one level' : 'click to zoom'),
      ].filter((x): x is HTMLDivElement => x !== null),
    );
    tooltip.hidden = false;
    const box = scroller.getBoundingClientRect();
    const left = Math.min(event.clientX - box.left + 14, box.width - tooltip.offsetWidth - 4);
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${event.clientY - box.top + scroller.scrollTop + 16}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    tooltip.hidden = true;
    hover.hidden = true;
  });
  canvas.addEventListener('click', (event) => {
    const i = hit(event);
    if (i < 0) return;
    zoom = i === zoom && zoom !== 0 ? Math.max(0, parent[i]!) : i;
    tooltip.hidden = true;
    hover.hidden = true;
    draw();
  });
  reset.addEventListener('click', () => {
    zoom = 0;
    draw();
  });
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      if (document.activeElement === search && search.value !== '') {
        search.value = '';
        applySearch();
      } else zoom = 0;
      draw();
    }
  });
  function applySearch(): void {
    const q = search.value.trim().toLowerCase();
    if (q === '') matches = null;
    else {
      matches = new Uint8Array(tree.names.length);
      for (let f = 0; f < tree.names.length; f++) {
        if (labels[f]!.toLowerCase().includes(q) || tree.files[f]!.toLowerCase().includes(q)) matches[f] = 1;
      }
    }
  }
  search.addEventListener('input', () => {
    applySearch();
    draw();
  });
  new ResizeObserver(() => {
    if (scroller.clientWidth !== lastWidth) {
      lastWidth = scroller.clientWidth;
      draw();
    }
  }).observe(scroller);
  return { element, draw };
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
