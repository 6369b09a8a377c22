// Every rule vecprof knows, in code order. Rules live one per file in rules/.
import { LOG001 } from './rules/LOG001-print-in-library.js';
import { VEC001 } from './rules/VEC001-element-loop.js';
import { VEC002 } from './rules/VEC002-pairwise-loop.js';
import { VEC003 } from './rules/VEC003-batched-matmul-loop.js';
import { VEC004 } from './rules/VEC004-branch-in-loop.js';
import { VEC005 } from './rules/VEC005-array-growth.js';
import { VEC006 } from './rules/VEC006-hidden-loop.js';
import type { Rule } from './types.js';

export const RULES: Rule[] = [LOG001, VEC001, VEC002, VEC003, VEC004, VEC005, VEC006].sort((a, b) => a.code.localeCompare(b.code));

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code.toUpperCase());
}
