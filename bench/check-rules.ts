// Cost of analysis (array facts + the seven rules) next to the cost of parsing, on scipy's Python sources.
// Run: node dist/bench/check-rules.js [DIR] [ROUNDS]   (DIR defaults to the installed scipy package)
// Prints, per round and as medians: parse ms, analysis ms, their ratio, findings per rule. One thread, no cache:
// this isolates what src/check/arrays.ts and src/check/rules/ add to every file that passes the pre-filter.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median } from 'simple-statistics';
import { analyze } from '../src/check/analyze.js';
import { getParser, parsePython } from '../src/check/parse.js';
import { writeStdout } from '../src/render/output.js';

function pyFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) pyFiles(p, out);
    else if (name.endsWith('.py')) out.push(p);
  }
  return out;
}

const dir = process.argv[2] || execFileSync('python3', ['-c', 'import scipy, os; print(os.path.dirname(scipy.__file__))'], { encoding: 'utf8' }).trim();
const rounds = Number(process.argv[3] ?? 3);
const sources = pyFiles(dir).map((f) => readFileSync(f, 'utf8')).filter((s) => s.includes('numpy') || s.includes('print'));
const bytes = sources.reduce((n, s) => n + s.length, 0);
const parser = await getParser();
const parseMs: number[] = [];
const analyzeMs: number[] = [];
let counts: Record<string, number> = {};
for (let r = 0; r < rounds; r++) {
  let p = 0;
  let a = 0;
  counts = {};
  for (const src of sources) {
    const t0 = performance.now();
    const { tree, syntaxError } = parsePython(parser, src);
    const t1 = performance.now();
    const found = syntaxError ? [] : analyze({ tree, source: src, fileKind: 'library' });
    a += performance.now() - t1;
    p += t1 - t0;
    tree.delete();
    for (const f of found) counts[f.code] = (counts[f.code] ?? 0) + 1;
  }
  parseMs.push(p);
  analyzeMs.push(a);
  writeStdout(`round ${r + 1}: parse ${p.toFixed(0)} ms, analysis ${a.toFixed(0)} ms, ratio ${(a / p).toFixed(2)}\n`);
}
const pm = median(parseMs);
const am = median(analyzeMs);
writeStdout(
  `${sources.length} files (${(bytes / 1e6).toFixed(1)} MB) mentioning numpy or print, ${rounds} rounds, medians:\n` +
  `  parse     ${pm.toFixed(0)} ms\n  analysis  ${am.toFixed(0)} ms  (${((am / pm) * 100).toFixed(0)} % of parse, ${(bytes / 1e6 / (am / 1000)).toFixed(1)} MB/s)\n` +
  `  findings  ${Object.entries(counts).sort().map(([c, n]) => `${c} ${n}`).join(', ')}\n` +
  `  peak RSS  ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB\n`,
);
