import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { enabledCodes, findPyproject, loadConfig, validateSelector, type CheckConfig } from '../../src/check/config.js';

const none: CheckConfig = { root: '/', source: null, select: [], ignore: [], exclude: [], perFileIgnores: [] };

function project(toml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-config-'));
  writeFileSync(join(dir, 'pyproject.toml'), toml);
  mkdirSync(join(dir, 'src', 'pkg'), { recursive: true });
  return dir;
}

test('every rule is on by default, and E999/E902 always are', () => {
  const on = enabledCodes(none, {});
  for (const code of ['VEC001', 'VEC005', 'LOG001', 'E999', 'E902']) assert.ok(on.has(code), code);
});

test('select by prefix, ignore by code; the more specific selector wins', () => {
  const on = enabledCodes(none, { select: ['VEC'], ignore: ['VEC001'] });
  assert.ok(!on.has('VEC001'));
  assert.ok(on.has('VEC005'));
  assert.ok(!on.has('LOG001'));
  const back = enabledCodes({ ...none, ignore: ['VEC'] }, { select: ['VEC001'] });
  assert.ok(back.has('VEC001'), 'VEC001 is more specific than the ignored VEC');
  assert.ok(!back.has('VEC005'));
  assert.ok(back.has('E999'), 'syntax errors cannot be turned off');
});

test('--select replaces the config select; --ignore and --extend-select add to it', () => {
  const cfg = { ...none, select: ['LOG001'], ignore: ['VEC005'] };
  assert.deepEqual([...enabledCodes(cfg, {})].filter((c) => !c.startsWith('E')), ['LOG001']);
  const cli = enabledCodes(cfg, { select: ['VEC'] });
  assert.ok(cli.has('VEC001') && !cli.has('VEC005') && !cli.has('LOG001'));
  const ext = enabledCodes(cfg, { extendSelect: ['VEC001'] });
  assert.ok(ext.has('VEC001') && ext.has('LOG001'));
});

test('unknown selectors are usage errors naming the selector', () => {
  assert.throws(() => validateSelector('VEC999', 'here'), (e: unknown) => e instanceof UsageError && /VEC999/.test(e.message));
  assert.throws(() => enabledCodes(none, { select: ['XYZ'] }), (e: unknown) => e instanceof UsageError && e.exitCode === 2);
  assert.doesNotThrow(() => validateSelector('vec00', 'here'));
  assert.doesNotThrow(() => validateSelector('ALL', 'here'));
});

test('[tool.vecprof] is read from the nearest pyproject.toml, walking up', () => {
  const dir = project('[tool.vecprof]\nselect = ["VEC"]\nignore = ["VEC005"]\nexclude = ["gen/"]\n[tool.vecprof.per-file-ignores]\n"tests/*.py" = ["VEC001"]\n');
  assert.equal(findPyproject(join(dir, 'src', 'pkg')), join(dir, 'pyproject.toml'));
  const cfg = loadConfig(join(dir, 'src', 'pkg'));
  assert.equal(cfg.root, dir);
  assert.deepEqual(cfg.select, ['VEC']);
  assert.deepEqual(cfg.ignore, ['VEC005']);
  assert.deepEqual(cfg.exclude, ['gen/']);
  assert.deepEqual(cfg.perFileIgnores, [{ pattern: 'tests/*.py', codes: ['VEC001'] }]);
});

test('a pyproject without [tool.vecprof] changes nothing', () => {
  const cfg = loadConfig(project('[project]\nname = "x"\n'));
  assert.deepEqual(cfg.select, []);
});

test('malformed TOML is a usage error with the file and line', () => {
  const dir = project('[tool.vecprof]\nselect = ["VEC"\n');
  assert.throws(
    () => loadConfig(dir),
    (e: unknown) => e instanceof UsageError && /malformed pyproject.toml/.test(e.message) && /pyproject\.toml:\d+/.test(e.oneLine()),
  );
});

test('wrong types, unknown keys and unknown codes in the config are usage errors', () => {
  assert.throws(() => loadConfig(project('[tool.vecprof]\nselect = "VEC"\n')), /must be a list of strings/);
  assert.throws(() => loadConfig(project('[tool.vecprof]\nselekt = ["VEC"]\n')), /unknown key `selekt`/);
  assert.throws(() => loadConfig(project('[tool.vecprof]\nignore = ["NOPE1"]\n')), /unknown rule selector `NOPE1`/);
  assert.throws(() => loadConfig(project('[tool.vecprof.per-file-ignores]\n"a.py" = ["VEC0099"]\n')), /VEC0099/);
});
