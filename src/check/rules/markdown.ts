// A rule's documentation as Markdown: the one rendering of RuleDoc, used for docs/rules.md (and usable by `vecprof rule`).
import { pathToFileURL } from 'node:url';
import type { Rule } from '../types.js';

export function ruleMarkdown(rule: Rule): string {
  const d = rule.doc;
  return [
    `## ${rule.code} ${rule.name}`,
    '',
    rule.summary + '.',
    '',
    '### What it does',
    '',
    d.whatItDoes,
    '',
    '### Why is it slow',
    '',
    d.whyIsItSlow,
    '',
    '### Example',
    '',
    '```python',
    d.example,
    '```',
    '',
    '### Use instead',
    '',
    '```python',
    d.useInstead,
    '```',
    '',
  ].join('\n');
}

export function rulesMarkdown(rules: readonly Rule[]): string {
  const head = [
    '# vecprof check rules',
    '',
    '<!-- generated from the rule objects in src/check/rules/ by `node dist/src/check/rules/markdown.js`; test/check/rules/docs.test.ts keeps it in sync -->',
    '',
    'Each finding names the array and the loop, and carries a rewrite for the shape seen. The seed\'s exceptions are',
    'never findings: loops provably over fewer than 100 elements, loops whose iterations depend on each other',
    '(`x[i]` from `x[i-1]`, a running value, early-exit searches), loops that call out per element (I/O, network,',
    'other libraries), loops over data-loader batches and loops compiled by Numba. When in doubt vecprof stays silent.',
    '',
    '| code | name | summary |',
    '|---|---|---|',
    ...rules.map((r) => `| ${r.code} | ${r.name} | ${r.summary} |`),
    '',
  ];
  return [...head, ...rules.map(ruleMarkdown)].join('\n');
}

// `node dist/src/check/rules/markdown.js` prints docs/rules.md
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { RULES } = await import('../registry.js');
  const { writeStdout } = await import('../../render/output.js');
  writeStdout(rulesMarkdown(RULES));
}
