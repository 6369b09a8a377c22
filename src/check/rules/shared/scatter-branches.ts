// `if hg[m] > ag[m]: pts[home[m]] += 3 / elif …: pts[away[m]] += 3 / else: …`: branches that each add to positions
// read through index sequences. Every (array, position) pair receives, per element, the value of the branch taken
// (0 when that branch does not touch it), so each pair is one `np.add.at` of a nested `np.where`.
import type { Node } from 'web-tree-sitter';
import { field, indicesOf, statements, stmtExpr, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { LoopShape } from './loop.js';
import { translate, usesLoopVars, whereOf, type Substitution } from './translate.js';

interface Target { array: string; index: Node; values: Array<string | null> }

export function rewriteScatterBranches(facts: ArrayFacts, shape: LoopShape, sub: Substitution, s: Node): string[] | null {
  const branches: Array<{ cond: Node | null; body: Node[] }> = [{ cond: field(s, 'condition'), body: statements(field(s, 'consequence')) }];
  for (const alt of s.childrenForFieldName('alternative')) {
    if (!alt) continue;
    if (alt.type === 'elif_clause') branches.push({ cond: field(alt, 'condition'), body: statements(field(alt, 'consequence')) });
    else branches.push({ cond: null, body: statements(field(alt, 'body')) });
  }
  const targets = new Map<string, Target>();
  for (const [b, br] of branches.entries()) {
    if (br.body.length === 0) return null;
    for (const st of br.body) {
      const e = stmtExpr(st);
      const op = e.type === 'augmented_assignment' ? field(e, 'operator')?.text : null;
      const left = e.type === 'augmented_assignment' ? unparen(field(e, 'left') as Node) : null;
      const right = field(e, 'right');
      if ((op !== '+=' && op !== '-=') || left?.type !== 'subscript' || !right) return null;
      const obj = field(left, 'value');
      const idx = indicesOf(left);
      const index = idx[0];
      // positions through an index sequence, not the counter itself (`out[i] += …` has plain rewrites)
      if (!obj || idx.length !== 1 || !index || index.type === 'slice' || usesLoopVars(obj, sub) || !usesLoopVars(index, sub) ||
          (index.type === 'identifier' && shape.indexVars.has(index.text)) || facts.valueOf(obj).kind !== 'array') return null;
      const v = translate(right, sub, facts);
      if (v === null) return null;
      const key = `${obj.text}[${index.text.replace(/\s+/g, '')}]`;
      const t = targets.get(key) ?? { array: obj.text, index, values: branches.map(() => null) };
      const signed = op === '-=' ? `-${/^[\w.]+$/.test(v) ? v : `(${v})`}` : v;
      const prev = t.values[b];
      t.values[b] = prev ? `${prev} + ${signed}` : signed;
      targets.set(key, t);
    }
  }
  const conds = branches.map((br) => (br.cond ? translate(br.cond, sub, facts) : null));
  if (branches.some((br, k) => br.cond !== null && conds[k] === null)) return null;
  const lines: string[] = [];
  for (const t of targets.values()) {
    const where = translate(t.index, sub, facts);
    if (where === null) return null;
    const last = branches.length - 1;
    let expr = branches[last]?.cond === null ? t.values[last] ?? '0' : whereOf(sub.np, conds[last] as string, t.values[last] ?? '0', '0');
    for (let k = last - 1; k >= 0; k--) expr = whereOf(sub.np, conds[k] as string, t.values[k] ?? '0', expr);
    lines.push(`${sub.np}.add.at(${t.array}, ${where}, ${expr})`);
  }
  return lines;
}
