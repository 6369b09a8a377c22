// Finding np.vectorize / np.frompyfunc / np.apply_along_axis and the vectorized twin of what they wrap.
import type { Node } from 'web-tree-sitter';
import { dottedName, field, identifiersIn, keywordArg, named, positionalArgs, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { MATH_TO_NUMPY } from '../../numpy-api.js';
import { paramOf, pureParts, rewritePure, usesMath, worksAsIs, type PureParts } from './pure-function.js';
import { npAlias, translate, usesLoopVars, whereOf, type Substitution } from './translate.js';

export interface HiddenLoopSite {
  helper: 'np.vectorize' | 'np.frompyfunc' | 'np.apply_along_axis';
  /** Where the finding goes: the call (or the decorator). */
  anchor: Node;
  /** The wrapped function as written. */
  fn: Node;
  fnText: string;
  /** `np.vectorize(f)(x)`: the arguments it is applied to right away. */
  appliedTo?: Node[];
  /** …and that application call itself (keyword arguments and `**params` included). */
  application?: Node;
  /** apply_along_axis: axis and array. */
  axis?: Node;
  array?: string;
  /** `g = np.vectorize(f)`: the name bound. */
  boundTo?: string;
  /** `@np.vectorize def f`: the decorated function. */
  decorated?: Node;
}

const HELPERS = /\b(vectorize|frompyfunc|apply_along_axis)\b/g;

export function hiddenLoopSites(facts: ArrayFacts): HiddenLoopSite[] {
  const out: HiddenLoopSite[] = [];
  if (facts.numpyAliases.size === 0 && facts.numpyNames.size === 0) return out;
  const root = facts.ctx.tree.rootNode;
  HELPERS.lastIndex = 0;
  for (let m = HELPERS.exec(facts.source); m; m = HELPERS.exec(facts.source)) {
    const id = root.descendantForIndex(m.index);
    if (!id || id.type !== 'identifier') continue;
    let ref: Node = id;
    if (ref.parent?.type === 'attribute' && field(ref.parent, 'attribute')?.id === ref.id) ref = ref.parent;
    const path = facts.numpyPath(ref);
    if (path !== 'vectorize' && path !== 'frompyfunc' && path !== 'apply_along_axis') continue;
    const helper = `np.${path}` as HiddenLoopSite['helper'];
    const parent = ref.parent;
    if (parent?.type === 'decorator' && path === 'vectorize') {
      const def = parent.parent?.type === 'decorated_definition' ? field(parent.parent, 'definition') : null;
      if (def) out.push({ helper, anchor: parent, fn: def, fnText: field(def, 'name')?.text ?? 'f', decorated: def });
      continue;
    }
    if (parent?.type !== 'call' || field(parent, 'function')?.id !== ref.id) continue;
    const args = positionalArgs(parent);
    const fn = args[0] ?? keywordArg(parent, path === 'vectorize' ? 'pyfunc' : 'func1d');
    if (!fn) continue;
    // frompyfunc(..., identity=…) makes a reducible ufunc on purpose (for .reduce/.accumulate), not a map
    if (path === 'frompyfunc' && keywordArg(parent, 'identity')) continue;
    // vectorize(..., signature='(n)->(m)') maps over core dimensions: the function sees rows, not elements; with
    // `excluded=` some arguments reach the function whole
    if (path === 'vectorize' && (keywordArg(parent, 'signature') || keywordArg(parent, 'excluded'))) continue;
    const site: HiddenLoopSite = { helper, anchor: parent, fn, fnText: fn.text.length > 50 ? fn.text.slice(0, 47) + '...' : fn.text };
    if (path === 'apply_along_axis') {
      const axis = args[1] ?? keywordArg(parent, 'axis');
      const arr = args[2] ?? keywordArg(parent, 'arr');
      if (!axis || !arr || args.length > 3) continue;
      site.axis = axis;
      site.array = arr.text;
    } else {
      const outer = parent.parent;
      if (outer?.type === 'call' && field(outer, 'function')?.id === parent.id) {
        site.appliedTo = positionalArgs(outer);
        site.application = outer;
      }
      else if (outer?.type === 'assignment' && field(outer, 'left')?.type === 'identifier') site.boundTo = (field(outer, 'left') as Node).text;
    }
    out.push(site);
  }
  return out;
}

export interface Twin { short: string; replacement: string; description: string }

const AXIS_REDUCERS: Record<string, string> = {
  sum: 'sum', mean: 'mean', max: 'max', min: 'min', amax: 'max', amin: 'min', std: 'std', var: 'var', prod: 'prod',
  median: 'median', any: 'any', all: 'all', argmax: 'argmax', argmin: 'argmin', ptp: 'ptp', sort: 'sort',
  cumsum: 'cumsum', cumprod: 'cumprod', 'linalg.norm': 'linalg.norm', nansum: 'nansum', nanmean: 'nanmean',
  nanmax: 'nanmax', nanmin: 'nanmin', diff: 'diff', 'fft.fft': 'fft.fft', 'fft.ifft': 'fft.ifft', 'fft.rfft': 'fft.rfft',
  'fft.irfft': 'fft.irfft', 'fft.hfft': 'fft.hfft', 'fft.fftshift': 'fft.fftshift', cumulative_sum: 'cumulative_sum',
  gradient: 'gradient', trapezoid: 'trapezoid', flip: 'flip', unwrap: 'unwrap',
};
const METHOD_FORM = new Set(['sum', 'mean', 'max', 'min', 'std', 'var', 'prod', 'any', 'all', 'argmax', 'argmin', 'cumsum', 'cumprod']);
const BUILTIN_AXIS: Record<string, string> = { sum: 'sum', max: 'max', min: 'min', sorted: 'sort' };
const BUILTIN_ELEMENTWISE: Record<string, (x: string, np: string) => string> = {
  abs: (x, np) => `${np}.abs(${x})`,
  round: (x, np) => `${np}.round(${x})`,
  float: (x) => `${x}.astype(float)`,
  int: (x) => `${x}.astype(int)`,
  str: (x) => `${x}.astype(str)`,
};

/** The whole-array form of what the helper wraps, or null when the function is opaque. */
export function vectorizedTwin(facts: ArrayFacts, site: HiddenLoopSite): Twin | null {
  const np = npAlias(facts);
  if (site.helper === 'np.apply_along_axis') return alongAxisTwin(facts, site, np);
  const lambda = functionParts(facts, site.fn);
  if (!lambda) return null;
  // applied right away: substitute the arguments; else keep the parameters and show the plain function
  const args = site.appliedTo;
  const names = lambda.params;
  if (lambda.builtin) {
    const x = args?.[0]?.text ?? names[0] ?? 'x';
    const expr = lambda.builtin(x, np);
    // `np.vectorize(abs)` → `np.abs` itself when the twin is a plain function of one argument
    const plain = /^([\w.]+)\(x\)$/.exec(lambda.builtin('x', np));
    if (!args && site.boundTo && plain) {
      return { short: plain[1] as string, replacement: `${site.boundTo} = ${plain[1]}`, description: `${plain[1]} already works on whole arrays` };
    }
    return finish(site, expr, args !== undefined, names);
  }
  // assignments before the return, parameters left to their defaults, keywords or `**params` in the call
  if (lambda.pure && (lambda.pure.steps.length > 0 || lambda.pure.params.some((p) => p.hasDefault) ||
      (args !== undefined && (args.length !== names.length || hasKeywords(site.application))))) {
    return pureTwin(facts, site, lambda.pure, np);
  }
  if ((!lambda.body && !lambda.select) || names.length === 0) return null;
  const sub: Substitution = { elements: new Map(), indexes: new Map(), rowAxis: '-1', np, temps: new Set() };
  names.forEach((p, k) => sub.elements.set(p, args?.[k] ? wrap(args[k] as Node) : p));
  if (args && args.length !== names.length) return null;
  if (lambda.select) {
    const { cond, then, otherwise } = lambda.select;
    if (!usesLoopVars(cond, { ...sub, elements: new Map(names.map((p) => [p, p])) })) return null;
    const [c, a, b] = [cond, then, otherwise].map((n) => translate(n, sub, facts));
    if (c == null || a == null || b == null || [c, a, b].some((t) => /axis=/.test(t as string))) return null;
    return finish(site, whereOf(np, c, a, b), args !== undefined, names);
  }
  if (!lambda.body) return null;
  // a body that ignores its parameters is a constant, not a per-element computation
  if (!usesLoopVars(lambda.body, { ...sub, elements: new Map(names.map((p) => [p, p])) })) return null;
  const t = translate(lambda.body, sub, facts);
  if (t === null || /axis=/.test(t)) return null;
  // a function of this module that is already whole-array code: wrapping it only made it slow
  const fnName = unparen(site.fn).type === 'identifier' ? unparen(site.fn).text : null;
  if (!args && site.boundTo && fnName && t === lambda.body.text) {
    return { short: fnName, replacement: `${site.boundTo} = ${fnName}  # ${fnName} already works on whole arrays`, description: `call ${fnName} on the whole array directly` };
  }
  return finish(site, t, args !== undefined, names);
}

function finish(site: HiddenLoopSite, expr: string, applied: boolean, params: string[]): Twin {
  if (applied) return { short: expr, replacement: expr, description: `compute ${expr} on the whole array` };
  const fnName = site.decorated ? field(site.decorated, 'name')?.text ?? 'f' : site.boundTo ?? 'f';
  const replacement = site.decorated
    ? `def ${fnName}(${params.join(', ')}):\n    return ${expr}  # drop @np.vectorize: this works on whole arrays`
    : `${fnName} = lambda ${params.join(', ')}: ${expr}  # works on whole arrays as is`;
  return { short: expr, replacement, description: `use the whole-array expression ${expr} instead of a per-element function` };
}

function wrap(n: Node): string {
  const u = unparen(n);
  return u.type === 'identifier' || u.type === 'attribute' || u.type === 'subscript' || u.type === 'call' ? u.text : `(${u.text})`;
}

/** `f(x, **params)`, `f(x, scale=2)`: arguments that do not map onto parameters by position. */
function hasKeywords(call: Node | undefined): boolean {
  const args = call ? field(call, 'arguments') : null;
  return !!args && named(args).some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat');
}

/**
 * A named function of assignments and a return: call it on the whole arrays (after `math.*` → NumPy, shown as the
 * rewritten function). The result must depend on the parameters: a constant is not per-element work.
 */
function pureTwin(facts: ArrayFacts, site: HiddenLoopSite, parts: PureParts, np: string): Twin | null {
  const fnName = site.decorated ? field(site.decorated, 'name')?.text : unparen(site.fn).type === 'identifier' ? unparen(site.fn).text : undefined;
  const lines = fnName ? rewritePure(facts, parts) : null;
  const names = new Set(parts.params.map((p) => p.name));
  const locals = new Set(parts.steps.map((st) => st.name));
  const dependsOnParams = (n: Node, seen: Set<string>): boolean => [...identifiersIn(n)].some((id) => names.has(id) ||
    (locals.has(id) && !seen.has(id) && parts.steps.some((st) => st.name === id && dependsOnParams(st.value, new Set([...seen, id])))));
  if (!fnName || !lines || !dependsOnParams(parts.result, new Set())) return null;
  const argList = site.application ? field(site.application, 'arguments')?.text : undefined;
  const call = argList ? `${fnName}${argList}` : undefined;
  if (worksAsIs(parts, lines)) {
    if (call) return { short: call, replacement: call, description: `call ${fnName} on the whole arrays: it is already element-wise arithmetic` };
    const replacement = site.decorated ? `# drop @np.vectorize from ${fnName}: it already works on whole arrays`
      : site.boundTo ? `${site.boundTo} = ${fnName}  # ${fnName} already works on whole arrays` : `${fnName}  # already works on whole arrays`;
    return { short: fnName, replacement, description: `call ${fnName} on the whole array directly` };
  }
  const def = [`def ${fnName}(${parts.params.map((p) => p.text).join(', ')}):`, ...lines.map((l) => `    ${l}`)];
  const tail = call ? [`${call}  # on the whole arrays`] : site.boundTo ? [`${site.boundTo} = ${fnName}`] : [];
  const note = site.decorated ? '  # without @np.vectorize' : '';
  return {
    short: call ?? fnName,
    replacement: [def[0] + note, ...def.slice(1), ...tail].join('\n'),
    description: `swap ${usesMath(parts) ? 'math.*' : 'the per-element builtins'} for ${np}.* in ${fnName} and call it on the whole arrays`,
  };
}

interface FunctionParts {
  params: string[];
  /** A named function of assignments and a return (or of a return alone). */
  pure?: PureParts;
  body?: Node;
  /** `if c: return a` + `return b` (or `else: return b`): a select. */
  select?: { cond: Node; then: Node; otherwise: Node };
  builtin?: (x: string, np: string) => string;
}

function functionParts(facts: ArrayFacts, fn: Node): FunctionParts | null {
  const f = unparen(fn);
  if (f.type === 'lambda') {
    const params = field(f, 'parameters');
    const body = field(f, 'body');
    const names = params ? named(params).map((p) => (p.type === 'identifier' ? p.text : '')) : [];
    if (!body || names.some((n) => n === '')) return null;
    return { params: names, body };
  }
  if (f.type === 'function_definition') return oneLiner(f);
  const name = dottedName(f);
  if (!name) return null;
  const math = /^(?:math|cmath)\.(\w+)$/.exec(name);
  if (math) {
    const twin = MATH_TO_NUMPY[math[1] as string];
    return twin && !twin.startsWith('special.') ? { params: ['x'], builtin: (x, np) => `${np}.${twin}(${x})` } : null;
  }
  const builtin = Object.hasOwn(BUILTIN_ELEMENTWISE, name) ? BUILTIN_ELEMENTWISE[name] : undefined;
  if (builtin && f.type === 'identifier' && !facts.functionNamed(name, f.startIndex)) return { params: ['x'], builtin };
  if (f.type === 'identifier') {
    const def = facts.functionNamed(name, f.startIndex);
    return def ? oneLiner(def.node as Node) : null;
  }
  return null;
}

function oneLiner(def: Node): FunctionParts | null {
  const pure = pureParts(def);
  // (the returned expression alone stands for the function only when nothing is computed before it)
  if (pure) return pure.steps.length === 0 ? { params: pure.params.map((p) => p.name), pure, body: pure.result } : { params: pure.params.map((p) => p.name), pure };
  const stmts = named(field(def, 'body') ?? def).filter((s) => !(s.type === 'expression_statement' && named(s)[0]?.type === 'string'));
  const params = named(field(def, 'parameters') ?? def).map((p) => paramOf(p)?.name ?? '');
  if (params.some((p) => p === '')) return null;
  const select = selectOf(stmts);
  return select ? { params, select } : null;
}

/** `if c: return a` then `return b` / `else: return b`, with nothing else. */
function selectOf(stmts: Node[]): FunctionParts['select'] | null {
  const [first, second] = stmts;
  if (!first || first.type !== 'if_statement' || stmts.length > 2) return null;
  const alts = first.childrenForFieldName('alternative').filter((a): a is Node => a !== null);
  const then = named(field(first, 'consequence') ?? first);
  const cond = field(first, 'condition');
  const returned = (list: Node[]): Node | null => (list.length === 1 && list[0]?.type === 'return_statement' ? named(list[0])[0] ?? null : null);
  const a = returned(then);
  let b: Node | null = null;
  if (alts.length === 1 && alts[0]?.type === 'else_clause' && !second) b = returned(named(field(alts[0], 'body') ?? alts[0]));
  else if (alts.length === 0 && second) b = returned([second]);
  return cond && a && b ? { cond, then: a, otherwise: b } : null;
}

function alongAxisTwin(facts: ArrayFacts, site: HiddenLoopSite, np: string): Twin | null {
  const arr = site.array as string;
  const axis = (site.axis as Node).text;
  const f = unparen(site.fn);
  const path = facts.numpyPath(f);
  const reducer = path !== null ? AXIS_REDUCERS[path] : f.type === 'identifier' && !facts.functionNamed(f.text, f.startIndex) ? BUILTIN_AXIS[f.text] : undefined;
  if (reducer) {
    const expr = METHOD_FORM.has(reducer) && /^[\w.]+$/.test(arr) ? `${arr}.${reducer}(axis=${axis})` : `${np}.${reducer}(${arr}, axis=${axis})`;
    return { short: expr, replacement: expr, description: `reduce along axis ${axis} in one call` };
  }
  const parts = functionParts(facts, site.fn);
  if (!parts?.body || parts.params.length !== 1) return null;
  const param = parts.params[0] as string;
  const base = /^[\w.]+$/.test(arr) ? arr : `(${arr})`;
  const attempt = (rowAxis: string): string | null => {
    const sub: Substitution = { elements: new Map([[param, base]]), indexes: new Map(), rowAxis, np, temps: new Set() };
    return translate(parts.body as Node, sub, facts);
  };
  const plain = attempt(axis);
  if (plain === null || !/axis=/.test(plain)) return null;
  // the row is also used element-wise next to its reductions: keep the reduced axis so shapes broadcast
  const stripped = plain.replace(new RegExp(`${escape(base)}\\.\\w+\\(axis=${escape(axis)}\\)`, 'g'), '').replace(new RegExp(`${escape(np)}\\.[\\w.]+\\(${escape(base)}, axis=${escape(axis)}\\)`, 'g'), '');
  const expr = stripped.includes(base) ? attempt(`${axis}, keepdims=True`) : plain;
  if (expr === null) return null;
  return { short: expr, replacement: expr, description: `operate on all rows at once along axis ${axis}` };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
