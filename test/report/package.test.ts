import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../../testkit/run-cli.js';

test('npm pack ships the report page bundle next to the code that inlines it', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
  for (const f of ['dist/src/report/build.js', 'dist/src/report/front.bundle.js', 'dist/src/report/front.bundle.css']) assert.ok(files.has(f), f);
  assert.ok(![...files].some((f) => f.startsWith('src/report/front/')), 'the front-end sources stay out (the bundle is enough)');
});
