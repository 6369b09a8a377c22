import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidates, locatePython } from '../../src/python/locate.js';

function fakeEnv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-env-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'python'), '');
  return dir;
}

test('--python wins over everything, then $VECPROF_PYTHON', () => {
  const venv = fakeEnv();
  assert.deepEqual(candidates({ python: '/x/py', env: { VECPROF_PYTHON: '/y/py', VIRTUAL_ENV: venv } }), [{ command: '/x/py', source: '--python' }]);
  assert.deepEqual(candidates({ env: { VECPROF_PYTHON: '/y/py', VIRTUAL_ENV: venv } }), [{ command: '/y/py', source: 'VECPROF_PYTHON' }]);
});

test('an active virtualenv, then conda, then python3 and python on PATH', () => {
  const venv = fakeEnv();
  const conda = fakeEnv();
  assert.deepEqual(
    candidates({ env: { VIRTUAL_ENV: venv, CONDA_PREFIX: conda } }).map((c) => c.source),
    ['virtualenv', 'conda', 'PATH', 'PATH'],
  );
  assert.equal(candidates({ env: { VIRTUAL_ENV: venv } })[0]!.command, join(venv, 'bin', 'python'));
  // A stale VIRTUAL_ENV whose interpreter is gone is skipped rather than failing.
  assert.deepEqual(candidates({ env: { VIRTUAL_ENV: '/gone/venv' } }).map((c) => c.command), ['python3', 'python']);
});

test('locatePython finds python3 with NumPy here', async () => {
  const info = await locatePython({ env: {} });
  assert.equal(info.source, 'PATH');
  assert.ok(info.numpy);
  assert.match(info.version, /^3\.\d+/);
});

test('a --python that does not exist is one clear error', async () => {
  await assert.rejects(locatePython({ python: '/nope/python' }), /Python interpreter not found: \/nope\/python/);
});
