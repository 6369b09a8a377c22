// Functions of this module that are pure arithmetic on their parameters: a few assignments of arithmetic, NumPy
// ufuncs or `math.*` to locals, then `return <expression>`. Called on whole arrays they do the same work at C speed
// (once `math.*` is swapped for its NumPy twin), so a loop or `np.vectorize` around them is a hidden Python loop.
import type { Node } from 'web-tree-sitter';
import { field, named } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { npAlias, translate, type Substitution } from './translate.js';

export interface Param {
  name: string;
  /** `e0=0.0` for a parameter with a default, else the bare name (annotations dropped). */
  text: string;
  hasDefault: boolean;
}

export interface PureParts {
  params: Param[];
  /** `name = value` / `name += value` before the return, in order. */
  steps: Array<{ name: string; op: string; value: Node }>;
  result: Node;
}

export function paramOf(p: Node): Param | null {
  switch (p.type) {
    case 'identifier':
      return { name: p.text, text: p.text, hasDefault: false };
    case 'typed_parameter': {
      const id = named(p)[0];
      return id?.type === 'identifier' ? { name: id.text, text: id.text, hasDefault: false } : null;
    }
    case 'default_parameter':
    case 'typed_default_parameter': {
      const name = field(p, 'name');
      const value = field(p, 'value');
      return name?.type === 'identifier' && value ? { name: name.text, text: `${name.text}=${value.text}`, hasDefault: true } : null;
    }
    default:
      // `*args`, `**kw`, `/`, `*`: what reaches which name is not known
      return null;
  }
}

/** The parameters, local steps and returned expression of `def f(…)`, when that is all the body holds. */
export function pureParts(fn: Node): PureParts | null {
  if (fn.type !== 'function_definition' || fn.children.some((c) => c?.type === 'async')) return null;
  const params: Param[] = [];
  for (const p of named(field(fn, 'parameters') ?? fn)) {
    const param = paramOf(p);
    if (!param) return null;
    params.push(param);
  }
  const body = named(field(fn, 'body') ?? fn).filter((s) => s.type !== 'expression_statement' || named(s)[0]?.type !== 'string');
  const last = body[body.length - 1];
  const result = last?.type === 'return_statement' ? named(last)[0] : undefined;
  if (!result || params.length === 0) return null;
  const steps: PureParts['steps'] = [];
  for (const s of body.slice(0, -1)) {
    const e = s.type === 'expression_statement' ? named(s)[0] : null;
    if (!e || (e.type !== 'assignment' && e.type !== 'augmented_assignment') || field(e, 'type')) return null;
    const left = field(e, 'left');
    const value = field(e, 'right');
    if (left?.type !== 'identifier' || !value || value.type === 'assignment' || params.some((p) => p.name === left.text)) return null;
    steps.push({ name: left.text, op: e.type === 'assignment' ? '=' : field(e, 'operator')?.text ?? '', value });
  }
  return { params, steps, result };
}

/**
 * The body rewritten for whole arrays (`math.sqrt` → `np.sqrt`), one line per step and the return last; null when a
 * step is not element-wise arithmetic. `args` maps parameters to what they are applied to (default: themselves).
 */
export function rewritePure(facts: ArrayFacts, parts: PureParts, args?: Map<string, string>): string[] | null {
  const elements = new Map(parts.params.map((p) => [p.name, args?.get(p.name) ?? p.name]));
  const sub: Substitution = { elements, indexes: new Map(), rowAxis: '-1', np: npAlias(facts), temps: new Set() };
  const lines: string[] = [];
  for (const step of parts.steps) {
    const t = translate(step.value, sub, facts);
    if (t === null || /axis=/.test(t)) return null;
    sub.temps.add(step.name);
    lines.push(`${step.name} ${step.op} ${t}`);
  }
  const r = translate(parts.result, sub, facts);
  if (r === null || /axis=/.test(r)) return null;
  lines.push(`return ${r}`);
  return lines;
}

/** The rewrite is the function as written (whitespace aside): it already works on whole arrays. */
export function worksAsIs(parts: PureParts, lines: string[]): boolean {
  const flat = (t: string): string => t.replace(/\s+/g, '');
  const original = [...parts.steps.map((st) => `${st.name} ${st.op} ${st.value.text}`), `return ${parts.result.text}`];
  return lines.length === original.length && lines.every((l, k) => flat(l) === flat(original[k] as string));
}

/** Uses `math.*`/`cmath.*`: works per element only, until swapped for NumPy. */
export function usesMath(parts: PureParts): boolean {
  return [...parts.steps.map((s) => s.value), parts.result].some((n) => /\bc?math\.\w+\s*\(/.test(n.text));
}

const inProgress = new Set<number>();

/** Pure arithmetic that already works on whole arrays as written (no `math.*`, no builtin `max`): calling it on arrays is enough. */
export function isPureFunction(fn: Node, facts: ArrayFacts): boolean {
  if (inProgress.has(fn.id)) return false;
  inProgress.add(fn.id);
  try {
    const parts = pureParts(fn);
    const lines = parts ? rewritePure(facts, parts) : null;
    return !!parts && !!lines && worksAsIs(parts, lines);
  } finally {
    inProgress.delete(fn.id);
  }
}
