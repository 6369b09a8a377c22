// A self-contained SVG flame graph: root at the bottom, each frame a box as wide as its share of the samples,
// coloured by what kind of code it is, so NumPy's per-element path (red) stands out from bulk kernels (green).
// Static on purpose: no script, opens anywhere (browser, image viewer, report); the tooltips carry the details.
import type { Frame, Profile } from '../profile/model.js';
import { frameKind, type SplitKind } from '../profile/split.js';
import { stacksForViews } from './speedscope-export.js';
import { formatSeconds } from './units.js';

const WIDTH = 1200;
const PAD = 10;
const ROW = 17;
const TOP = 46;
const LEGEND = 30;
const FONT_SIZE = 11;
/** Width of one character of the 11 px monospace font, for clipping labels to their box. */
const CHAR_PX = 6.7;
const MIN_BOX_PX = 0.4;

interface Node {
  frame: number;
  weight: number;
  self: number;
  children: Map<number, Node>;
}

const KIND_TEXT: Record<SplitKind, string> = {
  python: 'Python code',
  numpyScalar: 'NumPy per-element path',
  nativeKernel: 'bulk native kernel',
  otherNative: 'other native code',
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Stable small variation per name, so neighbouring boxes of one kind can be told apart. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

function colour(kind: SplitKind | 'root', name: string): string {
  const v = hash(name);
  switch (kind) {
    case 'python':
      return `hsl(${(32 + v * 18).toFixed(0)},85%,${(60 + v * 8).toFixed(0)}%)`;
    case 'numpyScalar':
      return `hsl(${(356 + v * 10).toFixed(0)},78%,${(55 + v * 7).toFixed(0)}%)`;
    case 'nativeKernel':
      return `hsl(${(145 + v * 20).toFixed(0)},45%,${(50 + v * 10).toFixed(0)}%)`;
    case 'otherNative':
      return `hsl(${(205 + v * 20).toFixed(0)},22%,${(62 + v * 10).toFixed(0)}%)`;
    default:
      return 'hsl(0,0%,82%)';
  }
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

function label(f: Frame, kind: SplitKind): string {
  return kind === 'python' && f.file ? `${f.name} (${baseName(f.file)}:${f.line})` : f.name;
}

function clip(text: string, px: number): string {
  const fit = Math.floor((px - 6) / CHAR_PX);
  if (fit < 3) return '';
  return text.length <= fit ? text : `${text.slice(0, fit - 1)}…`;
}

export function renderFlamegraphSvg(p: Profile): string {
  const stacks = stacksForViews(p);
  const title = p.meta.command.length > 0 ? p.meta.command.join(' ') : `${p.meta.mode} profile`;
  const root: Node = { frame: -1, weight: 0, self: 0, children: new Map() };
  let maxDepth = 0;
  for (const s of stacks?.stacks ?? []) {
    if (!(s.weight > 0)) continue;
    root.weight += s.weight;
    let node = root;
    for (const f of s.frames) {
      let child = node.children.get(f);
      if (child === undefined) node.children.set(f, (child = { frame: f, weight: 0, self: 0, children: new Map() }));
      child.weight += s.weight;
      node = child;
    }
    node.self += s.weight;
    maxDepth = Math.max(maxDepth, s.frames.length);
  }
  const frames = stacks?.frames ?? [];
  const interval = stacks?.intervalSeconds;
  const approximate = stacks !== undefined && stacks !== p.samples;
  const total = root.weight;
  const height = TOP + (maxDepth + 1) * ROW + LEGEND + PAD;
  const scale = total > 0 ? (WIDTH - 2 * PAD) / total : 0;
  const boxes: string[] = [];

  const amount = (w: number): string => {
    const share = `${((w / total) * 100).toFixed(w / total >= 0.1 ? 0 : 1)}%`;
    const time = interval === undefined ? undefined : formatSeconds(w * interval);
    if (approximate) return `${time}, ${share}`;
    const count = `${Number.isInteger(w) ? w : w.toFixed(1)} samples`;
    return `${count}${time === undefined ? '' : ` (${time})`}, ${share}`;
  };

  const draw = (node: Node, depth: number, x: number): void => {
    const w = node.weight * scale;
    if (w < MIN_BOX_PX) return;
    const y = TOP + (maxDepth - depth) * ROW;
    let kind: SplitKind | 'root' = 'root';
    let text = 'all';
    let tip = `all: ${amount(node.weight)}`;
    if (node.frame >= 0) {
      const f = frames[node.frame]!;
      kind = frameKind(f);
      text = label(f, kind);
      const where = f.file ? ` — ${f.file}${f.line > 0 ? `:${f.line}` : ''}` : '';
      tip = `${f.name}${where}\n${amount(node.weight)} (self ${amount(node.self)})\n${KIND_TEXT[kind]}`;
    }
    const shown = clip(text, w);
    boxes.push(
      `<g><title>${escapeXml(tip)}</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW - 1}" rx="2" fill="${colour(kind, text)}"/>` +
        (shown ? `<text x="${(x + 3).toFixed(2)}" y="${y + ROW - 5}">${escapeXml(shown)}</text>` : '') +
        `</g>`,
    );
    let cx = x;
    const children = [...node.children.values()].sort((a, b) => {
      const fa = frames[a.frame]!;
      const fb = frames[b.frame]!;
      return fa.name.localeCompare(fb.name) || fa.file.localeCompare(fb.file) || fa.line - fb.line;
    });
    for (const child of children) {
      draw(child, depth + 1, cx);
      cx += child.weight * scale;
    }
  };
  if (total > 0) draw(root, 0, PAD);

  const sub =
    total > 0
      ? `${amount(total).replace(/, 100%$/, '')} · width ∝ ${approximate ? 'time (approximated from function totals, no sampled stacks)' : 'samples'} · hover a box for details`
      : 'no samples to draw';
  const legendY = height - LEGEND + 8;
  const legend = (Object.keys(KIND_TEXT) as SplitKind[])
    .map((k, i) => {
      const lx = PAD + i * 230;
      return (
        `<rect x="${lx}" y="${legendY}" width="14" height="12" rx="2" fill="${colour(k, '')}"/>` +
        `<text x="${lx + 20}" y="${legendY + 10}">${escapeXml(KIND_TEXT[k])}</text>`
      );
    })
    .join('');

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(`vecprof flame graph: ${title}`)}</title>`,
    `<rect width="100%" height="100%" fill="#fdfdfb"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(`Flame graph: ${title}`)}</text>`,
    `<text x="${WIDTH / 2}" y="36" text-anchor="middle" fill="#555">${escapeXml(sub)}</text>`,
    ...boxes,
    legend,
    `</svg>`,
    '',
  ].join('\n');
}
