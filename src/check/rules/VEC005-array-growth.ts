// VEC005: growing an array inside a loop with np.append / np.concatenate / np.vstack / np.hstack / np.r_.
import type { Node } from 'web-tree-sitter';
import { field, keywordArg, positionalArgs, spanOf, unparen } from '../ast.js';
import type { ArrayFacts } from '../arrays.js';
import type { RawFinding, Rule, SuggestedFix } from '../types.js';
import { headerText, isSmallLoop } from './shared/loop.js';
import { code } from './shared/report.js';
import { npAlias } from './shared/translate.js';
import { isGrowth } from './shared/verdict.js';

export const VEC005: Rule = {
  code: 'VEC005',
  name: 'array-growth',
  summary: 'Array grown with np.append/np.concatenate/np.vstack/np.hstack/np.r_ inside a loop (quadratic)',
  doc: {
    whatItDoes:
      'Finds `acc = np.append(acc, x)` and its relatives (`np.concatenate([acc, x])`, `np.vstack((acc, row))`, ' +
      '`np.hstack`, `np.r_[acc, x]`) inside a `for` or `while` loop, where the array being built is also an input.',
    whyIsItSlow:
      'NumPy arrays cannot grow in place: every call allocates a new array and copies everything collected so far. ' +
      'N iterations copy 1 + 2 + … + N elements, O(N²) time. A Python list grows in amortised O(1); build the ' +
      'array once at the end, or preallocate it when N is known.',
    example: [
      'import numpy as np',
      '',
      'def squares(n):',
      '    result = np.array([])',
      '    for i in range(n):',
      '        result = np.append(result, i * i)',
      '    return result',
    ].join('\n'),
    useInstead: [
      'import numpy as np',
      '',
      'def squares(n):',
      '    parts = []',
      '    for i in range(n):',
      '        parts.append(i * i)',
      '    return np.array(parts)  # or preallocate np.empty(n) and fill; best of all: np.arange(n) ** 2',
    ].join('\n'),
  },
  check(_ctx, facts: ArrayFacts, report) {
    if (facts.numpyAliases.size === 0 && facts.numpyNames.size === 0) return;
    const root = facts.ctx.tree.rootNode;
    const seen = new Set<number>();
    const re = growthPattern(facts);
    if (!re) return;
    for (let m = re.exec(facts.source); m; m = re.exec(facts.source)) {
      // from the function name up to the statement `acc = np.append(acc, x)`
      const name = (m[1] ?? m[2]) as string;
      let n = root.descendantForIndex(m.index + m[0].lastIndexOf(name));
      if (!n || n.type !== 'identifier') continue;
      if (n.parent?.type === 'attribute') n = n.parent;
      // (through a conditional expression: `acc = x if acc is None else np.concatenate([acc, x])`)
      let expr = n.parent;
      while (expr?.parent && (expr.parent.type === 'conditional_expression' || expr.parent.type === 'parenthesized_expression')) expr = expr.parent;
      const stmt = expr?.parent?.type === 'assignment' ? expr.parent.parent : null;
      if (!stmt || stmt.type !== 'expression_statement') continue;
      const growth = isGrowth(facts, stmt);
      if (!growth || seen.has(growth.id)) continue;
      const loop = enclosingLoop(stmt);
      if (!loop || isSmallLoop(facts, loop)) continue;
      seen.add(growth.id);
      report(finding(facts, loop, stmt, growth));
    }
  },
};

const GROWTH_NAMES = ['append', 'concatenate', 'vstack', 'hstack', 'row_stack', 'column_stack', 'dstack', 'r_'];

/**
 * Only `np.append(`-like spellings through this file's NumPy names: list.append calls (the common case) never
 * cost a tree lookup. The match index is the function name's start.
 */
function growthPattern(facts: ArrayFacts): RegExp | null {
  const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const prefixes = [...facts.numpyAliases].map(esc);
  const bare = [...facts.numpyNames].filter(([, path]) => GROWTH_NAMES.includes(path)).map(([local]) => esc(local));
  const alts: string[] = [];
  // group 1: `np.append(`; group 2: a name imported from numpy (`hstack(`)
  alts.push(prefixes.length > 0 ? `\\b(?:${prefixes.join('|')})\\s*\\.\\s*(${GROWTH_NAMES.join('|')})\\s*[([]` : '(?!)');
  alts.push(bare.length > 0 ? `(?<![\\w.])(${bare.join('|')})\\s*[([]` : '(?!)');
  if (prefixes.length === 0 && bare.length === 0) return null;
  return alts.length > 0 ? new RegExp(alts.join('|'), 'g') : null;
}

/** The innermost for/while around `node` in the same function. */
function enclosingLoop(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement') return p;
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return null;
  }
  return null;
}

function finding(facts: ArrayFacts, loop: Node, stmt: Node, call: Node): RawFinding {
  const assign = stmt.namedChildren[0] as Node;
  const target = (field(assign, 'left') as Node).text;
  const head = call.type === 'call' ? field(call, 'function') : field(call, 'value');
  const path = head ? facts.numpyPath(head) ?? 'append' : 'append';
  return {
    code: 'VEC005',
    message:
      `${code(target)} grows by ${code(head?.text ?? path)} inside a loop (${code(headerText(loop, facts.source))}): ` +
      'every call copies the whole array, so the loop is quadratic; collect the pieces in a list and build once, or preallocate',
    ...spanOf(call, facts.source),
    symbol: target,
    loop: { startLine: loop.startPosition.row + 1, endLine: loop.endPosition.row + 1 },
    fix: rewrite(facts, call, path, target),
  };
}

function rewrite(facts: ArrayFacts, call: Node, path: string, target: string): SuggestedFix {
  const np = npAlias(facts);
  const parts = `${target.replace(/^.*\./, '')}_parts`;
  let piece: string | null = null;
  if (path === 'append') piece = positionalArgs(call)[1]?.text ?? null;
  else {
    const first = call.type === 'call' ? positionalArgs(call)[0] : call.childrenForFieldName('subscript')[0];
    const f = first ? unparen(first) : null;
    const items = f && (f.type === 'list' || f.type === 'tuple') ? f.namedChildren.filter((c): c is Node => c !== null) : call.type === 'subscript' ? call.childrenForFieldName('subscript').filter((c): c is Node => c !== null) : [];
    const others = items.filter((i) => i.text !== target);
    piece = others.length === 1 ? (others[0] as Node).text : others.length > 1 ? `(${others.map((o) => o.text).join(', ')})` : null;
  }
  const pieceNode = path === 'append' ? positionalArgs(call)[1] : null;
  const scalarPieces = path === 'append' && pieceNode ? facts.valueOf(pieceNode).kind !== 'array' : path === 'r_';
  const axis = call.type === 'call' ? keywordArg(call, 'axis') ?? (path === 'append' ? positionalArgs(call)[2] ?? null : null) : null;
  const build =
    path === 'vstack' || path === 'row_stack' ? `${np}.vstack(${parts})`
    : path === 'hstack' ? `${np}.hstack(${parts})`
    : path === 'column_stack' ? `${np}.column_stack(${parts})`
    : path === 'dstack' ? `${np}.dstack(${parts})`
    : scalarPieces && !axis ? `${np}.array(${parts})`
    : `${np}.concatenate(${parts}${axis ? `, axis=${axis.text}` : ''})`;
  const lines = [
    `${parts} = []  # before the loop (start with the initial ${target} if it is not empty)`,
    `${parts}.append(${piece ?? '...'})  # in the loop, instead of ${target} = ${call.text.length > 40 ? call.text.slice(0, 37) + '...' : call.text}`,
    `${target} = ${build}  # once, after the loop`,
  ];
  return { description: 'collect the pieces in a list and build the array once (or preallocate and fill)', replacement: lines.join('\n'), safety: 'display-only' };
}
