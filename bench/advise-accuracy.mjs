#!/usr/bin/env node
// Predicted vs measured speedup of each seed pattern's rewrite (issue 5). Run after `npm run build`:
//   node bench/advise-accuracy.mjs      → bench/results/advise-accuracy.md
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { accuracyTable, measurePattern, PATTERNS } = await import(join(root, 'dist/testkit/advise-accuracy.js'));
const env = { VECPROF_CACHE_DIR: mkdtempSync(join(tmpdir(), 'vecprof-bench-accuracy-')) };
const rows = [];
for (const { file, code } of PATTERNS) {
  rows.push(await measurePattern(file, code, env, 5));
  process.stderr.write(`${file}: ratio ${rows.at(-1).ratio.toFixed(2)}\n`);
}
const within = rows.filter((r) => r.ratio >= 0.5 && r.ratio <= 2).length;
const report = [
  `Machine: ${cpus()[0].model}, ${cpus().length} CPUs; load average ${loadavg()[0].toFixed(2)}; ${new Date().toISOString()}`,
  '',
  accuracyTable(rows),
  '',
  `${within} of ${rows.length} patterns within 2× (target: all).`,
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/advise-accuracy.md'), `${report}\n`);
process.stdout.write(`${report}\n`);
