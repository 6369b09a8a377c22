// Truth workloads: programs whose answer is known, profiled for real.
//   element_loop.py: an element loop (one source line) runs for a known wall time, then other Python work for another
//     known time; the script reports its own clock, so the loop line's share of the timed run is known. (The start-up
//     before it is not: py-spy's first sample comes once the interpreter is up, which on a loaded machine takes from
//     0.1 to 0.8 s, so the share is taken of the timed part, the two phases.)
//   kernels.py: the time is in NumPy kernels over whole arrays; no Python loop may be blamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../../../testkit/run-cli.js';
import { findPySpy } from '../../../src/python/tools.js';
import type { LineStat, Profile } from '../../../src/profile/model.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');
const ELEMENT_LOOP = join(FIXTURES, 'element_loop.py');
const KERNELS = join(FIXTURES, 'kernels.py');
const pyspy = await findPySpy();
const NO_PYSPY = pyspy ? false : 'py-spy is not installed here (python3 -m pip install py-spy): sampling truth not tested';

function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${text} not in ${file}`);
  return index + 1;
}
const LOOP_LINE = lineOf(ELEMENT_LOOP, 'total += a[i] * 2.0');
const KERNEL_LINE = lineOf(KERNELS, 'np.sqrt(a * b + 1.0)');

interface Truth {
  before: number;
  phase1: number;
  phase2: number;
}

async function profileElementLoop(mode: string, phase1: number, phase2: number, extra: string[] = []): Promise<{ p: Profile; truth: Truth }> {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-truth-'));
  try {
    const report = join(dir, 'truth.json');
    const r = await runCli(['profile', '--mode', mode, ...extra, '--json', ELEMENT_LOOP, String(phase1), String(phase2)], { env: { TRUTH_REPORT: report } });
    assert.equal(r.code, 0, r.stderr);
    return { p: JSON.parse(r.stdout) as Profile, truth: JSON.parse(readFileSync(report, 'utf8')) as Truth };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hottest(p: Profile): LineStat {
  const top = [...p.lines].sort((a, b) => b.share - a.share)[0];
  assert.ok(top, 'no lines in the profile');
  return top;
}

test('sample: the element loop is the hot line, its share within ±5 points of the known share, and it looks like one', { skip: NO_PYSPY }, async () => {
  // 200 Hz: ~320 samples in the timed part, so sampling noise alone stays near 2.7 points (one sigma); a run that
  // lands beyond ±5 points is measured once more before it counts (the machines here are shared and noisy).
  const measure = async (): Promise<{ p: Profile; hot: LineStat; share: number; known: number }> => {
    const { p, truth } = await profileElementLoop('sample', 1.0, 0.6, ['--rate', '200']);
    const hot = hottest(p);
    const timed = p.lines.filter((l) => l.file === ELEMENT_LOOP && (l.function === 'element_loop' || l.function === 'other_work')).reduce((sum, l) => sum + l.share, 0);
    return { p, hot, share: hot.share / timed, known: truth.phase1 / (truth.phase1 + truth.phase2) };
  };
  let m = await measure();
  if (Math.abs(m.share - m.known) > 0.05) m = await measure();
  const { p, hot, share, known } = m;
  assert.equal(hot.file, ELEMENT_LOOP);
  assert.equal(hot.line, LOOP_LINE);
  assert.ok(Math.abs(share - known) <= 0.05, `share ${(share * 100).toFixed(1)} % vs known ${(known * 100).toFixed(1)} %`);
  assert.ok(hot.split, 'the hot line has a native split');
  assert.ok(hot.split.numpyScalar > 0.5, `NumPy per-element share ${hot.split.numpyScalar}`);
  assert.equal(p.meta.exitStatus, 0);
});

test('sample: a NumPy-kernel program blames no Python loop; its hot line is native kernel time', { skip: NO_PYSPY }, async () => {
  const r = await runCli(['profile', '--mode', 'sample', '--json', KERNELS, '1.0']);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
  const hot = hottest(p);
  assert.equal(hot.line, KERNEL_LINE);
  assert.ok(hot.split && hot.split.nativeKernel > 0.6, `kernel share of the hot line: ${JSON.stringify(hot.split)}`);
  // `import numpy` runs NumPy's C start-up, whose native frames are not per-element work; under load it can take
  // several percent of a 1 s run. The claim is about the program's work, so import lines are left out.
  const source = readFileSync(KERNELS, 'utf8').split('\n');
  const isImport = (l: LineStat): boolean => /^\s*(import|from)\s/.test(source[l.line - 1] ?? '');
  const blamed = p.lines.filter((l) => l.file === KERNELS && !isImport(l) && l.share > 0.05 && (l.split?.numpyScalar ?? 0) > 0.3);
  assert.deepEqual(blamed, [], 'no line shows the element-loop fingerprint');
});

test('cpu: cProfile times the two phases as the script clocked them', async () => {
  const { p, truth } = await profileElementLoop('cpu', 0.5, 0.3);
  const loop = p.functions.find((f) => f.name === 'element_loop');
  const other = p.functions.find((f) => f.name === 'other_work');
  assert.ok(loop && other);
  assert.ok(Math.abs((loop.totalTime ?? 0) - truth.phase1) / truth.phase1 < 0.05, `element_loop ${loop.totalTime} s vs ${truth.phase1} s`);
  assert.ok(Math.abs((other.totalTime ?? 0) - truth.phase2) / truth.phase2 < 0.05, `other_work ${other.totalTime} s vs ${truth.phase2} s`);
  assert.equal(loop.calls, 1);
  assert.ok(!p.functions.some((f) => f.file.includes('vecprof_')), 'no vecprof helper frames in the table');
});
