// The single entry point from check-infra into analysis: array facts once per file, then every enabled rule.
import { computeArrayFacts } from './arrays.js';
import { log } from '../log.js';
import { RULES } from './registry.js';
import type { AnalysisContext, RawFinding } from './types.js';

export function analyze(ctx: AnalysisContext, enabled?: (code: string) => boolean): RawFinding[] {
  const rules = enabled ? RULES.filter((r) => enabled(r.code)) : RULES;
  if (rules.length === 0) return [];
  const facts = computeArrayFacts(ctx);
  const findings: RawFinding[] = [];
  for (const rule of rules) {
    try {
      rule.check(ctx, facts, (f) => findings.push(f));
    } catch (err) {
      // a bug in one rule must not cost the user the other rules' findings (or the other files)
      log.error({ rule: rule.code, err }, `rule ${rule.code} failed on this file; its findings are missing (please report this)`);
    }
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
  return findings;
}
