import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileKindOf } from '../../src/check/filekind.js';

test('file kinds come from the path below the argument and the shebang', () => {
  assert.equal(fileKindOf('pkg/core.py', 'imp'), 'library');
  assert.equal(fileKindOf('core.py', 'imp'), 'library');
  assert.equal(fileKindOf('pkg/test_core.py', 'imp'), 'test');
  assert.equal(fileKindOf('pkg/core_test.py', 'imp'), 'test');
  assert.equal(fileKindOf('conftest.py', 'imp'), 'test');
  assert.equal(fileKindOf('pkg/tests/helpers.py', 'imp'), 'test');
  assert.equal(fileKindOf('test/helpers.py', 'imp'), 'test');
  assert.equal(fileKindOf('tool.py', '#!/usr/bin/env python3'), 'script');
  assert.equal(fileKindOf('scripts/train.py', 'imp'), 'script');
  assert.equal(fileKindOf('examples/demo.py', 'imp'), 'script');
  assert.equal(fileKindOf('bin/run.py', 'imp'), 'script');
  assert.equal(fileKindOf('nb/analysis.ipynb', '{'), 'notebook');
  assert.equal(fileKindOf('testing/core.py', 'imp'), 'library', 'only whole segments count');
  assert.equal(fileKindOf('contest.py', 'imp'), 'library');
});
