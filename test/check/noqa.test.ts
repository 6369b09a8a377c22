import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyNoqa, fileNoqa, lineNoqa } from '../../src/check/noqa.js';

test('line noqa: bare, with codes, with prefixes, case-insensitive', () => {
  assert.equal(lineNoqa('for x in a:  # noqa'), 'all');
  assert.deepEqual(lineNoqa('for x in a:  # noqa: VEC001, VEC004'), ['VEC001', 'VEC004']);
  assert.deepEqual(lineNoqa('for x in a:  #noqa:vec001 log001'), ['VEC001', 'LOG001']);
  assert.equal(lineNoqa('for x in a:'), null);
  assert.equal(lineNoqa('s = "# not a comment"'), null);
});

test('file-level `# vecprof: noqa` skips the file; with codes it drops those codes', () => {
  assert.deepEqual(fileNoqa('# vecprof: noqa\nimport numpy\n'), { kind: 'all' });
  assert.deepEqual(fileNoqa('import numpy\n# vecprof: noqa: VEC001\n'), { kind: 'codes', codes: ['VEC001'] });
  assert.deepEqual(fileNoqa('x = 1  # noqa\n'), { kind: 'none' });
  assert.deepEqual(fileNoqa('x = "# vecprof: noqa"\n'), { kind: 'none' }, 'only as a comment line of its own');
});

test('applyNoqa keeps unsuppressed findings and never silences E999', () => {
  const lines = ['for x in a:  # noqa: VEC001', 'print(x)  # noqa: VEC', 'y(  # noqa', 'z = 1'];
  const findings = [
    { code: 'VEC001', line: 1 },
    { code: 'VEC004', line: 1 },
    { code: 'LOG001', line: 2 },
    { code: 'VEC002', line: 2 },
    { code: 'E999', line: 3 },
    { code: 'VEC001', line: 4 },
  ];
  const kept = applyNoqa(findings, lines, { kind: 'none' });
  assert.deepEqual(kept, [
    { code: 'VEC004', line: 1 },
    { code: 'LOG001', line: 2 },
    { code: 'E999', line: 3 },
    { code: 'VEC001', line: 4 },
  ]);
  assert.deepEqual(applyNoqa(findings, ['', '', '', ''], { kind: 'codes', codes: ['VEC'] }).map((f) => f.code), ['LOG001', 'E999']);
});
