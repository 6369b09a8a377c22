// Reading declarations from a file: imports (which names are NumPy), parameters, comprehensions, and the
// `.shape`/`.dtype`/`.ndim` uses that make a name an array. The text is searched first; the tree only confirms.
import type { Node } from 'web-tree-sitter';
import { field, named } from './ast.js';
import type { Binding, Scope } from './arrays.js';
import { OTHER } from './values.js';

export const EVIDENCE = /\b([A-Za-z_][A-Za-z0-9_]*)\.(?:shape|dtype|ndim)\b/g;

export const ARRAY_ANNOTATION = /^(?:Optional\[)?\s*["']?(?:[A-Za-z_][A-Za-z0-9_]*\.)*(?:ndarray|NDArray)\b(?!\w)/;

/** `Temps`, `"Temps"`, `Optional[Temps]`, `Temps | None`: one name, maybe optional (checked against the file's aliases). */
const ALIAS_USE = /^(?:Optional\[|None\s*\|)?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\]|\|\s*None)?$/;

/** `np.ndarray`, `npt.NDArray[np.float64]`, or a name this file aliases to one (`Prices = npt.NDArray[...]`). */
export function isArrayAnnotation(type: Node | null, aliases?: ReadonlySet<string>): boolean {
  if (!type) return false;
  return isArrayAnnotationText(type.text, aliases);
}

function isArrayAnnotationText(raw: string, aliases?: ReadonlySet<string>): boolean {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (!ARRAY_ANNOTATION.test(text)) {
    const m = aliases && aliases.size > 0 ? ALIAS_USE.exec(text.replace(/^["'](.*)["']$/, '$1').trim()) : null;
    return !!m && (aliases as ReadonlySet<string>).has(m[1] as string);
  }
  // `ndarray | list[float]` or `Union[ndarray, list]`: a list may arrive, so no promise
  return !/\b(?:list|List|Sequence|Iterable|tuple|Tuple)\b/.test(text);
}

/**
 * Module-level type aliases of arrays: `Prices = npt.NDArray[np.float64]`, `Vec: TypeAlias = np.ndarray`,
 * `type Image = NDArray[np.uint8]` (3.12). Found in the text, each confirmed to be a top-level statement; an alias
 * of an alias (`Matrix = Prices`) follows in document order.
 */
const ALIAS_DEF = /^(?:type[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*(?:typing\.|typing_extensions\.)?TypeAlias[ \t]*)?=[ \t]*([^\n#]+)/gm;

const ALIAS_RHS = /^["']?(?:(?:[A-Za-z_][A-Za-z0-9_]*\.)*(?:ndarray|NDArray)(?:\[.*\])?|[A-Za-z_][A-Za-z0-9_]*)["']?$/;

export function collectArrayAliases(source: string, root: Node): Set<string> {
  const out = new Set<string>();
  if (!/NDArray|ndarray/.test(source)) return out;
  ALIAS_DEF.lastIndex = 0;
  for (let m = ALIAS_DEF.exec(source); m; m = ALIAS_DEF.exec(source)) {
    const name = m[1] as string;
    const rhs = (m[2] as string).trim();
    // a type, not a call: `Prices = npt.NDArray[np.float64]`, never `buf = np.ndarray((3, 3))`
    if (name === 'type' || !ALIAS_RHS.test(rhs) || !isArrayAnnotationText(rhs, out)) continue;
    const at = m.index + m[0].indexOf(name, m[0].startsWith('type') ? 4 : 0);
    const id = root.descendantForIndex(at);
    let stmt = id?.parent ?? null;
    if (stmt?.type === 'assignment') stmt = stmt.parent;
    if (id?.type !== 'identifier' || !stmt || (stmt.type !== 'expression_statement' && stmt.type !== 'type_alias_statement')) continue;
    if (stmt.parent?.type !== 'module') continue;
    out.add(name);
  }
  return out;
}

export type BindFn = (scope: Scope, name: string, b: Binding) => void;

export function readImport(item: Node, aliases: Set<string>, names: Map<string, string>, scope: Scope, bind: BindFn): void {
  if (item.type === 'aliased_import') {
    const mod = field(item, 'name')?.text;
    const alias = field(item, 'alias')?.text;
    if (!alias) return;
    if (mod === 'numpy') aliases.add(alias);
    else if (mod?.startsWith('numpy.')) names.set(alias, mod.slice('numpy.'.length));
    else bind(scope, alias, { pos: item.startIndex, fixed: OTHER });
  } else if (item.type === 'dotted_name') {
    if (item.text === 'numpy' || item.text.startsWith('numpy.')) aliases.add('numpy');
  }
}

export function readFromImport(node: Node, aliases: Set<string>, names: Map<string, string>, scope: Scope, bind: BindFn): void {
  const mod = field(node, 'module_name')?.text ?? '';
  const isNumpy = mod === 'numpy' || mod.startsWith('numpy.');
  const prefix = mod === 'numpy' ? '' : mod.slice('numpy.'.length) + '.';
  // `from numpy import *`: bare NumPy names (zeros, exp, …) resolve through the star entry
  if (mod === 'numpy' && node.namedChildren.some((c) => c?.type === 'wildcard_import')) names.set('*', '');
  for (const item of node.childrenForFieldName('name')) {
    if (!item) continue;
    const orig = item.type === 'aliased_import' ? field(item, 'name')?.text : item.text;
    const local = item.type === 'aliased_import' ? field(item, 'alias')?.text : item.text;
    if (!orig || !local) continue;
    if (isNumpy) names.set(local, prefix + orig);
    else if (orig === 'numpy') aliases.add(local);
    else bind(scope, local, { pos: node.startIndex, fixed: OTHER });
  }
}

/** A method's first parameter (`self`), which `self.x` attribute facts hang on. */
export function firstParameter(fn: Node): string | undefined {
  const first = field(fn, 'parameters')?.firstNamedChild;
  if (!first) return undefined;
  if (first.type === 'identifier') return first.text;
  const name = first.type === 'typed_parameter' ? first.firstNamedChild : field(first, 'name');
  return name?.type === 'identifier' ? name.text : undefined;
}

export function readParameters(fn: Node, s: Scope, bind: BindFn): void {
  const params = field(fn, 'parameters');
  if (!params) return;
  for (const p of named(params)) {
    let nameNode: Node | null = null;
    let annotation: Node | null = null;
    if (p.type === 'identifier') nameNode = p;
    else if (p.type === 'typed_parameter') {
      nameNode = named(p)[0] ?? null;
      annotation = field(p, 'type');
    } else if (p.type === 'default_parameter') nameNode = field(p, 'name');
    else if (p.type === 'typed_default_parameter') {
      nameNode = field(p, 'name');
      annotation = field(p, 'type');
    }
    if (!nameNode || nameNode.type !== 'identifier') continue;
    bind(s, nameNode.text, annotation ? { pos: s.start, param: p, annotation } : { pos: s.start, param: p });
  }
}

export const COMPREHENSION_TYPES = new Set(['list_comprehension', 'generator_expression', 'set_comprehension']);

export function collectComprehensions(source: string, root: Node, out: Node[]): void {
  const seen = new Set<number>(out.map((c) => c.id));
  const re = /\bfor\b/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    // first on its line: a statement loop (or a multi-line comprehension, found with the statements)
    let k = m.index - 1;
    while (k >= 0 && (source[k] === ' ' || source[k] === '\t')) k--;
    if (k < 0 || source[k] === '\n') continue;
    const token = root.descendantForIndex(m.index);
    const clause = token?.type === 'for' ? token.parent : null;
    const comp = clause?.type === 'for_in_clause' ? clause.parent : null;
    if (comp && COMPREHENSION_TYPES.has(comp.type) && !seen.has(comp.id)) {
      seen.add(comp.id);
      out.push(comp);
    }
  }
}

export function collectEvidence(source: string, root: Node, scopeAt: (i: number) => Scope): void {
  EVIDENCE.lastIndex = 0;
  for (let m = EVIDENCE.exec(source); m; m = EVIDENCE.exec(source)) {
    const name = m[1] as string;
    // `self.shape` on a class that wraps data (a sparse matrix, a model) says nothing about `self` being an ndarray
    if (name === 'self' || name === 'cls') continue;
    // skip comments and strings (docstrings say "x.shape must be …"): the match must be a real identifier
    const node = root.descendantForIndex(m.index);
    if (!node || node.type !== 'identifier' || node.text !== name) continue;
    let s: Scope | null = scopeAt(m.index);
    while (s && s.kind === 'class') s = s.parent;
    (s as Scope).arrayEvidence.add(name);
  }
}
