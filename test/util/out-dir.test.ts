// --out DIR made ready before any work: created level by level, refused in one line when it cannot be written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { prepareOutDir, prepareOutFile } from '../../src/util/out-dir.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'vecprof-outdir-'));

/** Fails the test instead of hanging it when a regression brings back an endless loop. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

test('missing levels are created, and nothing but the directories is left behind', async () => {
  const base = temp();
  const dir = join(base, 'a', 'b', 'c');
  assert.equal(await prepareOutDir(dir, '--out'), dir);
  assert.ok(statSync(dir).isDirectory());
  assert.deepEqual(readdirSync(dir), [], 'the write probe is removed');
  assert.equal(await prepareOutDir(dir, '--out'), dir, 'an existing writable directory is fine');
});

test('a path under a file (ENOTDIR) is one usage error naming the option and the file in the way', async () => {
  const base = temp();
  writeFileSync(join(base, 'hostname'), 'x');
  await assert.rejects(within(5000, prepareOutDir(join(base, 'hostname', 'sub'), '--out')), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.oneLine(), /^cannot write to --out .*hostname\/sub: not a directory \(.*hostname is a file\): choose a writable directory$/);
    return true;
  });
  await assert.rejects(prepareOutDir(join(base, 'hostname'), '--out'), /cannot write to --out .*hostname: not a directory$/);
});

test('a directory under /proc is refused at once (Node 20\'s recursive mkdir spins forever there)', async (t) => {
  if (!existsSync('/proc/self')) {
    t.skip('no /proc here');
    return;
  }
  const started = Date.now();
  await assert.rejects(within(5000, prepareOutDir('/proc/vecprof-test/x', '--out')), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.match(e.message, /^cannot write to --out \/proc\/vecprof-test\/x: /);
    return true;
  });
  assert.ok(Date.now() - started < 2000);
});

test('--html FILE: its folder is prepared; a directory given as the file is refused', async () => {
  const base = temp();
  const file = join(base, 'reports', 'budget.html');
  assert.equal(await prepareOutFile(file, '--html'), file);
  assert.ok(statSync(join(base, 'reports')).isDirectory());
  await assert.rejects(prepareOutFile(base, '--html'), /cannot write to --html .*: it is a directory/);
});

test('an empty path is refused by name, not resolved to the working directory', async () => {
  await assert.rejects(prepareOutFile('', '--html'), (err: unknown) => err instanceof UsageError && /--html was given an empty path/.test(err.message));
  await assert.rejects(prepareOutDir('  ', '--out'), (err: unknown) => err instanceof UsageError && /--out was given an empty path/.test(err.message));
});
