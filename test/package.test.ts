// The published shape: what `npm pack` puts in the tarball is enough to run vecprof from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

test('the npm pack tarball installs into a fresh project and its vecprof runs', () => {
  const work = mkdtempSync(join(tmpdir(), 'vecprof-pack-'));
  const npm = (args: string[], cwd: string, timeout: number): string =>
    execFileSync('npm', args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  // --ignore-scripts: the tarball ships the dist/ already built (`prepare` would compile it again).
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT, 60_000)) as Array<{ filename: string }>;
  const tarball = join(work, packed[0]!.filename);
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'vecprof-pack-test', version: '1.0.0', private: true }));
  // From the npm cache when it can; an unreachable registry with a cold cache fails this test (execFileSync throws).
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project, 120_000);
  const bin = join(project, 'node_modules', '.bin', 'vecprof');
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim(), pkg.version);
  // The shipped Python helpers answer: doctor runs the interpreter probe from the installed package.
  const doctor = JSON.parse(execFileSync(bin, ['doctor', '--json'], { encoding: 'utf8', timeout: 30_000 })) as { python: { version: string } | null };
  assert.match(doctor.python?.version ?? '', /^3\.\d+/);
});
