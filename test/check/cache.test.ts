import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, defaultCacheDir, readCache, writeCache } from '../../src/check/cache.js';

const bytes = new TextEncoder().encode('import numpy as np\n');
const finding = { code: 'VEC001', message: 'm', line: 1, column: 1, endLine: 1, endColumn: 4 };

test('the key changes with content, kind and enabled rules, not with their order', () => {
  const k = cacheKey(['VEC001', 'LOG001'], 'library', bytes);
  assert.equal(k, cacheKey(['LOG001', 'VEC001'], 'library', bytes));
  assert.notEqual(k, cacheKey(['VEC001'], 'library', bytes));
  assert.notEqual(k, cacheKey(['VEC001', 'LOG001'], 'test', bytes));
  assert.notEqual(k, cacheKey(['VEC001', 'LOG001'], 'library', new TextEncoder().encode('import numpy as np \n')));
});

test('entries round-trip; a missing entry is a miss', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-cache-'));
  const key = cacheKey(['VEC001'], 'library', bytes);
  assert.equal(readCache(dir, key), null);
  assert.ok(writeCache(dir, key, [finding]));
  assert.deepEqual(readCache(dir, key), [finding]);
  const leftovers = readdirSync(join(dir, 'check', key.slice(0, 2))).filter((n) => n.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'atomic writes leave no temp files');
});

test('a corrupt or foreign entry is a miss, never an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-cache-'));
  const key = cacheKey(['VEC001'], 'library', bytes);
  writeCache(dir, key, [finding]);
  const path = join(dir, 'check', key.slice(0, 2), `${key.slice(2)}.json`);
  for (const junk of ['{"key": "', '', 'null', JSON.stringify({ key, findings: [{ code: 1 }] }), JSON.stringify({ key: 'other', findings: [] })]) {
    writeFileSync(path, junk);
    assert.equal(readCache(dir, key), null, junk);
  }
});

test('an unwritable cache directory only costs speed', () => {
  // A regular file where the directory should be: mkdir fails with ENOTDIR (not /proc: Node's recursive mkdir spins there).
  const blocker = join(mkdtempSync(join(tmpdir(), 'vecprof-cache-')), 'blocker');
  writeFileSync(blocker, '');
  assert.equal(writeCache(join(blocker, 'sub'), 'ab'.repeat(32), []), false);
});

test('cache dir: VECPROF_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
  assert.equal(defaultCacheDir({ VECPROF_CACHE_DIR: '/x/y' }), '/x/y');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }), '/xdg/vecprof');
  assert.match(defaultCacheDir({}), /\.cache\/vecprof$/);
});
