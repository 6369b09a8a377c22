// Precision and recall of `vecprof check` on the hand-labelled corpus in test/fixtures/check/corpus/.
// The corpus was written apart from the rules, so these numbers are an honest measure, not a tuned one.
// Labels sit at the end of the line where a finding is (or must not be) reported:
//   `# expect: VEC001` / `# expect: VEC001, LOG001`  a finding of that code must be reported on this line
//   `# ok: VEC001`                                    a tricky negative: the line a careless rule would flag
// Any finding on a line without an `expect` for its code is a false positive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import type { Finding } from '../../src/check/types.js';

const CORPUS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'check', 'corpus');
const RULE_CODES = ['VEC001', 'VEC002', 'VEC003', 'VEC004', 'VEC005', 'VEC006', 'LOG001'] as const;
const MIN_POSITIVES: Record<string, number> = {
  VEC001: 20, VEC002: 12, VEC003: 12, VEC004: 16, VEC005: 14, VEC006: 12, LOG001: 12,
};
const PRECISION_TARGET = 0.95;
const RECALL_TARGET = 0.9;

type LabelKind = 'expect' | 'ok';

/** One labelled line: `codes` are the rule codes named in its comment. */
export interface Label {
  file: string; // relative to CORPUS_DIR, with '/' separators
  cell?: number; // notebooks: 1-based, counting every cell
  line: number; // 1-based, within the cell for notebooks
  kind: LabelKind;
  codes: string[];
}

const LABEL_RE = /#\s*(expect|ok):\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)\s*$/;

export function labelsInText(text: string, file: string, cell?: number): Label[] {
  const out: Label[] = [];
  text.split(/\r?\n/).forEach((src, i) => {
    const m = LABEL_RE.exec(src);
    if (!m) return;
    const codes = m[2]!.split(',').map((c) => c.trim());
    out.push({ file, ...(cell === undefined ? {} : { cell }), line: i + 1, kind: m[1] as LabelKind, codes });
  });
  return out;
}

interface NotebookJson {
  cells: Array<{ cell_type: string; source: string | string[] }>;
}

function labelsInFile(absPath: string, file: string): Label[] {
  const text = readFileSync(absPath, 'utf8');
  if (!file.endsWith('.ipynb')) return labelsInText(text, file);
  const nb = JSON.parse(text) as NotebookJson;
  return nb.cells.flatMap((c, i) => {
    if (c.cell_type !== 'code') return [];
    const src = Array.isArray(c.source) ? c.source.join('') : c.source;
    return labelsInText(src, file, i + 1);
  });
}

function corpusFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(py|ipynb)$/.test(e.name))
    .map((e) => relative(CORPUS_DIR, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

function loadLabels(): Label[] {
  return corpusFiles(CORPUS_DIR).flatMap((f) => labelsInFile(join(CORPUS_DIR, f), f));
}

const siteKey = (file: string, cell: number | undefined, line: number, code: string): string =>
  `${file}|${cell ?? ''}|${line}|${code}`;

const siteName = (file: string, cell: number | undefined, line: number): string =>
  cell === undefined ? `${file}:${line}` : `${file}:cell ${cell}:${line}`;

export interface RuleScore {
  tp: number;
  fp: number;
  fn: number;
}

export interface Score {
  perRule: Map<string, RuleScore>;
  total: RuleScore;
  falsePositives: string[]; // "file:line CODE message"
  falseNegatives: string[]; // "file:line CODE"
}

/** Where a finding points, as a corpus-relative file; findings outside the corpus keep their path. */
export function corpusRelative(findingPath: string, cwd: string): string {
  const abs = isAbsolute(findingPath) ? findingPath : resolve(cwd, findingPath);
  const rel = relative(CORPUS_DIR, abs);
  return rel.startsWith('..') ? findingPath : rel.split(sep).join('/');
}

/** Match findings to `expect` labels by (file, cell, line, code); a repeated finding at one site counts as a false positive. */
export function score(findings: Finding[], labels: Label[], cwd: string): Score {
  const expected = new Map<string, string>(); // key -> display
  for (const l of labels) {
    if (l.kind !== 'expect') continue;
    for (const code of l.codes) expected.set(siteKey(l.file, l.cell, l.line, code), `${siteName(l.file, l.cell, l.line)} ${code}`);
  }
  const perRule = new Map<string, RuleScore>();
  const bump = (code: string, k: keyof RuleScore): void => {
    const s = perRule.get(code) ?? { tp: 0, fp: 0, fn: 0 };
    s[k] += 1;
    perRule.set(code, s);
  };
  for (const code of RULE_CODES) perRule.set(code, { tp: 0, fp: 0, fn: 0 });
  const matched = new Set<string>();
  const falsePositives: string[] = [];
  for (const f of findings) {
    const file = corpusRelative(f.path, cwd);
    const key = siteKey(file, f.cell, f.line, f.code);
    if (expected.has(key) && !matched.has(key)) {
      matched.add(key);
      bump(f.code, 'tp');
    } else {
      bump(f.code, 'fp');
      falsePositives.push(`${siteName(file, f.cell, f.line)}:${f.column} ${f.code} ${f.message}`);
    }
  }
  const falseNegatives: string[] = [];
  for (const [key, display] of expected) {
    if (matched.has(key)) continue;
    bump(key.slice(key.lastIndexOf('|') + 1), 'fn');
    falseNegatives.push(display);
  }
  const total: RuleScore = { tp: 0, fp: 0, fn: 0 };
  for (const s of perRule.values()) {
    total.tp += s.tp;
    total.fp += s.fp;
    total.fn += s.fn;
  }
  return { perRule, total, falsePositives, falseNegatives };
}

// An empty denominator is a perfect score for precision (nothing claimed) but says nothing for recall.
const precision = (s: RuleScore): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
const recall = (s: RuleScore): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));

function table(sc: Score): string[] {
  const row = (name: string, s: RuleScore): string =>
    `${name.padEnd(8)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}` +
    `   ${precision(s).toFixed(3)}   ${recall(s).toFixed(3)}`;
  const lines = ['rule       TP   FP   FN   precision recall'];
  for (const [code, s] of [...sc.perRule].sort(([a], [b]) => a.localeCompare(b))) lines.push(row(code, s));
  lines.push(row('overall', sc.total));
  return lines;
}

test('label parsing: codes, lists, and notebook cells', () => {
  const labels = labelsInText('for v in a:  # expect: VEC001\n    s += v\nx = 1  # ok: VEC004, VEC001\n# expect VEC002\n', 'm.py', 3);
  assert.deepEqual(labels, [
    { file: 'm.py', cell: 3, line: 1, kind: 'expect', codes: ['VEC001'] },
    { file: 'm.py', cell: 3, line: 3, kind: 'ok', codes: ['VEC004', 'VEC001'] },
  ]);
});

test('scoring: true positives, false positives, misses and duplicates', () => {
  const labels: Label[] = [
    { file: 'a.py', line: 3, kind: 'expect', codes: ['VEC001'] },
    { file: 'a.py', line: 9, kind: 'expect', codes: ['VEC005'] },
    { file: 'nb.ipynb', cell: 2, line: 4, kind: 'expect', codes: ['VEC004'] },
    { file: 'a.py', line: 5, kind: 'ok', codes: ['VEC001'] },
  ];
  const f = (path: string, line: number, code: string, cell?: number): Finding => ({
    path, line, column: 5, endLine: line, endColumn: 8, code, message: 'm', ...(cell === undefined ? {} : { cell }),
  });
  const cwd = REPO_ROOT;
  const rel = (p: string): string => relative(cwd, join(CORPUS_DIR, p));
  const sc = score(
    [f(rel('a.py'), 3, 'VEC001'), f(rel('a.py'), 3, 'VEC001'), f(rel('a.py'), 5, 'VEC001'), f(rel('nb.ipynb'), 4, 'VEC004', 2)],
    labels,
    cwd,
  );
  assert.deepEqual(sc.perRule.get('VEC001'), { tp: 1, fp: 2, fn: 0 });
  assert.deepEqual(sc.perRule.get('VEC004'), { tp: 1, fp: 0, fn: 0 });
  assert.deepEqual(sc.perRule.get('VEC005'), { tp: 0, fp: 0, fn: 1 });
  assert.deepEqual(sc.total, { tp: 2, fp: 2, fn: 1 });
  assert.deepEqual(sc.falseNegatives, ['a.py:9 VEC005']);
  assert.equal(sc.falsePositives.length, 2);
});

test('the corpus: >= 150 labelled sites, every rule covered, at least as many tricky negatives as positives', (t) => {
  const labels = loadLabels();
  const files = new Set(labels.map((l) => l.file));
  const positives = new Map<string, number>(RULE_CODES.map((c) => [c, 0]));
  let positiveSites = 0;
  let negativeLines = 0;
  for (const l of labels) {
    for (const code of l.codes) assert.ok(positives.has(code), `${siteName(l.file, l.cell, l.line)}: unknown code ${code} in label`);
    if (l.kind === 'expect') {
      for (const code of l.codes) positives.set(code, positives.get(code)! + 1);
      positiveSites += l.codes.length;
    } else {
      negativeLines += 1; // one site per line, however many codes it names, so negatives are never inflated
    }
  }
  t.diagnostic(`${files.size} files, ${positiveSites} positive sites, ${negativeLines} negative sites`);
  t.diagnostic(`positives per rule: ${[...positives].map(([c, n]) => `${c}=${n}`).join(' ')}`);
  assert.ok(files.size >= 20, `labels in ${files.size} files, want >= 20`);
  assert.ok([...files].some((f) => f.endsWith('.ipynb')), 'at least one notebook');
  assert.ok(positiveSites + negativeLines >= 150, `${positiveSites + negativeLines} labelled sites, want >= 150`);
  assert.ok(negativeLines >= positiveSites, `${negativeLines} negatives < ${positiveSites} positives`);
  for (const [code, n] of positives) assert.ok(n >= MIN_POSITIVES[code]!, `${code}: ${n} positives, want >= ${MIN_POSITIVES[code]}`);
});

test('vecprof check on the corpus: precision >= 0.95, recall >= 0.90, every rule finds something', async (t) => {
  const r = await runCli(['check', '--no-cache', '--output-format', 'json', CORPUS_DIR], { timeoutMs: 120_000 });
  assert.equal(r.code, 1, `exit code ${r.code} (want 1: findings), stderr: ${r.stderr.slice(0, 2000)}`);
  let findings: Finding[];
  try {
    findings = JSON.parse(r.stdout) as Finding[];
  } catch (err) {
    assert.fail(`stdout is not JSON (${(err as Error).message}): ${r.stdout.slice(0, 500)}`);
  }
  assert.ok(Array.isArray(findings), 'a JSON array of findings');
  const sc = score(findings, loadLabels(), REPO_ROOT);
  for (const line of table(sc)) t.diagnostic(line);
  for (const fp of sc.falsePositives) t.diagnostic(`FP ${fp}`);
  for (const fn of sc.falseNegatives) t.diagnostic(`FN ${fn}`);
  const p = precision(sc.total);
  const rc = recall(sc.total);
  for (const code of RULE_CODES) assert.ok(sc.perRule.get(code)!.tp >= 1, `${code} found nothing in the corpus`);
  assert.ok(p >= PRECISION_TARGET, `overall precision ${p.toFixed(3)} < ${PRECISION_TARGET}`);
  assert.ok(rc >= RECALL_TARGET, `overall recall ${rc.toFixed(3)} < ${RECALL_TARGET}`);
});
