// Fixed-width frames: `x[k * w:(k + 1) * w]`, `x[k * hop:k * hop + w]`, `s = k * w; x[s:s + w]`. When the width is
// known and small (a literal, a constant, a parameter's default), one reduction per frame costs about a microsecond
// of interpreter time for at most a few thousand elements of work, and the frames are the rows of one reshaped (or
// strided) view: `x[:n * w].reshape(n, w).sum(axis=1)`. Frames of unknown or large width (an FFT frame of 2048 with
// heavy work each) and segments between data-dependent bounds (`x[ix[k]:ix[k + 1]]`) are left alone.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, intLiteral, some, statementsIn, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { bindingAt } from '../../lookup.js';
import { productOperands } from './judging.js';

/** Widths above this are whole-array work per frame: the loop's overhead is a small part of the run. */
export const MAX_FRAME = 4096;

export interface Frame {
  index: string;
  width: number;
  hop: number;
  widthText: string;
  hopText: string;
  /** The bounds are written in the subscript itself (no locals): the rewrite can replace it in place. */
  inline: boolean;
}

/** A literal int, a name bound to one (a module constant, a local), or a parameter whose default is one. */
export function knownInt(facts: ArrayFacts, node: Node): number | null {
  const lit = intLiteral(node);
  if (lit !== null) return lit;
  const n = unparen(node);
  if (n.type !== 'identifier') return null;
  const v = facts.valueOf(n);
  if (v.kind === 'int' && v.int !== undefined) return v.int;
  const b = bindingAt(facts, n.text, n.startIndex);
  const def = b?.param ? field(b.param, 'value') : null;
  return def ? intLiteral(def) : null;
}

/** The start, stop and step of a slice (null when left out). */
export function sliceParts(slice: Node): [Node | null, Node | null, Node | null] {
  const out: [Node | null, Node | null, Node | null] = [null, null, null];
  let at = 0;
  for (const c of slice.children) {
    if (!c || c.type === 'comment') continue;
    if (c.type === ':') at++;
    else if (c.isNamed && at <= 2) out[at] = c;
  }
  return out;
}

const flat = (n: Node): string => n.text.replace(/\s+/g, '');

/** `k * h` or `h * k`: the factor h (which must not involve k). */
function timesIndex(e: Node, k: string): Node | null {
  const u = unparen(e);
  if (u.type !== 'binary_operator' || field(u, 'operator')?.type !== '*') return null;
  const l = unparen(field(u, 'left') as Node);
  const r = unparen(field(u, 'right') as Node);
  if (l.type === 'identifier' && l.text === k && !identifiersIn(r).has(k)) return r;
  if (r.type === 'identifier' && r.text === k && !identifiersIn(l).has(k)) return l;
  return null;
}

/** `(k + 1) * h` or `h * (k + 1)`: the factor h. */
function timesNext(e: Node, k: string): Node | null {
  const u = unparen(e);
  if (u.type !== 'binary_operator' || field(u, 'operator')?.type !== '*') return null;
  const isNext = (x: Node): boolean => {
    const t = flat(x).replace(/^\((.*)\)$/, '$1');
    return t === `${k}+1` || t === `1+${k}`;
  };
  const l = field(u, 'left') as Node;
  const r = field(u, 'right') as Node;
  if (isNext(l) && !identifiersIn(r).has(k)) return r;
  if (isNext(r) && !identifiersIn(l).has(k)) return l;
  return null;
}

/** The assignments of the loop body, name → value (the last one wins: bounds are set once per iteration). */
export function bodyLocals(body: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const st of statementsIn(body)) {
    const left = st.type === 'assignment' ? field(st, 'left') : null;
    const right = left?.type === 'identifier' ? field(st, 'right') : null;
    if (left && right) out.set(left.text, right);
  }
  return out;
}

/** A frame of known width `w` taken at `k * hop` for one of the loop's counters, else null. */
export function frameOf(facts: ArrayFacts, slice: Node, indexVars: Set<string>, locals: Map<string, Node>): Frame | null {
  const [lo, hi, step] = sliceParts(slice);
  if (!lo || !hi || step) return null;
  let inline = true;
  const resolve = (e: Node): Node => {
    const u = unparen(e);
    const v = u.type === 'identifier' ? locals.get(u.text) : undefined;
    if (v) inline = false;
    return v ?? u;
  };
  const start = resolve(lo);
  for (const k of indexVars) {
    const hop = timesIndex(start, k);
    if (!hop) continue;
    const hopValue = knownInt(facts, hop);
    if (hopValue === null || hopValue < 1) return null;
    const stop = resolve(hi);
    let width: Node | null = null;
    const next = timesNext(stop, k);
    if (next && flat(next) === flat(hop)) width = hop;
    else if (stop.type === 'binary_operator' && field(stop, 'operator')?.type === '+') {
      // `start + w` / `w + start`, start written again or named by the local that holds it
      const l = field(stop, 'left') as Node;
      const r = field(stop, 'right') as Node;
      const isStart = (x: Node): boolean => flat(x) === flat(lo) || flat(resolve(x)) === flat(start);
      width = isStart(l) ? r : isStart(r) ? l : null;
    }
    const widthValue = width ? knownInt(facts, width) : null;
    if (!width || widthValue === null || widthValue < 1 || widthValue > MAX_FRAME) return null;
    return { index: k, width: widthValue, hop: hopValue, widthText: width.text, hopText: hop.text, inline };
  }
  return null;
}

/** The stack of every frame, one per row: `x[:n * w].reshape(n, w)`, or a strided view when frames overlap. */
export function framesView(array: string, frame: Frame, count: string, np: string, trailingAxes = false): string {
  const n = /^[\w.]+(?:\([\w.]*\))?$/.test(count) ? count : `(${count})`;
  const rest = trailingAxes ? `, *${/^[\w.]+$/.test(array) ? array : `(${array})`}.shape[1:]` : '';
  if (frame.hop === frame.width) return `${array}[:${n} * ${frame.widthText}].reshape(${n}, ${frame.widthText}${rest})`;
  // (for N-D input the window axis comes last: moved back to axis 1)
  const windows = `${np}.lib.stride_tricks.sliding_window_view(${array}, ${frame.widthText}, axis=0)`;
  const picked = frame.hop === 1 ? `${windows}[:${n}]` : `${windows}[::${frame.hopText}][:${n}]`;
  return trailingAxes ? `${np}.moveaxis(${picked}, -1, 1)` : picked;
}

/** The frame `node` reads, if it is a subscript `x[<frame>]` (or a local holding one). */
function readsFrame(facts: ArrayFacts, node: Node, indexVars: Set<string>, locals: Map<string, Node>): boolean {
  return some(node, (n) => {
    if (n.type === 'identifier') {
      const v = locals.get(n.text);
      return !!v && v.id !== node.id && readsFrame(facts, v, indexVars, new Map());
    }
    const first = n.type === 'subscript' ? n.childrenForFieldName('subscript')[0] : null;
    return first?.type === 'slice' && frameOf(facts, first, indexVars, locals) !== null;
  });
}

/**
 * `out[b * 256:(b + 1) * 256] = X[b * 256:(b + 1) * 256] @ W`: a product chunked into frames. Chunking a product
 * bounds the memory of its temporaries on purpose, and each chunk is already one BLAS call, so it is not element work.
 */
export function frameProduct(facts: ArrayFacts, body: Node, indexVars: Set<string>): boolean {
  const locals = bodyLocals(body);
  let hit = false;
  walk(body, (n) => {
    if (hit) return false;
    if (productOperands(facts, n)?.some((o) => readsFrame(facts, o, indexVars, locals))) hit = true;
    return !hit;
  });
  return hit;
}
