import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../testkit/run-cli.js';
import { importProfileFile, sniffProfileFormat } from '../../../src/profile/import/index.js';
import { VecprofError } from '../../../src/errors.js';
import { fixtureText, python, withTempDir, withTempDirAsync } from './python.js';

const DIR = join(REPO_ROOT, 'test/fixtures/profile/formats');

function cprofileBytes(dir: string): Buffer {
  writeFileSync(join(dir, 's.py'), 'def f():\n    return sum(range(100))\n\nfor _ in range(3):\n    f()\n');
  python('import cProfile; cProfile.run(open("s.py").read(), "s.prof")', [], dir);
  return readFileSync(join(dir, 's.prof'));
}

test('sniffing tells a .prof, a speedscope file and raw collapsed stacks apart by content', () => {
  withTempDir((dir) => {
    assert.equal(sniffProfileFormat(cprofileBytes(dir)), 'pstats');
  });
  assert.equal(sniffProfileFormat(readFileSync(join(DIR, 'kernels.speedscope.json'))), 'speedscope');
  assert.equal(sniffProfileFormat(readFileSync(join(DIR, 'kernels.raw.txt'))), 'pyspy-raw');
  assert.equal(sniffProfileFormat(Buffer.from('{"$schema": "x"}')), 'speedscope');
  assert.equal(sniffProfileFormat(Buffer.from('a;b 3\n')), 'pyspy-raw');
  assert.equal(sniffProfileFormat(Buffer.from('hello world\n')), undefined);
  assert.equal(sniffProfileFormat(Buffer.alloc(0)), undefined);
});

test('importProfileFile reads each format whatever the file is called, and says where it came from', async () => {
  await withTempDirAsync(async (dir) => {
    const prof = cprofileBytes(dir);
    writeFileSync(join(dir, 'renamed.data'), prof);
    const p = await importProfileFile(join(dir, 'renamed.data'));
    assert.equal(p.meta.mode, 'cpu');
    assert.equal(p.functions.find((f) => f.name === 'f')?.calls, 3);
    assert.match(p.meta.passes[0]!.reason, /imported from .*renamed\.data/);
  });
  const s = await withTempDirAsync(async (dir) => {
    writeFileSync(join(dir, 'e.json'), fixtureText('element_loop.speedscope.json'));
    return importProfileFile(join(dir, 'e.json'));
  });
  assert.equal(s.meta.mode, 'sample');
  assert.equal(s.functions.find((f) => f.name === 'element_loop')?.line, 5, 'def line found in the source next to it');
  const r = await importProfileFile(join(DIR, 'element_loop.raw.txt'), { intervalSeconds: 0.01 });
  assert.equal(r.lines[0]?.line, 8);
  assert.ok(r.lines[0]!.time! > 0);
});

test('unknown, empty, missing and truncated files are one-line errors naming the file', async () => {
  await withTempDirAsync(async (dir) => {
    writeFileSync(join(dir, 'notes.txt'), 'just some notes\n');
    await assert.rejects(importProfileFile(join(dir, 'notes.txt')), (err: unknown) => {
      return err instanceof VecprofError && /^notes\.txt is not a profile format vecprof reads/.test(err.oneLine()) && /speedscope/.test(err.oneLine());
    });
    writeFileSync(join(dir, 'empty.prof'), '');
    await assert.rejects(importProfileFile(join(dir, 'empty.prof')), /empty\.prof is not a profile format/);
    await assert.rejects(importProfileFile(join(dir, 'nope.prof')), /cannot read profile file .*nope\.prof \(ENOENT\)/);
    const prof = cprofileBytes(dir);
    writeFileSync(join(dir, 'cut.prof'), prof.subarray(0, prof.length - 10));
    await assert.rejects(importProfileFile(join(dir, 'cut.prof')), new RegExp(`^VecprofError: cut\\.prof is truncated at byte ${prof.length - 10}: not a complete cProfile file`));
  });
});

test('a vecprof profile.json reads back as the same model; a damaged one is a clear error', async () => {
  await withTempDirAsync(async (dir) => {
    writeFileSync(join(dir, 'e.json'), fixtureText('element_loop.speedscope.json'));
    const original = await importProfileFile(join(dir, 'e.json'));
    const text = JSON.stringify(original, null, 2);
    writeFileSync(join(dir, 'profile.json'), text);
    assert.equal(sniffProfileFormat(Buffer.from(text)), 'vecprof-json');
    assert.deepEqual(await importProfileFile(join(dir, 'profile.json')), original);
    const reordered = JSON.stringify({ lines: original.lines, functions: original.functions, meta: original.meta, version: 1 });
    writeFileSync(join(dir, 'reordered.json'), reordered);
    assert.deepEqual((await importProfileFile(join(dir, 'reordered.json'))).lines, original.lines, 'key order does not matter');
    writeFileSync(join(dir, 'cut.json'), text.slice(0, 300));
    await assert.rejects(importProfileFile(join(dir, 'cut.json')), /cut\.json is not a valid vecprof profile\.json: the JSON is truncated or malformed/);
    const broken = { ...original, lines: [{ file: 'a.py' }] };
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(broken));
    await assert.rejects(importProfileFile(join(dir, 'broken.json')), /broken\.json is not a valid vecprof profile\.json: line 0 has no file and line/);
  });
});
