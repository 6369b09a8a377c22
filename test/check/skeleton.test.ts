import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logicalLines, skeletonOf, triggerWords } from '../../src/check/skeleton.js';
import { getParser } from '../../src/check/parse.js';
import { analyzeText } from '../../src/check/pipeline.js';

const VEC_AND_PRINT = triggerWords(true, true)!;
const ALL = new Set(['VEC001', 'VEC002', 'VEC003', 'VEC004', 'VEC005', 'VEC006', 'LOG001', 'E999']);

const MODULE = [
  'import numpy as np', //                                   1
  '', //                                                     2
  'def describe(x):', //                                     3
  '    """Stats; for users: not a loop."""', //              4
  '    # while we are here: still not a loop', //            5
  '    return np.mean(x), np.std(x)', //                     6
  '', //                                                     7
  'def helper(n):', //                                       8
  '    return np.zeros(n)', //                               9
  '', //                                                    10
  'def total(a):', //                                       11
  '    out = helper(len(a))', //                            12
  '    for i in range(len(a)):', //                         13
  '        out[i] = a[i] * 2.0', //                         14
  '    return out', //                                      15
  '', //                                                    16
  'class Model:', //                                        17
  '    """A model."""', //                                  18
  '    def __init__(self, n):', //                          19
  '        self.w = np.ones(n)', //                         20
  '', //                                                    21
  '    @property', //                                       22
  '    def size(self):', //                                 23
  '        return self.w.size', //                          24
  '', //                                                    25
  '    def weights(self):', //                              26
  '        return self.w * 2', //                           27
  '', //                                                    28
  '    def unused(self):', //                               29
  '        return other.weights()', //                      30
  '', //                                                    31
  '    def score(self, x):', //                             32
  '        s = 0.0', //                                     33
  '        for v in self.weights():', //                    34
  '            s += v * x', //                              35
  '        return s', //                                    36
  '', //                                                    37
  'register(describe, """a long', //                        38
  'description""")', //                                     39
  '',
].join('\n');

function linesOf(text: string): string[] {
  return text.split('\n');
}

test('skeleton: units that cannot hold a finding become `pass`; every kept line stays where it was', () => {
  const { text, skipped } = skeletonOf(MODULE, VEC_AND_PRINT);
  const before = linesOf(MODULE);
  const after = linesOf(text);
  assert.equal(after.length, before.length, 'same number of lines');
  // describe: trigger words only in its docstring and a comment; the size property; unused (calls another
  // object's method, not self's); the class docstring; the lone register(...) call
  assert.equal(skipped, 5);
  assert.equal(after[2], 'pass');
  assert.equal(after[16], 'class Model:');
  assert.equal(after[17], '    pass');
  assert.equal(after[21], '    pass', 'the decorator and the def below it go together');
  assert.equal(after[28], '    pass');
  assert.equal(after[37], 'pass');
  for (const kept of [1, 8, 9, 11, 12, 13, 14, 15, 19, 20, 26, 27, 32, 33, 34, 35, 36]) {
    assert.equal(after[kept - 1], before[kept - 1], `line ${kept} kept as it was`);
  }
});

test('skeleton: what kept code calls is kept — module functions by name, methods only through self', () => {
  const { text } = skeletonOf(MODULE, VEC_AND_PRINT);
  assert.match(text, /def helper\(n\):/, 'total() calls helper()');
  assert.match(text, /def weights\(self\):/, 'score() calls self.weights()');
  assert.match(text, /def __init__\(self, n\):/, 'it sets self.w, an attribute of a class with a kept method');
  assert.doesNotMatch(text, /def unused/);
});

test('skeleton: print is a trigger only when asked for (library files with LOG001)', () => {
  const source = 'import numpy as np\n\ndef report(x):\n    print(x.mean())\n';
  assert.equal(skeletonOf(source, triggerWords(true, true)!).skipped, 0);
  assert.equal(skeletonOf(source, triggerWords(true, false)!).skipped, 1);
  assert.equal(triggerWords(false, false), null, 'syntax errors alone: the parser sees everything');
});

test('lexer: strings, comments, brackets and continuations do not start logical lines', () => {
  const source = [
    'x = (1,', //          brackets continue
    '     2)  # (', //     a bracket in a comment
    "s = 'a\\'b' + \"#\"", // escaped quote, # in a string
    'doc = """', //        triple-quoted string over lines
    'def not_code():',
    '"""',
    'y = 1 + \\', //       backslash continuation
    '    2',
    '  ',
    'if y:',
    '\tz = r"\\d"',
  ].join('\n');
  const lines = logicalLines(source);
  assert.ok(lines);
  assert.deepEqual(
    lines.map((l) => [source.slice(0, l.start).split('\n').length, l.indent, l.head]),
    [[1, 0, 'x'], [3, 0, 's'], [4, 0, 'doc'], [7, 0, 'y'], [10, 0, 'if'], [11, 8, 'z']],
  );
  assert.doesNotMatch(lines[2]!.code, /def/, 'string contents are not code');
});

test('lexer: an unterminated string or unbalanced brackets keep the whole file for the parser', () => {
  for (const bad of ['x = "abc\ny = 1\n', 'x = (1,\ny = 2\n', 'x = 1)\n', 's = """never closed\n']) {
    assert.equal(logicalLines(bad), null, JSON.stringify(bad));
    const text = `def f():\n    return 1\n${bad}`;
    assert.deepEqual(skeletonOf(text, VEC_AND_PRINT), { text, skipped: 0 });
  }
});

test('pipeline: findings and syntax errors in a parsed skeleton are where they are in the file', async () => {
  const parser = await getParser();
  const findings = analyzeText(parser, MODULE, 'library', ALL);
  assert.deepEqual(
    findings.map((f) => [f.code, f.line, f.column]),
    [['VEC001', 13, 5], ['VEC001', 34, 9]],
  );
  // an error in a kept unit: the whole file is parsed again, so the position is Python's
  const broken = MODULE.replace('        out[i] = a[i] * 2.0', '        out[i] = = a[i] * 2.0');
  const errors = analyzeText(parser, broken, 'library', ALL);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'E999');
  assert.equal(errors[0]!.line, 14);
  // a bracket never closed, anywhere: the lexer gives up and the parser reports it
  const unclosed = MODULE.replace('    return np.mean(x), np.std(x)', '    return np.mean(x, np.std(x)');
  assert.deepEqual(analyzeText(parser, unclosed, 'library', ALL).map((f) => f.code), ['E999']);
});

test('skeleton: a lone call is dropped, a block that merely ends in a call is not', () => {
  const source = [
    'import numpy as np',
    'add_newdoc("numpy", "thing", """long',
    'text""")',
    'if (np.__version__ > "2"):',
    '    table = np.zeros(8)',
    '    register(table)',
    'def f(a):',
    '    for i in range(len(a)):',
    '        a[i] = table[i]',
    '',
  ].join('\n');
  const { text, skipped } = skeletonOf(source, VEC_AND_PRINT);
  assert.equal(skipped, 1);
  assert.deepEqual(text.split('\n').slice(1, 6), ['pass', '', 'if (np.__version__ > "2"):', '    table = np.zeros(8)', '    register(table)']);
});
