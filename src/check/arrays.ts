// Which names, `self.x` attributes and expressions hold NumPy arrays: the one answer every rule asks.
//
// One tree-sitter query per file collects imports, scopes and bindings (cheap: the walk happens inside wasm);
// values are then evaluated lazily, on demand, with a memo per node. Scope-aware in the way that matters for
// loops: a name's value is its last binding before the use in the same function, else the enclosing scopes'.
import type { Node } from 'web-tree-sitter';
import { dottedName, field, named, statementsIn, unparen } from './ast.js';
import { attributeValue, lookupName, returnsArray } from './lookup.js';
import {
  collectArrayAliases, collectComprehensions, collectEvidence, COMPREHENSION_TYPES, EVIDENCE, firstParameter, isArrayAnnotation, readFromImport,
  readImport, readParameters,
} from './scan.js';
import { ARRAY_FUNCS, ARRAY_SEQUENCE_FUNCS, REDUCTIONS } from './numpy-api.js';
import type { AnalysisContext, FileKind } from './types.js';
import { evaluate, type Value, OTHER, UNKNOWN } from './values.js';

export type { Value } from './values.js';
export { isArrayAnnotation } from './scan.js';

export interface Binding {
  /** Where the binding happens (UTF-16 offset); a use sees the last binding before it. */
  pos: number;
  /** The expression bound, evaluated lazily. */
  expr?: Node;
  /** For `a, b = rhs` and `for i, x in …`: which element of `expr`. */
  index?: number;
  /** `for x in expr`: x is an element of expr. */
  iterates?: boolean;
  /** A parameter, with its annotation if any. */
  param?: Node;
  annotation?: Node;
  /** `x += rhs`: the value keeps x's kind when x was an array. */
  augmented?: boolean;
  fixed?: Value;
}

export interface Scope {
  kind: 'module' | 'function' | 'class';
  node: Node | null;
  start: number;
  end: number;
  parent: Scope | null;
  bindings: Map<string, Binding[]>;
  /** Names used with `.shape`, `.dtype`, `.ndim` in this scope. */
  arrayEvidence: Set<string>;
  /** For a method: the name of its first parameter (`self`). */
  selfName?: string;
  /** For a class: `self.x` assignments from its methods. */
  attributes?: Map<string, Array<{ expr: Node | null; scope: Scope; annotation?: Node }>>;
  /** For a class or the module: functions defined directly inside. */
  functions: Map<string, Scope>;
  /** Bindings are read on first use (see collect()). */
  collected: boolean;
  attributesCollected?: boolean;
}

export interface ArrayFacts {
  ctx: AnalysisContext;
  source: string;
  fileKind: FileKind;
  /** Local names bound to the numpy module (`np`, `numpy`, `xp`). */
  numpyAliases: Set<string>;
  /** `from numpy import zeros as z, random`: local name → path inside numpy. */
  numpyNames: Map<string, string>;
  /** Module-level type aliases of arrays (`Prices = npt.NDArray[np.float64]`): annotations naming them are arrays. */
  arrayAliases: ReadonlySet<string>;
  /** Whether the file can hold arrays at all (imports numpy, or uses `.shape`/`.dtype`/`.ndim`). */
  mayHaveArrays: boolean;
  module: Scope;
  /** Every `for`/`while` statement, in document order. */
  loops: Node[];
  /** Every list/set/generator comprehension, in document order. */
  comprehensions: Node[];
  scopeAt(index: number): Scope;
  valueOf(node: Node): Value;
  isArray(node: Node): boolean;
  /** `np.random.normal` → `random.normal`, when the callee resolves into numpy; else null. */
  numpyPath(callee: Node): string | null;
  /** A module-level (or same-class) function a call refers to. */
  functionNamed(name: string, at: number): Scope | null;
  lookup(name: string, scope: Scope, pos: number): Value;
  /** Read `.shape`/`.dtype`/`.ndim` uses once, on the first lookup that needs them. */
  ensureEvidence(): void;
  /** Read a scope's bindings if not yet done (lazily, per scope). */
  collect(scope: Scope): void;
  collectAttributes(cls: Scope): void;
  attributeValue(obj: string, attr: string, at: number): Value;
  returnsArray(fn: Scope): boolean;
}

// Tree-sitter queries walk every node of the file inside wasm (about a quarter of the parse time each, measured on
// scipy), so structure is found from the text instead: statements that open with a keyword at the start of a line,
// confirmed by asking the tree what is at that offset (which also drops docstrings and comments). Bindings are read
// per scope, statement by statement, and only for scopes a rule asks about.
const STATEMENT_START = /^[ \t]*(?:async[ \t]+)?(for|while|def|class|import|from)\b/gm;
const STATEMENT_OF: Record<string, string> = {
  for: 'for_statement', while: 'while_statement', def: 'function_definition', class: 'class_definition',
  import: 'import_statement', from: 'import_from_statement',
};

export function computeArrayFacts(ctx: AnalysisContext): ArrayFacts {
  const { source } = ctx;
  const root = ctx.tree.rootNode;
  const module: Scope = {
    kind: 'module', node: null, start: 0, end: Number.MAX_SAFE_INTEGER, parent: null,
    bindings: new Map(), arrayEvidence: new Set(), functions: new Map(), collected: false,
  };
  const scopes: Scope[] = [module];
  const numpyAliases = new Set<string>();
  const numpyNames = new Map<string, string>();
  const loops: Node[] = [];
  const comprehensions: Node[] = [];
  const arrayAliases = new Set<string>();
  const mentionsNumpy = source.includes('numpy');
  EVIDENCE.lastIndex = 0;
  const hasEvidence = EVIDENCE.test(source);
  const mayHaveArrays = mentionsNumpy || hasEvidence;

  const bind = (scope: Scope, name: string, b: Binding): void => {
    let list = scope.bindings.get(name);
    if (!list) scope.bindings.set(name, (list = []));
    list.push(b);
  };

  const bindTarget = (scope: Scope, target: Node, b: Omit<Binding, 'index'>, index?: number): void => {
    const t = unparen(target);
    if (t.type === 'identifier') {
      bind(scope, t.text, index === undefined ? { ...b } : { ...b, index });
    } else if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern' || t.type === 'tuple') {
      // nested unpacking loses the element index beyond one level; those names become unknown
      named(t).forEach((el, i) => {
        if (index === undefined) bindTarget(scope, el, b, i);
        else bindTarget(scope, el, { pos: b.pos, fixed: UNKNOWN });
      });
    }
  };

  const recordAttribute = (scope: Scope, target: Node, expr: Node | null, annotation?: Node): void => {
    const obj = field(target, 'object');
    const attr = field(target, 'attribute');
    if (!obj || !attr || obj.type !== 'identifier') return;
    let method: Scope | null = scope;
    while (method && method.kind === 'function' && method.parent?.kind === 'function') method = method.parent;
    if (!method || method.kind !== 'function' || method.selfName !== obj.text) return;
    const cls = method.parent;
    if (!cls?.attributes) return;
    let list = cls.attributes.get(attr.text);
    if (!list) cls.attributes.set(attr.text, (list = []));
    list.push(annotation ? { expr, scope, annotation } : { expr, scope });
  };

  if (mayHaveArrays) {
    const stack: Scope[] = [module];
    STATEMENT_START.lastIndex = 0;
    for (let m = STATEMENT_START.exec(source); m; m = STATEMENT_START.exec(source)) {
      const keyword = m[1] as string;
      // only NumPy imports matter (other modules' names are simply not arrays): skip the tree for the rest
      if ((keyword === 'import' || keyword === 'from') && !lineMentionsNumpy(source, m.index)) continue;
      const token = root.descendantForIndex(m.index + m[0].length - keyword.length);
      const node = token?.type === keyword ? token.parent : null;
      // a multi-line comprehension whose `for` starts a line
      if (node?.type === 'for_in_clause' && node.parent && COMPREHENSION_TYPES.has(node.parent.type)) comprehensions.push(node.parent);
      if (!node || node.type !== STATEMENT_OF[keyword]) continue;
      while (stack.length > 1 && node.startIndex >= (stack[stack.length - 1] as Scope).end) stack.pop();
      const scope = stack[stack.length - 1] as Scope;
      switch (node.type) {
        case 'import_statement':
          for (const item of named(node)) readImport(item, numpyAliases, numpyNames, scope, bind);
          break;
        case 'import_from_statement':
          readFromImport(node, numpyAliases, numpyNames, scope, bind);
          break;
        case 'function_definition':
        case 'class_definition': {
          const kind = node.type === 'class_definition' ? 'class' : 'function';
          const s: Scope = {
            kind, node, start: node.startIndex, end: node.endIndex, parent: scope,
            bindings: new Map(), arrayEvidence: new Set(), functions: new Map(), collected: false,
          };
          const fname = field(node, 'name')?.text;
          if (fname) {
            bind(scope, fname, { pos: node.startIndex, fixed: OTHER });
            scope.functions.set(fname, s);
          }
          if (kind === 'class') s.attributes = new Map();
          else if (scope.kind === 'class') s.selfName = firstParameter(node);
          scopes.push(s);
          stack.push(s);
          break;
        }
        default:
          loops.push(node);
      }
    }
    collectComprehensions(source, root, comprehensions);
    for (const a of collectArrayAliases(source, root)) arrayAliases.add(a);
    comprehensions.sort((a, b) => a.startIndex - b.startIndex);
  }

  /** Read a scope's own assignments and loop targets (nested functions and classes have their own turn). */
  const collect = (scope: Scope): void => {
    if (scope.collected) return;
    scope.collected = true;
    if (!mayHaveArrays) return;
    if (scope.kind === 'function' && scope.node) readParameters(scope.node, scope, bind);
    const body = scope.node ? field(scope.node, 'body') : root;
    if (!body) return;
    for (const node of withChained(statementsIn(body))) {
      const name = node.type === 'assignment' ? 'assign' : node.type === 'augmented_assignment' ? 'augassign' : node.type === 'for_statement' ? 'for' : '';
      switch (name) {
        case 'assign': {
          const left = field(node, 'left');
          const right = field(node, 'right');
          const type = field(node, 'type');
          if (!left) break;
          if (type && scope.kind === 'class' && left.type === 'identifier' && isArrayAnnotation(type, arrayAliases)) {
            // dataclass-style field declared as an array: `w: np.ndarray`
            scope.attributes?.set(left.text, [{ expr: null, scope, annotation: type }]);
          }
          if (type && left.type === 'identifier') {
            bind(scope, left.text, { pos: node.endIndex, ...(right ? { expr: right } : {}), annotation: type });
          } else if (right) {
            bindTarget(scope, left, { pos: node.endIndex, expr: right });
          }
          break;
        }
        case 'augassign': {
          const left = field(node, 'left');
          const right = field(node, 'right');
          if (left?.type === 'identifier' && right) bind(scope, left.text, { pos: node.endIndex, expr: right, augmented: true });
          break;
        }
        case 'for': {
          const left = field(node, 'left');
          const right = field(node, 'right');
          if (left && right) bindTarget(scope, left, { pos: right.endIndex, expr: right, iterates: true });
          break;
        }
      }
    }
    // parameters and def/class names were bound first; uses need document order
    for (const list of scope.bindings.values()) list.sort((a, b) => a.pos - b.pos);
  };

  /** `self.x = …` in the methods of a class. */
  const collectAttributes = (cls: Scope): void => {
    if (cls.attributesCollected || !cls.node) return;
    cls.attributesCollected = true;
    collect(cls);
    for (const method of cls.functions.values()) {
      const body = method.node ? field(method.node, 'body') : null;
      if (!body || !method.selfName) continue;
      for (const node of withChained(statementsIn(body))) {
        const left = node.type === 'assignment' ? field(node, 'left') : null;
        if (left?.type === 'attribute') recordAttribute(method, left, field(node, 'right'), field(node, 'type') ?? undefined);
      }
    }
  };

  let evidenceRead = false;
  const sortedScopes = scopes.slice(1).sort((a, b) => a.start - b.start);
  const scopeAt = (index: number): Scope => {
    // innermost scope containing index: the last-starting scope before index that still contains it
    let lo = 0;
    let hi = sortedScopes.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((sortedScopes[mid] as Scope).start <= index) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    let s: Scope | null = best >= 0 ? (sortedScopes[best] as Scope) : null;
    while (s && !(s.start <= index && index < s.end)) s = s.parent;
    return s ?? module;
  };

  const facts: ArrayFacts = {
    ctx, source, fileKind: ctx.fileKind, numpyAliases, numpyNames, arrayAliases, mayHaveArrays, module, loops, comprehensions, scopeAt,
    valueOf: (node) => evaluate(facts, node),
    isArray: (node) => evaluate(facts, node).kind === 'array',
    numpyPath: (callee) => numpyPathOf(callee, numpyAliases, numpyNames),
    functionNamed: (name, at) => {
      let s: Scope | null = scopeAt(at);
      while (s) {
        const f = s.functions.get(name);
        if (f && s.kind !== 'class') return f;
        s = s.parent;
      }
      return null;
    },
    lookup: (name, scope, pos) => lookupName(facts, name, scope, pos),
    ensureEvidence: () => {
      if (evidenceRead) return;
      evidenceRead = true;
      if (hasEvidence) collectEvidence(source, root, scopeAt);
    },
    collect,
    collectAttributes,
    attributeValue: (obj, attr, at) => attributeValue(facts, obj, attr, at),
    returnsArray: (fn) => returnsArray(facts, fn),
  };
  return facts;
}

function lineMentionsNumpy(source: string, at: number): boolean {
  const end = source.indexOf('\n', at);
  return source.slice(at, end === -1 ? source.length : end).includes('numpy');
}

/** `a = b = np.zeros(3)`: the inner assignments bind too (each evaluates to the same value). */
function withChained(stmts: Node[]): Node[] {
  const out: Node[] = [];
  for (const st of stmts) {
    out.push(st);
    for (let r = st.type === 'assignment' ? field(st, 'right') : null; r?.type === 'assignment'; r = field(r, 'right')) out.push(r);
  }
  return out;
}

function numpyPathOf(callee: Node, aliases: Set<string>, names: Map<string, string>): string | null {
  const dotted = dottedName(callee);
  if (!dotted) return null;
  const dot = dotted.indexOf('.');
  const head = dot === -1 ? dotted : dotted.slice(0, dot);
  const rest = dot === -1 ? '' : dotted.slice(dot + 1);
  if (aliases.has(head)) return rest === '' ? null : rest;
  const imported = names.get(head);
  if (imported !== undefined) return rest === '' ? imported : `${imported}.${rest}`;
  if (names.has('*') && (STAR_NAMES.has(head) || head === 'random' || head === 'linalg' || head === 'fft')) return dotted;
  return null;
}

/** Names `from numpy import *` brings that matter here (a local def or assignment of the same name wins first). */
const STAR_NAMES = new Set([...ARRAY_FUNCS, ...REDUCTIONS, ...ARRAY_SEQUENCE_FUNCS, 'vectorize', 'frompyfunc', 'apply_along_axis', 'r_', 'c_', 'nditer', 'ndenumerate', 'ndindex', 'dot', 'where']);
