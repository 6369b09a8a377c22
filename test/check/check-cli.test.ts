import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, REPO_ROOT, type CliOptions } from '../../testkit/run-cli.js';
import type { Finding } from '../../src/check/types.js';

const FIX = join(REPO_ROOT, 'test', 'fixtures', 'check', 'infra');
const cacheDir = mkdtempSync(join(tmpdir(), 'vecprof-check-cache-'));

function check(args: string[], opts: CliOptions = {}): ReturnType<typeof runCli> {
  return runCli(['check', ...args], { ...opts, env: { VECPROF_CACHE_DIR: cacheDir, ...opts.env } });
}

async function checkJson(args: string[], opts: CliOptions = {}): Promise<{ code: number | null; findings: Finding[]; stderr: string }> {
  const r = await check(['--output-format', 'json', ...args], opts);
  return { code: r.code, findings: JSON.parse(r.stdout) as Finding[], stderr: r.stderr };
}

function scratch(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-check-'));
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), data);
  }
  return dir;
}

const LOOP = 'import numpy as np\n\n\ndef total(values: np.ndarray) -> float:\n    s = 0.0\n    for v in values:\n        s += v\n    return s\n';

test('findings: ruff-like lines, a code frame with a caret, the summary, exit 1', async () => {
  const r = await check([join(FIX, 'loops.py')], { cwd: FIX });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^loops\.py:6:5: VEC001 /m);
  assert.match(r.stdout, /^loops\.py:12:5: LOG001 /m);
  assert.match(r.stdout, /^6 \|     for v in values:$/m);
  assert.match(r.stdout, /^ {2}\| {5}\^+ VEC001$/m);
  assert.match(r.stdout, /^Found \d+ findings? in 1 file \(1 file checked\)\.$/m);
});

test('a clean file: exit 0 and the all-clear summary', async () => {
  const r = await check([join(FIX, 'clean.py')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'All checked: no findings (1 file checked).\n');
});

test('JSON output is sorted Finding objects with only the declared fields', async () => {
  const { code, findings } = await checkJson([FIX], { cwd: REPO_ROOT });
  assert.equal(code, 1);
  const allowed = new Set(['path', 'cell', 'line', 'column', 'endLine', 'endColumn', 'code', 'message', 'symbol', 'loop', 'fix']);
  for (const f of findings) for (const k of Object.keys(f)) assert.ok(allowed.has(k), k);
  const keys = findings.map((f) => [f.path, f.cell ?? 0, f.line, f.column]);
  const sorted = [...keys].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number) || (a[3] as number) - (b[3] as number)));
  assert.deepEqual(keys, sorted);
  assert.ok(findings.every((f) => f.path.startsWith('test/fixtures/check/infra/')));
});

test('noqa on a line, bare noqa, and a file-level `# vecprof: noqa`', async () => {
  const { findings } = await checkJson([join(FIX, 'suppressed.py'), join(FIX, 'skipped_file.py')]);
  assert.deepEqual(findings, []);
});

test('a syntax error is one E999 at its line and other files are still checked', async () => {
  const { code, findings } = await checkJson([join(FIX, 'syntax_error.py'), join(FIX, 'loops.py')], { cwd: FIX });
  assert.equal(code, 1);
  const e999 = findings.filter((f) => f.code === 'E999');
  assert.equal(e999.length, 1);
  assert.equal(e999[0]!.path, 'syntax_error.py');
  assert.equal(e999[0]!.line, 6);
  assert.ok(findings.some((f) => f.path === 'loops.py' && f.code === 'VEC001'));
});

test('columns are code points after astral characters', async () => {
  const { findings } = await checkJson([join(FIX, 'unicode.py')]);
  const log = findings.find((f) => f.code === 'LOG001');
  assert.ok(log, JSON.stringify(findings));
  assert.equal(log.line, 6);
  assert.equal(log.column, 18);
});

test('notebooks: positions as cell N:line:col counting every cell; magic cells skipped; no LOG001', async () => {
  const { findings } = await checkJson([join(FIX, 'analysis.ipynb')], { cwd: FIX });
  assert.ok(findings.length >= 1, 'the loop in cell 5 is found');
  for (const f of findings) {
    assert.equal(f.cell, 5, JSON.stringify(f));
    assert.notEqual(f.code, 'LOG001');
  }
  const loop = findings.find((f) => f.code.startsWith('VEC'))!;
  assert.deepEqual([loop.line, loop.column], [2, 1]);
  const text = await check([join(FIX, 'analysis.ipynb')], { cwd: FIX });
  assert.match(text.stdout, /^analysis\.ipynb:cell 5:2:1: VEC\d{3} /m);
  assert.match(text.stdout, /^2 \| for x in samples:$/m);
});

test('bad input is reported per file, never a crash or a hang', async () => {
  const big = Buffer.alloc(11 * 1024 * 1024, 0x20);
  const dir = scratch({
    'latin1.py': Buffer.from('import numpy as np\nnom = "caf\xe9"\n', 'latin1'),
    'nul.py': Buffer.from('import numpy\x00\n', 'latin1'),
    'empty.py': '',
    'huge.py': big,
    'broken.ipynb': '{"cells": [',
    'not_nb.ipynb': '[1, 2, 3]',
    'locked.py': LOOP,
  });
  chmodSync(join(dir, 'locked.py'), 0o000);
  symlinkSync('loop.py', join(dir, 'loop.py'));
  symlinkSync('gone.py', join(dir, 'dangling.py'));
  const { code, findings, stderr } = await checkJson(['.'], { cwd: dir, timeoutMs: 30_000 });
  assert.equal(code, 1, stderr);
  const msg = (p: string): string => findings.find((f) => f.path === p && f.code === 'E902')?.message ?? '(no E902)';
  assert.match(msg('latin1.py'), /not valid UTF-8/);
  assert.match(msg('nul.py'), /NUL bytes/);
  assert.match(msg('huge.py'), /larger than 10 MB/);
  assert.match(msg('broken.ipynb'), /broken notebook: not valid JSON/);
  assert.match(msg('not_nb.ipynb'), /not a Jupyter notebook/);
  assert.match(msg('loop.py'), /symbolic link loop/);
  assert.match(msg('dangling.py'), /broken symbolic link/);
  assert.ok(!findings.some((f) => f.path === 'empty.py'), 'an empty file is clean');
  if (process.getuid?.() === 0) {
    // root reads through chmod 000: the file is simply checked.
    assert.ok(findings.some((f) => f.path === 'locked.py' && f.code === 'VEC001'));
  } else {
    assert.match(msg('locked.py'), /permission denied/);
  }
  for (const f of findings.filter((x) => x.code === 'E902')) assert.deepEqual([f.line, f.column], [1, 1]);
});

test('a non-existent path is a usage error: exit 2, the path named, nothing on stdout', async () => {
  const r = await check(['no/such/dir']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /path not found: no\/such\/dir/);
  assert.equal(r.stdout, '');
});

test('--select, --ignore and unknown codes', async () => {
  const only = await checkJson(['--select', 'LOG', join(FIX, 'loops.py')]);
  assert.deepEqual([...new Set(only.findings.map((f) => f.code))], ['LOG001']);
  const ignored = await checkJson(['--ignore', 'LOG001,VEC', join(FIX, 'loops.py')]);
  assert.equal(ignored.code, 0);
  assert.deepEqual(ignored.findings, []);
  const bad = await check(['--select', 'VEC999', join(FIX, 'loops.py')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown rule selector `VEC999`/);
});

test('[tool.vecprof]: ignore, per-file-ignores and exclude from pyproject.toml; a malformed one is exit 2', async () => {
  const dir = scratch({
    'pyproject.toml': '[tool.vecprof]\nignore = ["LOG001"]\nexclude = ["generated/"]\n[tool.vecprof.per-file-ignores]\n"legacy/*.py" = ["VEC"]\n',
    'src/a.py': `${LOOP}\ndef f(x):\n    print(x)\n`,
    'legacy/old.py': LOOP,
    'generated/gen.py': LOOP,
  });
  const { findings } = await checkJson(['.'], { cwd: dir });
  assert.deepEqual([...new Set(findings.map((f) => `${f.path} ${f.code}`))], ['src/a.py VEC001']);
  writeFileSync(join(dir, 'pyproject.toml'), '[tool.vecprof\nignore = 1\n');
  const r = await check(['.'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /malformed pyproject\.toml/);
});

test('--exclude on the command line and .gitignore', async () => {
  const dir = scratch({ '.gitignore': 'out/\n', 'out/a.py': LOOP, 'skip/b.py': LOOP, 'keep/c.py': LOOP });
  const { findings } = await checkJson(['--exclude', 'skip', '.'], { cwd: dir });
  assert.deepEqual([...new Set(findings.map((f) => f.path))], ['keep/c.py']);
});

test('the cache: same answers warm, corrupt entries ignored, --no-cache writes nothing', async () => {
  const dir = scratch({ 'a.py': LOOP, 'b.py': `${LOOP}\n# b\n` });
  const cache = mkdtempSync(join(tmpdir(), 'vecprof-cache-cli-'));
  const env = { VECPROF_CACHE_DIR: cache };
  const cold = await check(['--output-format', 'json', '.'], { cwd: dir, env });
  assert.ok(existsSync(join(cache, 'check')), 'entries written');
  const warm = await check(['--output-format', 'json', '--log-level', 'debug', '.'], { cwd: dir, env });
  assert.equal(warm.stdout, cold.stdout);
  assert.match(warm.stderr, /"cacheHits":2/);
  // Damage every entry: the run must still give the same answer.
  const { execFileSync } = await import('node:child_process');
  execFileSync('sh', ['-c', `find "${cache}/check" -name '*.json' -exec sh -c 'printf "{broken" > "$1"' _ {} \\;`]);
  const damaged = await check(['--output-format', 'json', '.'], { cwd: dir, env });
  assert.equal(damaged.stdout, cold.stdout);
  const fresh = mkdtempSync(join(tmpdir(), 'vecprof-nocache-'));
  await check(['--no-cache', '.'], { cwd: dir, env: { VECPROF_CACHE_DIR: fresh } });
  assert.ok(!existsSync(join(fresh, 'check')));
});

test('worker threads and the main thread give the same findings', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`m${i}.py`] = `${LOOP}\n${'# padding line\n'.repeat(800)}`;
  const dir = scratch(files);
  const threaded = await check(['--no-cache', '--threads', '2', '--output-format', 'json', '--log-level', 'debug', '.'], { cwd: dir });
  assert.match(threaded.stderr, /"threads":2/);
  const inline = await check(['--no-cache', '--threads', '0', '--output-format', 'json', '.'], { cwd: dir });
  assert.equal(threaded.stdout, inline.stdout);
  assert.equal((JSON.parse(threaded.stdout) as Finding[]).filter((f) => f.code === 'VEC001').length, 40);
});

test('--output-file writes the report there and nothing to stdout; --exit-zero', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'vecprof-out-')), 'report.json');
  const r = await check(['--exit-zero', '--output-format', 'json', '-o', out, join(FIX, 'loops.py')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.ok((JSON.parse(readFileSync(out, 'utf8')) as Finding[]).length >= 2);
});

test('an unknown --output-format is a usage error', async () => {
  const r = await check(['--output-format', 'xml', FIX]);
  assert.equal(r.code, 2);
});

test('--stdin-filename checks stdin as that file; with paths it is a usage error', async () => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('../../testkit/run-cli.js');
  const run = (args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [CLI, 'check', '--no-cache', '--output-format', 'json', ...args], { input: LOOP, encoding: 'utf8', cwd: FIX, env: { ...process.env, NO_COLOR: '1' } });
  const r = run(['--stdin-filename', 'pkg/edited.py']);
  assert.equal(r.status, 1, String(r.stderr));
  const findings = JSON.parse(String(r.stdout)) as Finding[];
  assert.deepEqual(findings.map((f) => [f.path, f.code, f.line]), [['pkg/edited.py', 'VEC001', 6]]);
  const bad = run(['--stdin-filename', 'x.py', 'loops.py']);
  assert.equal(bad.status, 2);
  assert.match(String(bad.stderr), /--stdin-filename checks stdin only/);
});

test('a syntax error in a function that cannot hold a finding: seen with --full-parse and from an editor', async () => {
  const source = `${LOOP}\n\ndef broken(x):\n    return x +* 2\n`;
  const dir = scratch({ 'mod.py': source });
  const quick = await checkJson(['--no-cache', 'mod.py'], { cwd: dir });
  assert.deepEqual(quick.findings.map((f) => [f.code, f.line]), [['VEC001', 6]], 'the default parses only the loop');
  const full = await checkJson(['--no-cache', '--full-parse', 'mod.py'], { cwd: dir });
  assert.deepEqual(full.findings.map((f) => [f.code, f.line]), [['E999', 12]]);
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('../../testkit/run-cli.js');
  const editor = spawnSync(process.execPath, [CLI, 'check', '--no-cache', '--output-format', 'json', '--stdin-filename', 'mod.py'], { input: source, encoding: 'utf8', cwd: dir });
  assert.deepEqual((JSON.parse(editor.stdout) as Finding[]).map((f) => [f.code, f.line]), [['E999', 12]]);
});
