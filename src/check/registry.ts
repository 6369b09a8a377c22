// Every rule vecprof knows, in code order. Rules live one per file in rules/.
import type { Rule } from './types.js';

export const RULES: Rule[] = [];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code.toUpperCase());
}
