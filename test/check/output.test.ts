import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, type RenderInput } from '../../src/check/output/index.js';
import type { Finding } from '../../src/check/types.js';

const loop: Finding = {
  path: 'pkg/core.py',
  line: 3,
  column: 1,
  endLine: 3,
  endColumn: 4,
  code: 'VEC001',
  message: 'element loop over `a`: the sum happens one element at a time',
  symbol: 'a',
  loop: { startLine: 3, endLine: 4 },
  fix: { description: 'a whole-array reduction', replacement: 'total = a.sum()', safety: 'unsafe' },
};
const cellFinding: Finding = { path: 'nb/a,b:c.ipynb', cell: 4, line: 2, column: 1, endLine: 2, endColumn: 4, code: 'VEC001', message: 'loop <over> "a" & 100%\nsecond line' };
const io: Finding = { path: 'bad.py', line: 1, column: 1, endLine: 1, endColumn: 1, code: 'E902', message: 'file is not valid UTF-8' };

function input(findings: Finding[]): RenderInput {
  const sources: RenderInput['sources'] = new Map([
    ['pkg/core.py', { kind: 'library', text: 'import numpy as np\ntotal = 0\nfor x in a:\n    total += x\n' }],
    ['nb/a,b:c.ipynb', { kind: 'notebook', text: JSON.stringify({ cells: [{ cell_type: 'markdown', source: 'x' }, {}, {}, { cell_type: 'code', source: 'y = 1\nfor z in a:\n  pass\n' }] }) }],
  ]);
  return { findings, filesChecked: 5, sources, cwd: '/work/proj', color: false };
}

test('text: location line, frame with caret under the span, help and fix, summary', () => {
  const out = render('text', input([loop]), false);
  assert.equal(
    out,
    [
      'pkg/core.py:3:1: VEC001 element loop over `a`: the sum happens one element at a time',
      '  |',
      '2 | total = 0',
      '3 | for x in a:',
      '  | ^^^ VEC001',
      '4 |     total += x',
      '  |',
      '  = help: a whole-array reduction',
      '  = fix:  total = a.sum()',
      '',
      'Found 1 finding in 1 file (5 files checked).',
      '',
    ].join('\n'),
  );
});

test('text: notebook frames come from the cell; E902 has no frame', () => {
  const out = render('text', input([cellFinding, io]), false);
  assert.match(out, /^nb\/a,b:c\.ipynb:cell 4:2:1: VEC001 /m);
  assert.match(out, /^2 \| for z in a:$/m);
  assert.match(out, /^bad\.py:1:1: E902 file is not valid UTF-8\n\nFound/m);
});

test('concise: one line per finding and the summary', () => {
  assert.equal(render('concise', input([io]), false), 'bad.py:1:1: E902 file is not valid UTF-8\nFound 1 finding in 1 file (5 files checked).\n');
  assert.equal(render('concise', input([]), false), 'All checked: no findings (5 files checked).\n');
});

test('sarif: 2.1.0, code-point columns, rules with docs, results pointing at them', () => {
  const sarif = JSON.parse(render('sarif', input([loop, cellFinding]), false)) as {
    version: string;
    runs: Array<{
      columnKind: string;
      tool: { driver: { name: string; rules: Array<{ id: string; help: { markdown: string } }> } };
      results: Array<{ ruleId: string; ruleIndex: number; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }> }>;
    }>;
  };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0]!;
  assert.equal(run.columnKind, 'unicodeCodePoints');
  assert.equal(run.tool.driver.name, 'vecprof');
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.ok(ids.includes('VEC001') && ids.includes('E999') && ids.includes('E902'));
  assert.match(run.tool.driver.rules.find((r) => r.id === 'E999')!.help.markdown, /## What it does/);
  const [r0, r1] = run.results;
  assert.equal(r0!.ruleId, 'VEC001');
  assert.equal(run.tool.driver.rules[r0!.ruleIndex]!.id, 'VEC001');
  assert.deepEqual(r0!.locations[0]!.physicalLocation.region, { startLine: 3, startColumn: 1, endLine: 3, endColumn: 4 });
  assert.equal(r0!.locations[0]!.physicalLocation.artifactLocation.uri, 'pkg/core.py');
  assert.match(r0!.message.text, /Fix: total = a\.sum\(\)/);
  assert.match(r1!.message.text, /^cell 4: /);
  assert.equal(r1!.locations[0]!.physicalLocation.artifactLocation.uri, 'nb/a%2Cb%3Ac.ipynb');
});

test('github: workflow commands with escaped properties and data', () => {
  const out = render('github', input([cellFinding, io]), false).split('\n');
  assert.equal(
    out[0],
    '::warning file=nb/a%2Cb%3Ac.ipynb,line=2,col=1,endLine=2,endColumn=4,title=vecprof (VEC001)::cell 4: VEC001 loop <over> "a" & 100%25%0Asecond line',
  );
  assert.match(out[1]!, /^::error file=bad\.py,line=1,col=1,.*::E902 file is not valid UTF-8$/);
});

test('junit: escaped XML, one failing case per finding; a clean run is one passing case', () => {
  const out = render('junit', input([cellFinding]), false);
  assert.match(out, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
  assert.match(out, /<testsuites name="vecprof" tests="1" failures="1"/);
  assert.match(out, /message="loop &lt;over&gt; &quot;a&quot; &amp; 100%\nsecond line"/);
  assert.ok(!/<over>/.test(out));
  const clean = render('junit', input([]), false);
  assert.match(clean, /failures="0"/);
  assert.match(clean, /<testcase name="No findings"/);
});

test('statistics: counts per code, most frequent first, in text and JSON', () => {
  const findings = [loop, { ...loop, line: 9 }, io];
  const text = render('text', input(findings), true).split('\n');
  assert.match(text[0]!, /^2  VEC001  /);
  assert.equal(text[1], '1  E902    io-error');
  assert.equal(text[2], 'Found 3 findings in 2 files (5 files checked).');
  const json = JSON.parse(render('json', input(findings), true)) as Array<{ code: string; count: number; withFix: number }>;
  assert.deepEqual(json.map((r) => [r.code, r.count, r.withFix]), [['VEC001', 2, 2], ['E902', 1, 0]]);
});

test('json: Finding objects exactly, with cell right after path', () => {
  const out = JSON.parse(render('json', input([cellFinding]), false)) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(out[0]!), ['path', 'cell', 'line', 'column', 'endLine', 'endColumn', 'code', 'message']);
});

test('--quiet drops the summary line from the text formats', () => {
  assert.equal(render('concise', { ...input([io]), summary: false }, false), 'bad.py:1:1: E902 file is not valid UTF-8\n');
  assert.equal(render('text', { ...input([]), summary: false }, false), '');
});
