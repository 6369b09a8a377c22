import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePointColumn, getParser, nodeStart, parsePython } from '../../src/check/parse.js';

test('valid Python parses with no syntax error', async () => {
  const parser = await getParser();
  const { tree, syntaxError } = parsePython(parser, 'import numpy as np\nx = np.zeros(3)\n');
  assert.equal(syntaxError, null);
  assert.equal(tree.rootNode.type, 'module');
  tree.delete();
});

test('a missing colon is one E999 at the line where the header breaks', async () => {
  const parser = await getParser();
  const { tree, syntaxError } = parsePython(parser, 'x = 1\nfor v in values\n    s += v\n');
  tree.delete();
  assert.ok(syntaxError);
  assert.equal(syntaxError.code, 'E999');
  assert.equal(syntaxError.line, 2);
  assert.match(syntaxError.message, /SyntaxError/);
});

test('an unclosed bracket is reported, not swallowed into line 1', async () => {
  const parser = await getParser();
  const { tree, syntaxError } = parsePython(parser, 'a = 1\nb = 2\nc = (3,\n');
  tree.delete();
  assert.ok(syntaxError);
  assert.ok(syntaxError.line >= 3, `line ${syntaxError.line}`);
});

test('columns count code points, not UTF-16 units', async () => {
  const parser = await getParser();
  const src = 's = "😀😀"; x = 1\n';
  const { tree } = parsePython(parser, src);
  const integer = tree.rootNode.descendantsOfType('integer')[0]!;
  // s, space, =, space, ", 😀, 😀, ", ;, space, x, space, =, space → `1` is the 15th code point.
  assert.equal(nodeStart(integer, src).column, 15);
  assert.equal(integer.startPosition.column, 16, 'tree-sitter itself counts UTF-16 units');
  tree.delete();
});

test('codePointColumn leaves BMP-only lines alone', () => {
  assert.equal(codePointColumn('abc\n  é = 1\n', 1, 4), 4);
  assert.equal(codePointColumn('😀x\n', 0, 2), 1);
});

test('the parser is created once per thread', async () => {
  assert.equal(await getParser(), await getParser());
});

test('E999 positions agree with CPython on the common mistakes', async () => {
  const parser = await getParser();
  // [source, line, column, message] — line/column as `python3 -c "import ast; ast.parse(src)"` reports them.
  const cases: Array<[string, number, number, RegExp]> = [
    ['for i in range(3)\n    pass\n', 1, 18, /expected `:`/],
    ['x = [1, 2\n', 1, 5, /`\[` was never closed/],
    ['x = (1,\ny = 2\n', 1, 5, /`\(` was never closed/],
    ['a = 1 +\n', 1, 8, /invalid syntax/],
    ['import numpy as np\nx = np.zeros(3))\n', 2, 16, /unmatched `\)`/],
  ];
  for (const [src, line, column, message] of cases) {
    const { tree, syntaxError } = parsePython(parser, src);
    tree.delete();
    assert.ok(syntaxError, src);
    assert.deepEqual([syntaxError.line, syntaxError.column], [line, column], src);
    assert.match(syntaxError.message, message, src);
  }
});
