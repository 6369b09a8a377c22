import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotebookError, parseNotebook } from '../../src/check/notebook.js';

const nb = (cells: unknown[]): string => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

test('code cells are joined and every line maps back to (cell, line), counting markdown cells', () => {
  const src = parseNotebook(
    nb([
      { cell_type: 'markdown', source: '# title' },
      { cell_type: 'code', source: ['import numpy as np\n', 'a = np.ones(5)'] },
      { cell_type: 'code', source: 'b = a * 2\nc = b + 1\n' },
    ]),
  );
  assert.equal(src.text, 'import numpy as np\na = np.ones(5)\nb = a * 2\nc = b + 1\n');
  assert.deepEqual(src.lineMap, [
    { cell: 2, line: 1 },
    { cell: 2, line: 2 },
    { cell: 3, line: 1 },
    { cell: 3, line: 2 },
  ]);
});

test('cell magics drop the cell; line magics, shell escapes and help are blanked', () => {
  const src = parseNotebook(
    nb([
      { cell_type: 'code', source: '%%bash\nfor x in *; do echo $x; done\n' },
      { cell_type: 'code', source: '%matplotlib inline\n!pip install numpy\n  %time f()\nnp.sum?\nx = 1\n' },
    ]),
  );
  assert.equal(src.text, '\n\n\n\nx = 1\n');
  assert.deepEqual(src.lineMap[4], { cell: 2, line: 5 });
  assert.deepEqual(src.cellLines.get(1), ['%%bash', 'for x in *; do echo $x; done'], 'magic cells still have lines for frames');
});

test('a notebook with no code is empty text', () => {
  assert.equal(parseNotebook(nb([{ cell_type: 'markdown', source: 'hi' }])).text, '');
});

test('broken JSON and non-notebooks are NotebookErrors saying which', () => {
  assert.throws(() => parseNotebook('{"cells": ['), (e: unknown) => e instanceof NotebookError && /not valid JSON/.test(e.message));
  assert.throws(() => parseNotebook('[1, 2]'), (e: unknown) => e instanceof NotebookError && /not a Jupyter notebook/.test(e.message));
  assert.throws(() => parseNotebook(nb([{ cell_type: 'code', source: 42 }])), /cell 1 has a source/);
  assert.throws(() => parseNotebook(nb([7])), /cell 1 is not an object/);
});

test('nbformat 3 notebooks (worksheets, `input`) are read too', () => {
  const v3 = JSON.stringify({
    nbformat: 3,
    worksheets: [{ cells: [{ cell_type: 'heading', source: 'T' }, { cell_type: 'code', input: ['import numpy as np\n', 'x = np.ones(3)\n'] }] }],
  });
  const src = parseNotebook(v3);
  assert.equal(src.text, 'import numpy as np\nx = np.ones(3)\n');
  assert.deepEqual(src.lineMap[1], { cell: 2, line: 2 });
});
