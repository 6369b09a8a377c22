// Predicted vs measured speedup of each seed pattern's rewrite: the advisor's prediction from a profiled run of
// the bad version, against bad() and good() timed directly (test/fixtures/advise/measure.py).
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import type { AdviceReport } from '../src/advise/types.js';
import { REPO_ROOT, runCli } from './run-cli.js';

export const PATTERN_DIR = join(REPO_ROOT, 'test/fixtures/advise/patterns');
export const PATTERNS: Array<{ file: string; code: string }> = [
  { file: 'element_sum.py', code: 'VEC001' },
  { file: 'pairwise.py', code: 'VEC002' },
  { file: 'batched_matmul.py', code: 'VEC003' },
  { file: 'relu_where.py', code: 'VEC004' },
  // the same loop without type annotations: the rewrite is two statements, `x = np.asarray(x)` then the np.where
  { file: 'relu_unannotated.py', code: 'VEC004' },
  { file: 'append_growth.py', code: 'VEC005' },
  { file: 'hidden_loop.py', code: 'VEC006' },
];

export interface AccuracyRow {
  pattern: string;
  code: string;
  /** bad() / good(), timed directly. */
  measuredSpeedup: number;
  /** The advisor's measured loop time / its predicted rewrite time. */
  predictedSpeedup: number;
  /** predicted / measured speedup: 1 is perfect, the target is within 0.5..2. */
  ratio: number;
  loopProfiledSeconds: number;
  loopDirectSeconds: number;
  rewritePredictedSeconds: number;
  rewriteDirectSeconds: number;
}

export async function measurePattern(file: string, code: string, env: NodeJS.ProcessEnv, repeats = 3): Promise<AccuracyRow> {
  const path = join(PATTERN_DIR, file);
  const direct = JSON.parse(execFileSync('python3', [join(PATTERN_DIR, '..', 'measure.py'), path, String(repeats)], { encoding: 'utf8' })) as {
    bad: number;
    good: number;
    same: boolean;
  };
  if (!direct.same) throw new Error(`${file}: good() does not compute what bad() does`);
  const r = await runCli(['advise', '--json', path], { env, cwd: PATTERN_DIR, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`advise ${file} exited ${String(r.code)}: ${r.stderr.slice(-500)}`);
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AdviceReport;
  const item = report.items.find((a) => a.finding?.code === code && a.prediction);
  if (!item?.prediction) throw new Error(`${file}: no priced ${code} item in the advice`);
  const measuredSpeedup = direct.bad / direct.good;
  return {
    pattern: basename(file, '.py'),
    code,
    measuredSpeedup,
    predictedSpeedup: item.prediction.speedup,
    ratio: item.prediction.speedup / measuredSpeedup,
    loopProfiledSeconds: item.prediction.measuredSeconds,
    loopDirectSeconds: direct.bad,
    rewritePredictedSeconds: item.prediction.predictedSeconds,
    rewriteDirectSeconds: direct.good,
  };
}

export function accuracyTable(rows: AccuracyRow[]): string {
  const ms = (s: number): string => (s >= 0.1 ? `${(s * 1000).toFixed(0)} ms` : s >= 0.001 ? `${(s * 1000).toFixed(2)} ms` : `${(s * 1e6).toFixed(0)} µs`);
  const lines = [
    '| pattern | rule | loop: profiled / timed | rewrite: predicted / timed | speedup predicted | speedup measured | predicted / measured |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.pattern} | ${r.code} | ${ms(r.loopProfiledSeconds)} / ${ms(r.loopDirectSeconds)} | ${ms(r.rewritePredictedSeconds)} / ${ms(r.rewriteDirectSeconds)} | ${r.predictedSpeedup.toFixed(0)}× | ${r.measuredSpeedup.toFixed(0)}× | ${r.ratio.toFixed(2)} |`,
    ),
  ];
  return lines.join('\n');
}
