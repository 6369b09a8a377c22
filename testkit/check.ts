// Parse a Python string and run analysis on it, as the rule tests and docs test need; and the RuleTester of this
// project: a table of cases (code → expected findings and rewrite) and the bad/good fixture pair of each rule.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './run-cli.js';
import { analyze } from '../src/check/analyze.js';
import { computeArrayFacts, type ArrayFacts } from '../src/check/arrays.js';
import { getParser, parsePython } from '../src/check/parse.js';
import type { AnalysisContext, FileKind, RawFinding } from '../src/check/types.js';

/** Strip the common indentation of a template literal so cases can be written indented in tests. */
export function dedent(code: string): string {
  const lines = code.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

export async function checkSource(code: string, fileKind: FileKind = 'library', only?: string): Promise<RawFinding[]> {
  const parser = await getParser();
  const { tree } = parsePython(parser, code);
  try {
    const ctx: AnalysisContext = { tree, source: code, fileKind };
    return analyze(ctx, only ? (c) => c === only : undefined);
  } finally {
    tree.delete();
  }
}

/** Run `probe` against the facts of `code`; the tree lives only during the call. */
export async function withFacts<T>(code: string, probe: (facts: ArrayFacts) => T, fileKind: FileKind = 'library'): Promise<T> {
  const parser = await getParser();
  const { tree } = parsePython(parser, code);
  try {
    return probe(computeArrayFacts({ tree, source: code, fileKind }));
  } finally {
    tree.delete();
  }
}

export interface RuleCase {
  name: string;
  code: string;
  /** Expected findings, all rules, as [line, code]. Empty: the code is clean. */
  expect: Array<[number, string]>;
  /** The first finding's fix replacement: exact text, or a pattern it must match. */
  fix?: string | RegExp;
  kind?: FileKind;
}

/** Where a fixture expects findings: `# expect: VEC001` (or several, comma-separated) at the end of a line. */
export function expectedFromMarkers(source: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  source.split('\n').forEach((line, i) => {
    const m = /#\s*expect:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)/.exec(line);
    if (m) for (const c of (m[1] as string).split(',')) out.push([i + 1, c.trim()]);
  });
  return out;
}

export function linesAndCodes(findings: RawFinding[]): Array<[number, string]> {
  return findings.map((f) => [f.line, f.code] as [number, string]).sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

export function ruleTable(rule: string, cases: RuleCase[]): void {
  for (const c of cases) {
    test(`${rule}: ${c.name}`, async () => {
      const code = dedent(c.code);
      const findings = await checkSource(code, c.kind ?? 'library');
      assert.deepEqual(linesAndCodes(findings), c.expect, `findings for:\n${code}\n${JSON.stringify(findings, null, 1)}`);
      if (c.fix !== undefined) {
        const first = findings.find((f) => f.code === rule);
        assert.ok(first?.fix, 'a fix is suggested');
        if (typeof c.fix === 'string') assert.equal(first.fix.replacement, c.fix);
        else assert.match(first.fix.replacement, c.fix);
      }
      for (const f of findings.filter((x) => x.code === rule)) {
        assert.ok(f.message.length > 20 && f.fix && f.fix.replacement.length > 0, 'message and fix present');
        assert.ok(f.endLine > f.line || (f.endLine === f.line && f.endColumn > f.column), 'a non-empty span');
      }
    });
  }
}

/**
 * test/fixtures/check/rules/<CODE>/bad.py has `# expect:` markers; good.py must be clean. With a `stem`, the pair is
 * `<stem>-bad.py` and `<stem>-good.py` (one pair per class of surface forms: unpacking, aliases, …).
 */
export function fixturePair(rule: string, stem?: string): void {
  const dir = join(REPO_ROOT, 'test', 'fixtures', 'check', 'rules', rule);
  const [bad, good] = stem ? [`${stem}-bad.py`, `${stem}-good.py`] : ['bad.py', 'good.py'];
  test(`${rule}: fixture ${bad} reports exactly the marked lines`, async () => {
    const src = readFileSync(join(dir, bad), 'utf8');
    const expected = expectedFromMarkers(src);
    assert.ok(expected.some(([, c]) => c === rule), 'the fixture has cases of this rule');
    assert.deepEqual(linesAndCodes(await checkSource(src)), expected);
  });
  test(`${rule}: fixture ${good} is clean`, async () => {
    const src = readFileSync(join(dir, good), 'utf8');
    assert.deepEqual(linesAndCodes(await checkSource(src)), []);
  });
}
