// Every rule documents itself completely, and its own examples prove it: the bad one is found, the good one is not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES, ruleByCode } from '../../../src/check/registry.js';
import { rulesMarkdown } from '../../../src/check/rules/markdown.js';
import { checkSource } from '../../../testkit/check.js';
import { REPO_ROOT } from '../../../testkit/run-cli.js';

test('the registry lists the seven rules in code order', () => {
  assert.deepEqual(RULES.map((r) => r.code), ['LOG001', 'VEC001', 'VEC002', 'VEC003', 'VEC004', 'VEC005', 'VEC006']);
  assert.equal(ruleByCode('vec004')?.name, 'branch-in-loop');
  assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length, 'names are unique');
});

for (const rule of RULES) {
  test(`${rule.code} has complete docs`, () => {
    assert.match(rule.code, /^[A-Z]{3}\d{3}$/);
    assert.match(rule.name, /^[a-z]+(?:-[a-z]+)*$/);
    assert.ok(rule.summary.length >= 20 && !rule.summary.endsWith('.'), 'a one-line summary without a full stop');
    for (const [section, text] of Object.entries(rule.doc)) {
      assert.ok(typeof text === 'string' && text.trim().length >= 40, `${section} is written`);
    }
    assert.notEqual(rule.doc.example.trim(), rule.doc.useInstead.trim());
  });

  test(`${rule.code}: the doc's bad example is found, the good one is not`, async () => {
    const bad = await checkSource(rule.doc.example);
    assert.ok(bad.some((f) => f.code === rule.code), `${rule.code} finds its own example:\n${rule.doc.example}`);
    const good = await checkSource(rule.doc.useInstead);
    assert.deepEqual(good.filter((f) => f.code === rule.code), [], `the rewrite is clean:\n${rule.doc.useInstead}`);
  });
}

test('docs/rules.md starts with the text generated from the rule objects', () => {
  const onDisk = readFileSync(join(REPO_ROOT, 'docs', 'rules.md'), 'utf8');
  // a hand-written part (how analysis works, what it costs) may follow the generated one
  assert.ok(onDisk.startsWith(rulesMarkdown(RULES)), 'regenerate the head: node dist/src/check/rules/markdown.js');
});
