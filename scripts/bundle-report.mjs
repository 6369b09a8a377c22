#!/usr/bin/env node
// Bundles the report's front end (src/report/front, TypeScript + CSS) into two minified files next to the compiled
// build.js, which inlines them into every report: dist/src/report/front.bundle.{js,css}. The front end is
// type-checked with its own tsconfig (DOM lib) first, since esbuild only strips types.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const front = join(root, 'src/report/front');
const outDir = join(root, 'dist/src/report');

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(front, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('bundle-report: the report front end has type errors (above)');
  process.exit(1);
}

const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', charset: 'utf8' };
await build({ ...common, entryPoints: [join(front, 'main.ts')], outfile: join(outDir, 'front.bundle.js'), format: 'iife', target: 'es2020' });
await build({ ...common, entryPoints: [join(front, 'style.css')], outfile: join(outDir, 'front.bundle.css'), target: ['chrome90', 'firefox90', 'safari15'] });
