import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { discover, type DiscoverOptions } from '../../src/check/discover.js';
import { pathMatcher } from '../../src/check/globs.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'vecprof-discover-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const opts = (cwd: string, extra: Partial<DiscoverOptions> = {}): DiscoverOptions => ({ cwd, exclude: [], respectGitignore: true, ...extra });

test('directories are walked for .py and .ipynb, sorted, with paths relative to the cwd', () => {
  const root = tree({ 'b.py': '', 'a/x.py': '', 'a/n.ipynb': '{}', 'a/readme.md': '', 'a/data.pyc': '' });
  const { files, problems } = discover(['.'], opts(root));
  assert.deepEqual(files.map((f) => f.displayPath), ['a/n.ipynb', 'a/x.py', 'b.py']);
  assert.deepEqual(problems, []);
  assert.equal(files[1]!.relPath, 'a/x.py');
});

test('virtualenvs, VCS and cache folders are skipped, but not the directory given', () => {
  const root = tree({ '.venv/lib/x.py': '', '.git/hooks/h.py': '', 'build/lib/b.py': '', '__pycache__/c.py': '', 'site-packages/s.py': '', 'ok.py': '' });
  assert.deepEqual(discover(['.'], opts(root)).files.map((f) => f.displayPath), ['ok.py']);
  assert.deepEqual(discover(['site-packages'], opts(root)).files.map((f) => f.displayPath), ['site-packages/s.py']);
});

test('.gitignore files are honoured, nested ones too, and can be turned off', () => {
  const root = tree({
    '.gitignore': 'out/\n*_pb2.py\n',
    'out/gen.py': '',
    'api_pb2.py': '',
    'src/.gitignore': 'local.py\n',
    'src/local.py': '',
    'src/core.py': '',
    'other/local.py': '',
  });
  assert.deepEqual(discover(['.'], opts(root)).files.map((f) => f.displayPath), ['other/local.py', 'src/core.py']);
  assert.equal(discover(['.'], opts(root, { respectGitignore: false })).files.length, 5);
});

test('an enclosing repository .gitignore applies below the argument, but never hides the argument itself', () => {
  const root = tree({ '.git/HEAD': '', '.gitignore': 'versions/\n*.tmp.py\n', 'versions/lib/a.py': '', 'versions/lib/b.tmp.py': '' });
  const files = discover([join(root, 'versions')], opts(root)).files.map((f) => f.displayPath);
  assert.deepEqual(files, ['versions/lib/a.py']);
});

test('--exclude patterns prune files and directories; explicit files are always checked', () => {
  const root = tree({ 'gen/a.py': '', 'src/b.py': '', 'src/b_test_data.py': '' });
  const exclude = [pathMatcher(root, ['gen', '*_data.py'])];
  assert.deepEqual(discover(['.'], opts(root, { exclude })).files.map((f) => f.displayPath), ['src/b.py']);
  const explicit = discover(['gen/a.py'], opts(root, { exclude })).files;
  assert.deepEqual(explicit.map((f) => [f.displayPath, f.explicit, f.relPath]), [['gen/a.py', true, 'a.py']]);
});

test('a non-existent path is a usage error naming it', () => {
  const root = tree({});
  assert.throws(() => discover(['nope/missing.py'], opts(root)), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /nope\/missing\.py/.test(e.message));
});

test('symlink loops, broken links and FIFOs are problems, not hangs', () => {
  const root = tree({ 'pkg/ok.py': '' });
  symlinkSync('self.py', join(root, 'pkg', 'self.py'));
  symlinkSync('missing.py', join(root, 'pkg', 'dangling.py'));
  symlinkSync('..', join(root, 'pkg', 'up')); // a directory cycle
  execFileSync('mkfifo', [join(root, 'pkg', 'pipe.py')]);
  const { files, problems } = discover(['.'], opts(root));
  assert.deepEqual(files.map((f) => f.displayPath), ['pkg/ok.py']);
  const byPath = Object.fromEntries(problems.map((p) => [p.displayPath, p.message]));
  assert.match(byPath['pkg/self.py']!, /symbolic link loop/);
  assert.match(byPath['pkg/dangling.py']!, /broken symbolic link/);
  assert.match(byPath['pkg/pipe.py']!, /not a regular file/);
  assert.equal(problems.length, 3);
});
