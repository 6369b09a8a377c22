// The published shape: what `npm pack` puts in the tarball is enough to run vecprof from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../testkit/run-cli.js';

test('npm pack ships the CLI, the compiled code, every Python helper and the plot font', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
  for (const required of ['bin/vecprof.js', 'dist/src/cli.js', 'package.json', 'README.md']) assert.ok(files.has(required), required);
  for (const helper of readdirSync(join(REPO_ROOT, 'python')).filter((f) => f.endsWith('.py'))) {
    assert.ok(files.has(`python/${helper}`), `python/${helper} is shipped`);
  }
  assert.ok([...files].some((f) => f.startsWith('assets/fonts/') && f.endsWith('.ttf')), 'a font for PNG plots');
  assert.ok(![...files].some((f) => f.startsWith('test/') || f.startsWith('dist/test/')), 'tests stay out of the tarball');
});

test('package.json bin points at an executable script with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; engines: { node: string } };
  const bin = readFileSync(join(REPO_ROOT, pkg.bin.vecprof!), 'utf8');
  assert.match(bin, /^#!\/usr\/bin\/env node\n/);
  assert.equal(pkg.engines.node, '>=20');
});
