// One verdict per loop, the most specific rule winning: VEC002 (pairs) > VEC003 (matmul per item) >
// VEC004 (branch per element) > VEC001 (element loop). Computed once per file and shared by the four rules.
import type { Node } from 'web-tree-sitter';
import { field, indicesOf, named, positionalArgs, some, statements, statementsIn, stmtExpr, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { judgeComprehension } from './comprehension.js';
import { exceptionOf } from './exceptions.js';
import { rewriteBody, type BodyFix } from './fix.js';
import { branchIn, describe, fallback, matmulIn, readsElements, substitution, type LoopCode, type LoopVerdict } from './judging.js';
import { classifyLoop, type LoopShape } from './loop.js';
import { judgeNest } from './nest.js';
import { bodyLocals, frameOf, frameProduct, framesView } from './frames.js';
import { judgeIntervals } from './intervals.js';
import { maskedSelection, raggedProduct } from './ragged.js';
import { isFullSlice, npAlias, usesLoopVars, type Substitution } from './translate.js';

export type { LoopCode, LoopVerdict } from './judging.js';
export { substitution } from './judging.js';

const memo = new WeakMap<ArrayFacts, LoopVerdict[]>();

export function loopVerdicts(facts: ArrayFacts): LoopVerdict[] {
  const hit = memo.get(facts);
  if (hit) return hit;
  const out: LoopVerdict[] = [];
  if (facts.mayHaveArrays) {
    let coveredUntil = -1;
    const jit = /\bjit\b|njit|numba|guvectorize|stencil|torch\.jit|tf\.function/.test(facts.source);
    for (const loop of facts.loops) {
      if (loop.startIndex < coveredUntil || (jit && compiledByJit(loop))) continue;
      const v = judge(facts, loop);
      if (v) {
        out.push(v);
        coveredUntil = loop.endIndex;
      }
    }
    for (const comp of facts.comprehensions) {
      if (out.some((v) => v.node.startIndex <= comp.startIndex && comp.endIndex <= v.node.endIndex) || (jit && compiledByJit(comp))) continue;
      const v = judgeComprehension(facts, comp);
      if (v) out.push(v);
    }
    out.sort((a, b) => a.anchor.startIndex - b.anchor.startIndex);
  }
  memo.set(facts, out);
  return out;
}

const GROWTH = /^(?:append|concatenate|vstack|hstack|r_|row_stack|column_stack|dstack)$/;

/** `acc = np.append(acc, …)` (VEC005's business) directly in this loop body. */
export function isGrowth(facts: ArrayFacts, stmt: Node): Node | null {
  const e = stmtExpr(stmt);
  if (e.type !== 'assignment') return null;
  const left = field(e, 'left');
  const right = field(e, 'right');
  if (!left || !right) return null;
  let r = unparen(right);
  // `acc = x if acc is None else np.concatenate([acc, x])`: the growth is one branch (the other starts it off)
  if (r.type === 'conditional_expression') {
    const [a, , b] = named(r);
    const grows = [a, b].find((x) => !!x && growthCall(facts, unparen(x), left.text));
    if (!grows) return null;
    r = unparen(grows);
  }
  return growthCall(facts, r, left.text);
}

/** `np.append(acc, x)`, `np.concatenate([acc, x])`, `np.r_[acc, x]`, … where `target` is among the pieces. */
function growthCall(facts: ArrayFacts, r: Node, target: string): Node | null {
  const head = r.type === 'call' ? field(r, 'function') : r.type === 'subscript' ? field(r, 'value') : null;
  const path = head ? facts.numpyPath(head) : null;
  if (!path || !GROWTH.test(path) || (r.type === 'subscript') !== (path === 'r_')) return null;
  const first = r.type === 'call' ? positionalArgs(r)[0] : r.childrenForFieldName('subscript')[0];
  if (!first) return null;
  const f = unparen(first);
  const parts = f.type === 'list' || f.type === 'tuple' ? f.namedChildren.filter((c): c is Node => c !== null) : [f];
  const grows = path === 'append' || path === 'r_' ? f.text === target || parts.some((p) => p.text === target) : parts.some((p) => p.text === target);
  return grows ? r : null;
}

const JIT = /^@\s*(?:[\w.]*\.)?(?:n?jit|vectorize|guvectorize|stencil|cfunc|script|function)\b/;

/** Loops inside a Numba/JAX/TorchScript-compiled function run as machine code, not in the interpreter. */
function compiledByJit(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'function_definition') continue;
    const dec = p.parent?.type === 'decorated_definition' ? p.parent : null;
    if (dec && dec.namedChildren.some((d) => d?.type === 'decorator' && JIT.test(d.text) && !/\bnp\.|numpy/.test(d.text))) return true;
  }
  return false;
}

/** Growth statements (VEC005's findings) directly in this loop, at any depth outside nested loops. */
function growthIn(facts: ArrayFacts, body: Node): Set<number> {
  const out = new Set<number>();
  walk(body, (n) => {
    if (n.type === 'for_statement' || n.type === 'while_statement') return false;
    if (n.type === 'expression_statement' && isGrowth(facts, n)) out.add(n.id);
    return true;
  });
  return out;
}

/** Names assigned in the body from this iteration's values (`d = x[i + 1] - x[i]`): they vary per element too. */
function taint(shape: LoopShape, sub: Substitution): void {
  for (const st of statementsIn(shape.body)) {
    if (st.type !== 'assignment') continue;
    const left = field(st, 'left');
    const right = field(st, 'right');
    if (left?.type === 'identifier' && right && usesLoopVars(right, sub)) sub.temps.add(left.text);
  }
}

function judge(facts: ArrayFacts, loop: Node): LoopVerdict | null {
  const shape = classifyLoop(facts, loop);
  if (!shape) return null;
  const body = statements(shape.body);
  const growth = growthIn(facts, shape.body);
  const nested = body.filter((s) => s.type === 'for_statement' || s.type === 'while_statement');
  if (nested.length > 0 || some(shape.body, (n) => n !== shape.body && (n.type === 'for_statement' || n.type === 'while_statement'))) {
    return nested.length === 1 ? judgeNest(facts, shape, nested[0] as Node) : null;
  }
  // `cov[s:e] += 1` per interval: a moving write window, but with a difference-array twin
  const intervals = judgeIntervals(facts, shape);
  if (intervals) return intervals;
  if (exceptionOf(facts, shape)) return null;
  // the growth is VEC005's finding; the loop is reported only when it does other array work too
  if (!readsElements(facts, shape, growth)) return null;
  const np = npAlias(facts);
  const sub = substitution(shape, np);
  taint(shape, sub);
  const main = shape.arrays[0] as string;
  // `Vs = V[mask[u]]; Vs.T @ Vs`: the items have data-dependent lengths, so there is no batched product to suggest
  const loopVars = new Set([...shape.indexVars, ...shape.elements.keys()]);
  if (raggedProduct(facts, shape.body, loopVars)) return null;
  const matmul = matmulIn(facts, shape.body, sub);
  // a product per item along any axis (`P[:, s, :] @ V`) is still one batched matmul; a product per chunk is not
  // (unless each column is filtered by a mask of its own data, `col[col > 0]`: a masked reduction per column, which
  // np.where over the whole matrix does in one pass)
  const perSlice = !matmul && sliceWork(shape);
  const masked = perSlice ? maskedSelection(facts, shape.body, loopVars) : null;
  if (perSlice && !masked) return null;
  if (matmul && frameProduct(facts, shape.body, shape.indexVars)) return null;
  if (shape.node.type === 'for_statement' && shape.rangeStart === 0 && shape.count !== undefined) sub.frames = framesOf(facts, shape, np);
  const branch = branchIn(shape.body, sub, facts);
  const code: LoopCode = matmul ? 'VEC003' : branch ? 'VEC004' : 'VEC001';
  const asArrays = new Set<string>();
  const rewritten = growth.size > 0 ? null : withConversions(hoistCalls(facts, shape, rewriteBody(facts, shape, { ...sub, temps: new Set(), asArrays })), asArrays, np);
  const fix: SuggestedFix = rewritten
    ? { description: describe(code, main), replacement: rewritten.lines.join('\n'), safety: 'unsafe' }
    : frameHint(facts, shape, np) ?? (masked ? maskedHint(masked, main, np) : fallback(code, main, np, matmul));
  // a stack of matrices (3-D): einsum spells out the contraction; for rows of a 2-D array `X @ w` is all there is
  if (rewritten && code === 'VEC003' && matmul?.other && rewritten.lines.length === 1 && !knownBelow3d(facts, main, loop) &&
      fix.replacement.endsWith(`${main} @ ${matmul.other}`)) {
    fix.replacement += `  # or ${np}.einsum('bnm,mk->bnk', ${main}, ${matmul.other}) for stacks of matrices`;
  }
  const verdict: LoopVerdict = { code, node: loop, anchor: loop, shape, arrays: [main], fix };
  if (matmul) verdict.detail = matmul.text;
  return verdict;
}

/** Frames of a 1-D array (or one of unknown rank) as the rows of one view; null for frames written through locals. */
function framesOf(facts: ArrayFacts, shape: LoopShape, np: string): (array: Node, slice: Node) => string | null {
  return (array, slice) => {
    const f = frameOf(facts, slice, shape.indexVars, new Map());
    const v = facts.valueOf(array);
    if (!f || v.kind !== 'array' || (v.ndim !== undefined && v.ndim !== 1)) return null;
    return framesView(array.text, f, shape.count as string, np);
  };
}

/** No exact rewrite, but the loop reads frames: show the view that holds them. */
function frameHint(facts: ArrayFacts, shape: LoopShape, np: string): SuggestedFix | null {
  // (frames counted from k = 0: the view's rows are the loop's frames in order)
  if (shape.rangeStart !== 0 || shape.node.type !== 'for_statement') return null;
  const locals = bodyLocals(shape.body);
  let hint: SuggestedFix | null = null;
  walk(shape.body, (n) => {
    if (hint) return false;
    const first = n.type === 'subscript' ? n.childrenForFieldName('subscript')[0] : null;
    const obj = n.type === 'subscript' ? field(n, 'value') : null;
    const f = first?.type === 'slice' && obj ? frameOf(facts, first, shape.indexVars, locals) : null;
    if (!f || !obj) return true;
    // (the rank is not known to be 1: `*x.shape[1:]` keeps any trailing axes, and the frame axis is still axis 1)
    const oneD = facts.valueOf(obj).ndim === 1;
    const view = framesView(obj.text, f, shape.count ?? 'n_frames', np, !oneD);
    hint = {
      description: `reduce every frame of ${obj.text} at once: one frame per row of a view`,
      replacement: `frames = ${view}  # one frame per row (${f.hop === f.width ? 'a reshape, no copy' : 'a strided view, no copy'})\n` +
        '# then the body once on all rows, reducing with axis=1: e.g. frames.sum(axis=1), frames.mean(axis=1)',
      safety: 'display-only',
    };
    return false;
  });
  return hint;
}

/** A column filtered by a mask of its own data: the mask and the reduction over the whole matrix at once. */
function maskedHint(selection: Node, main: string, np: string): SuggestedFix {
  return {
    description: `a masked reduction over all columns of ${main} at once instead of a selection per column`,
    replacement: `# build the mask for all of ${main} at once (as in ${selection.text}), then work on every column together: ` +
      `${np}.where(mask, values, 0).sum(axis=0) for sums (or ${np}.nansum / ${np}.ma with axis=0), ${np}.where(mask, fill, ${main}) for fills`,
    safety: 'display-only',
  };
}

/** `main` is a name known to hold a 1-D or 2-D array here (rows of a matrix, not a stack of matrices). */
function knownBelow3d(facts: ArrayFacts, main: string, at: Node): boolean {
  if (!/^[A-Za-z_]\w*$/.test(main)) return false;
  const v = facts.lookup(main, facts.scopeAt(at.startIndex), at.startIndex);
  return v.kind === 'array' && v.ndim !== undefined && v.ndim < 3;
}

/**
 * `out[..., c] = img[..., c] * g[c]`, `mu[j] = X[:, j].mean()`: the counter picks a whole column or plane (an axis
 * after a full slice), so each iteration is already whole-array work over a usually short axis (channels, features).
 * Pairs of such columns are VEC002's business and are judged as a nest before this; a matrix product per item is
 * VEC003's whatever the axis.
 */
function sliceWork(shape: LoopShape): boolean {
  return some(shape.body, (n) => {
    if (n.type !== 'subscript') return false;
    const idx = indicesOf(n);
    const at = idx.findIndex((i) => i.type === 'identifier' && shape.indexVars.has(i.text));
    return at > 0 && idx.slice(0, at).every((i) => i.type === 'ellipsis' || isFullSlice(i));
  });
}

/** `hg, ag = np.asarray(hg), np.asarray(ag)` before a rewrite that reads sequences of unknown type as arrays. */
function withConversions(fix: BodyFix | null, names: Set<string>, np: string): BodyFix | null {
  if (!fix || names.size === 0) return fix;
  const list = [...names];
  return { lines: [`${list.join(', ')} = ${list.map((n) => `${np}.asarray(${n})`).join(', ')}`, ...fix.lines] };
}

/** `for v in load(): e += v * v` → `vals = load()` first, so the rewrite does not call `load()` twice. */
function hoistCalls(facts: ArrayFacts, shape: LoopShape, fix: BodyFix | null): BodyFix | null {
  if (!fix) return fix;
  let lines = fix.lines;
  for (const arr of new Set(shape.elements.values())) {
    if (!arr.includes('(')) continue;
    const uses = lines.join('\n').split(arr).length - 1;
    if (uses < 2) continue;
    let name = 'vals';
    while (new RegExp(`\\b${name}\\b`).test(facts.source)) name += '_';
    lines = [`${name} = ${arr}`, ...lines.map((l) => l.split(arr).join(name))];
  }
  return { lines };
}
