import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/util/atomic.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vecprof-atomic-'));
}

test('writeFileAtomic creates missing folders level by level and leaves only the file', async () => {
  const dir = tempDir();
  const file = join(dir, 'a', 'b', 'c', 'out.json');
  await writeFileAtomic(file, '{"ok":true}\n');
  writeFileAtomicSync(join(dir, 'a', 'sync.txt'), 'x');
  assert.equal(readFileSync(file, 'utf8'), '{"ok":true}\n');
  assert.deepEqual(readdirSync(join(dir, 'a', 'b', 'c')), ['out.json']);
  assert.deepEqual(readdirSync(join(dir, 'a')).sort(), ['b', 'sync.txt']);
});

test('writeFileAtomic fails at once under a file and under /proc (recursive mkdir would spin there)', { timeout: 10_000 }, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'plain'), 'a file\n');
  await assert.rejects(writeFileAtomic(join(dir, 'plain', 'sub', 'out.json'), 'x'), /EEXIST|ENOTDIR/);
  assert.throws(() => writeFileAtomicSync(join(dir, 'plain', 'out.json'), 'x'), /ENOTDIR|EEXIST/);
  const started = performance.now();
  await assert.rejects(writeFileAtomic(join('/proc', `vecprof-${process.pid}`, 'out.json'), 'x'));
  assert.ok(performance.now() - started < 2000, 'failed fast');
  assert.deepEqual(readdirSync(dir), ['plain']);
});
