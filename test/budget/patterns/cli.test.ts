// `vecprof budget --pattern …` and `--pitfalls` end to end, at tiny sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { interruptOnceWritten, logLines, REPO_ROOT, runCli } from '../../../testkit/run-cli.js';
import type { PatternResult } from '../../../src/budget/patterns/types.js';
import type { PitfallsResult } from '../../../src/budget/pitfalls.js';

const TINY = ['--min-samples', '3', '--min-time', '0.01', '--sample-ms', '0.2', '--passes', '1'];
/** A Python whose pattern helper crashes for the patterns in $VECPROF_TEST_CRASH ("name:k": after k finished sizes). */
const CRASH_PATTERN = join(REPO_ROOT, 'test/fixtures/budget/crash-pattern.sh');
/** A Python whose helper finishes, after which $VECPROF_TEST_BLOCK_OUT (the --out folder) becomes a file, once the last snapshot ($VECPROF_TEST_BLOCK_ROWS rows) is written. */
const BLOCK_OUT_AT_END = join(REPO_ROOT, 'test/fixtures/budget/block-out-at-end.sh');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vecprof-pattern-'));
}

test('--pattern where at tiny sizes: table, summary, JSON, SVG and PNG', async () => {
  const out = tempDir();
  const r = await runCli(['budget', '--pattern', 'where', '--quick', '--sizes', '2,6', '--loop-max', '4', ...TINY, '--out', out], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /where: time per call \(median\) and speedup over loop-if/);
  assert.match(r.stdout, /n\s+touched\s+loop-if\s+maximum\s+where/);
  assert.match(r.stdout, /peak memory beyond the inputs/);
  assert.match(r.stdout, /^\s*64\s.*\*/m, 'the loop is extrapolated at 64 (loop-max 2^4)');
  assert.match(r.stdout, /Seed's claim: /);
  assert.match(r.stdout, /np\.maximum\(x, 0\): .* (faster|slower) than loop-if at n = 64 \(extrapolated\)/);

  const result = JSON.parse(readFileSync(join(out, 'pattern-where.json'), 'utf8')) as PatternResult;
  assert.equal(result.schema, 'vecprof.pattern/1');
  assert.equal(result.complete, true);
  assert.deepEqual(result.rows.map((row) => row.size), [4, 64]);
  assert.deepEqual(result.versions.map((v) => v.id), ['loop-if', 'maximum', 'where']);
  assert.equal(result.versions[0]!.cap, 16);
  const [small, big] = result.rows;
  assert.deepEqual(small!.entries.map((e) => e.status), ['measured', 'measured', 'measured']);
  assert.deepEqual(big!.entries.map((e) => e.status), ['extrapolated', 'measured', 'measured']);
  for (const e of big!.entries.slice(1)) {
    assert.ok(e.speedup && e.speedup.low <= e.speedup.estimate && e.speedup.estimate <= e.speedup.high);
    assert.ok(e.peakBytes !== null && e.peakBytes >= 64 * 8, `${e.version} holds at least its 64-element output`);
  }
  assert.equal(big!.entries[0]!.peakBytes, null, 'no memory run where the loop was not run');
  for (const c of result.cells) assert.ok(c.wallNs.length >= 3 && c.wall.median > 0);
  assert.equal(result.groups[0]!.versions.length, 2);
  assert.ok(result.environment.python.numpy);

  const svg = readFileSync(join(out, 'pattern-where.svg'), 'utf8');
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(doc.documentElement.tagName.toLowerCase(), 'svg');
  assert.match(svg, /time per call/);
  assert.match(svg, /peak memory/);
  const png = readFileSync(join(out, 'pattern-where.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 1200);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
});

test('--json prints an array of pattern results (one pattern: an array of one) and nothing else', async () => {
  const r = await runCli(['budget', '--pattern', 'prealloc', '--sizes', '3', ...TINY, '--json'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(r.stdout) as PatternResult[];
  assert.ok(Array.isArray(results));
  assert.equal(results.length, 1);
  assert.equal(results[0]!.name, 'prealloc');
  assert.deepEqual(results[0]!.rows.map((row) => row.size), [8]);
});

for (const [args, pattern] of [
  [['--pattern', 'nope'], /--pattern "nope" is not a pattern.*use one of: elementwise, pairwise, batched-matmul, where, prealloc, hidden-loops, all/],
  [['--pattern', 'all', '--sizes', '2..4'], /--sizes needs a single --pattern/],
  [['--quick'], /--quick applies to --pattern and --pitfalls/],
  [['--pattern', 'where', '--pitfalls'], /separate runs/],
  [['--pattern', 'where', '--op', 'exp'], /--op .* cannot be combined with --pattern/],
  [['--pattern', 'where', '--no-peak'], /--no-peak belongs to the sum budget/],
  [['--pattern', 'where', '--html', 'r.html'], /--html does not apply to --pattern/],
  [['--pattern', 'where', '--sample-ms', '5000'], /^--sample-ms must be at most 1000 \(a sample of 1 s; the aim is a few ms\), got "5000"$/],
  [['--pattern', 'where', '--timeout', '1e999'], /^--timeout must be a positive number, got "1e999"$/],
  [['--pitfalls', '--timeout', 'Infinity'], /^--timeout must be a positive number, got "Infinity"$/],
  [['--pitfalls', '--timeout', '1e9'], /^--timeout must be at most 604800 \(a week, in seconds\), got "1e9"$/],
  [['--pitfalls', '--seed', '1.5'], /^--seed must be a non-negative integer, got "1\.5"$/],
  [['--pitfalls', '--op', 'exp'], /--op does not apply to --pitfalls/],
  [['--pitfalls', '--sizes', '2..4'], /--sizes does not apply to --pitfalls/],
  [['--pitfalls', '--dtype', 'float32'], /--dtype does not apply to --pitfalls/],
  [['--pitfalls', '--min-samples', '5'], /--min-samples does not apply to --pitfalls/],
  [['--pitfalls', '--min-time', '0.1'], /--min-time does not apply to --pitfalls/],
  [['--pitfalls', '--sample-ms', '1'], /--sample-ms does not apply to --pitfalls/],
  [['--pitfalls', '--loop-max', '10'], /--loop-max does not apply to --pitfalls/],
  [['--pitfalls', '--passes', '2'], /--passes does not apply to --pitfalls/],
  [['--pitfalls', '--no-peak'], /--no-peak does not apply to --pitfalls/],
  [['--pitfalls', '--html', 'r.html'], /--html does not apply to --pitfalls.*takes --quick, --seed, --timeout, --out and --json/],
] as const) {
  test(`bad options (${args.join(' ')}): one line, exit 2, nothing on stdout`, async () => {
    const r = await runCli(['budget', ...args]);
    assert.equal(r.code, 2, r.stderr);
    const errors = logLines(r.stderr).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, pattern);
    assert.equal(r.stdout, '');
  });
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} keeps the finished sizes: partial tables, pattern JSON marked interrupted, exit ${code}`, async () => {
    const out = tempDir();
    const args = ['budget', '--pattern', 'prealloc', '--sizes', '2..16', '--min-samples', '3', '--min-time', '0.05', '--passes', '1', '--out', out];
    const r = await runCli(args, {
      timeoutMs: 60_000,
      // Mid-run snapshots go to the scratch file; the interrupt renames the last one over pattern-prealloc.json.
      onSpawn: interruptOnceWritten(join(out, 'pattern-prealloc.partial.json'), 300, signal),
    });
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stdout, /PARTIAL/);
    assert.match(r.stderr, /interrupted/);
    const result = JSON.parse(readFileSync(join(out, 'pattern-prealloc.json'), 'utf8')) as PatternResult;
    assert.equal(result.interrupted, true);
    assert.equal(result.stoppedBy, signal);
    assert.equal(result.stopReason, `interrupted by ${signal}`);
    assert.equal(result.complete, false);
    assert.equal(existsSync(join(out, 'pattern-prealloc.partial.json')), false, 'the scratch file became pattern-prealloc.json');
    assert.ok(result.rows.length >= 1 && result.rows.length < 15, `kept ${result.rows.length} finished sizes`);
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
  });
}

test('without SciPy, cdist is skipped and the output says so', async () => {
  const fake = tempDir();
  mkdirSync(join(fake, 'scipy'));
  writeFileSync(join(fake, 'scipy', '__init__.py'), 'raise ImportError("hidden by the test")\n');
  const r = await runCli(['budget', '--pattern', 'pairwise', '--sizes', '2', ...TINY, '--json'], {
    env: { PYTHONPATH: fake },
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    logLines(r.stderr).some((l) => l.level === 40 && /^SciPy not installed: cdist skipped \(to measure it: \S*python3?\S* -m pip install scipy\)$/.test(l.msg)),
    r.stderr,
  );
  const [result] = JSON.parse(r.stdout) as PatternResult[];
  assert.ok(result);
  assert.equal(result.unavailable[0]?.version, 'cdist');
  assert.match(result.unavailable[0]!.reason, /-m pip install scipy$/);
  assert.equal(result.rows[0]!.entries.find((e) => e.version === 'cdist')!.status, 'unavailable');
  assert.equal(result.rows[0]!.entries.find((e) => e.version === 'broadcast')!.status, 'measured');
});

test('--pitfalls --quick prints every pitfall with its meaning and writes pitfalls.json', async () => {
  const out = tempDir();
  const r = await runCli(['budget', '--pitfalls', '--quick', '--out', out], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const title of [
    '1. First call vs warm call',
    '2. Garbage collection during timing',
    '3. perf_counter vs process_time vs thread_time',
    '4. Timer resolution and the shortest op timeable without batching',
    '5. Noise: the spread of 30 samples now',
    '6. Reduction order',
  ]) {
    assert.ok(r.stdout.includes(title), `section "${title}"`);
  }
  assert.equal(r.stdout.match(/^→ /gm)?.length, 6, 'one meaning sentence per pitfall');
  assert.match(r.stdout, /math\.fsum \(exact reference\)/);
  const result = JSON.parse(readFileSync(join(out, 'pitfalls.json'), 'utf8')) as PitfallsResult;
  assert.equal(result.schema, 'vecprof.pitfalls/1');
  assert.equal(result.complete, true);
  assert.equal(result.reduction.length, 4, 'float32/float64 × well-conditioned/cancelling');
  assert.deepEqual(result.clocks.map((c) => c.kernel), ['sleep', 'one thread', 'BLAS']);
  assert.equal(result.noise?.wall.n, 30);
  assert.ok(result.warmup.length >= 5 && result.gc !== null && result.resolution.length === 4);
});

for (const mode of [['--pattern', 'where', '--sizes', '2'], ['--pitfalls', '--quick']]) {
  test(`--out naming a file (${mode[0]}): one line, exit 2, before anything is measured`, async () => {
    const dir = tempDir();
    const file = join(dir, 'results');
    writeFileSync(file, 'not a directory\n');
    for (const out of [file, join(file, 'sub')]) {
      const started = performance.now();
      const r = await runCli(['budget', ...mode, '--out', out]);
      assert.equal(r.code, 2, r.stderr);
      const errors = logLines(r.stderr).filter((l) => l.level >= 50);
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!.msg, new RegExp(`^cannot write to --out ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a directory`));
      assert.doesNotMatch(r.stderr, /stack|EEXIST|ENOTDIR/);
      assert.equal(r.stdout, '');
      assert.ok(performance.now() - started < 8000, 'refused up front, not after measuring');
    }
    assert.equal(readFileSync(file, 'utf8'), 'not a directory\n');
  });
}

test('--timeout during a pattern: the finished sizes are printed, an earlier pattern JSON is left as it was, exit 1', async () => {
  const out = tempDir();
  writeFileSync(join(out, 'pattern-prealloc.json'), 'earlier\n');
  const args = ['budget', '--pattern', 'prealloc', '--sizes', '2..16', '--min-samples', '3', '--min-time', '0.05', '--passes', '1', '--timeout', '5', '--out', out];
  const r = await runCli(args, { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /prealloc: time per call \(median\)/, 'the partial tables are printed');
  assert.match(r.stdout, /PARTIAL, \d+ of 15 sizes finished: stopped by --timeout \(5 s\)/);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(
    errors[0]!.msg,
    /^pattern prealloc ran past --timeout 5 s and was stopped \(\d+ of 15 sizes had finished; the partial .*pattern-prealloc\.partial\.json was removed; the earlier .*pattern-prealloc\.json is left as it was\): raise --timeout/,
  );
  assert.equal(readFileSync(join(out, 'pattern-prealloc.json'), 'utf8'), 'earlier\n');
  assert.deepEqual(readdirSync(out), ['pattern-prealloc.json'], 'no partial file, no plot of a failed run');
});

test('a helper crash in one pattern of all: its finished sizes printed with the reason, one error line, the others still run, exit 1', async () => {
  const out = tempDir();
  writeFileSync(join(out, 'pattern-elementwise.json'), 'earlier\n');
  const r = await runCli(['--python', CRASH_PATTERN, 'budget', '--pattern', 'all', '--quick', ...TINY, '--out', out, '--json'], {
    env: { VECPROF_TEST_CRASH: 'elementwise:1,pairwise:0,batched-matmul:0,hidden-loops:0' },
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 1, r.stderr);
  const results = JSON.parse(r.stdout) as PatternResult[];
  assert.deepEqual(results.map((x) => x.name), ['elementwise', 'pairwise', 'batched-matmul', 'where', 'prealloc', 'hidden-loops']);
  const crashed = /^the pattern helper \((elementwise|pairwise|batched-matmul|hidden-loops)\) exited with status 139: Fatal Python error: Segmentation fault$/;
  const [elementwise, pairwise] = results;
  assert.equal(elementwise!.complete, false);
  assert.match(elementwise!.stopReason ?? '', crashed);
  assert.equal(elementwise!.rows.length, 1, 'the size that finished before the crash');
  assert.deepEqual([pairwise!.complete, pairwise!.rows.length], [false, 0]);
  for (const ok of results.filter((x) => x.name === 'where' || x.name === 'prealloc')) assert.deepEqual([ok.complete, ok.stopReason], [true, null]);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50).map((l) => l.msg);
  assert.equal(errors.length, 4, r.stderr);
  assert.match(errors[0]!, /^pattern helper \(elementwise\) exited with status 139: .* \(1 of \d+ sizes had finished; the partial .*pattern-elementwise\.partial\.json was removed; the earlier .*pattern-elementwise\.json is left as it was\)/);
  assert.match(errors[1]!, /^pattern helper \(pairwise\) exited with status 139: .* \(0 of \d+ sizes had finished; no .*pattern-pairwise\.json was written\)/);
  assert.equal(readFileSync(join(out, 'pattern-elementwise.json'), 'utf8'), 'earlier\n');
  const files = readdirSync(out).sort();
  assert.deepEqual(files, ['pattern-elementwise.json', ...['prealloc', 'where'].flatMap((n) => ['json', 'png', 'svg'].map((e) => `pattern-${n}.${e}`))]);
});

test('pattern JSON that can no longer be written mid-run: tables of the finished sizes, one error line, exit 1', async () => {
  const base = tempDir();
  const out = join(base, 'out');
  const args = ['budget', '--pattern', 'prealloc', '--sizes', '2..16', '--min-samples', '3', '--min-time', '0.05', '--passes', '1', '--out', out];
  const r = await runCli(args, {
    timeoutMs: 60_000,
    onSpawn: () => {
      const poll = setInterval(() => {
        if (!existsSync(join(out, 'pattern-prealloc.partial.json'))) return;
        clearInterval(poll);
        rmSync(out, { recursive: true, force: true });
        writeFileSync(out, 'now a file'); // the next snapshot cannot be written
      }, 20);
    },
  });
  assert.equal(r.code, 1, r.stderr);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(
    errors[0]!.msg,
    /^cannot write .*out\/pattern-prealloc\.partial\.json: its directory is gone or is not a directory \(\d+ of 15 sizes had finished; .*out was replaced by a file during the run, so nothing could be kept there\)/,
  );
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.match(r.stdout, /prealloc: time per call/);
  assert.match(r.stdout, /PARTIAL, \d+ of 15 sizes finished: pattern-prealloc\.partial\.json could not be written/);
});

test('the last write of a pattern JSON fails: the whole tables are printed, one error line says what became of the files, exit 1', async () => {
  const out = join(tempDir(), 'out');
  const r = await runCli(['--python', BLOCK_OUT_AT_END, 'budget', '--pattern', 'where', '--sizes', '2..3', ...TINY, '--out', out], {
    env: { VECPROF_TEST_BLOCK_OUT: out, VECPROF_TEST_BLOCK_ROWS: '2' },
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /where: time per call/);
  assert.doesNotMatch(r.stdout, /PARTIAL/, 'the measurement itself finished');
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!.msg, /^cannot write .*out\/pattern-where\.partial\.json: .* \(2 of 2 sizes had finished; .*out was replaced by a file during the run, so nothing could be kept there\)/);
});

test('a size the memory guard rules out entirely is skipped with its reason, not run (pairwise at N = 2^17)', async () => {
  const r = await runCli(['budget', '--pattern', 'pairwise', '--sizes', '17', ...TINY, '--json'], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, 'nothing measured is a failed measurement');
  const [result] = JSON.parse(r.stdout) as PatternResult[];
  assert.equal(result!.cells.length, 0);
  const statuses = Object.fromEntries(result!.rows[0]!.entries.map((e) => [e.version, e.status]));
  assert.deepEqual(statuses, { loop: 'not-run', broadcast: 'skipped-memory', cdist: 'skipped-memory', batched: 'skipped-memory', gram: 'skipped-memory' });
  const warnings = logLines(r.stderr).filter((l) => l.level === 40).map((l) => l.msg);
  for (const v of ['broadcast', 'cdist', 'batched', 'gram']) {
    assert.ok(warnings.some((w) => w.startsWith(`pairwise ${v} not run at N = 131072: it would need`) && /above the memory guard/.test(w)), `${v}: ${warnings.join(' | ')}`);
  }
  assert.doesNotMatch(r.stderr, /Unable to allocate/);
});

test('--timeout during --pitfalls: what was measured is printed and saved as partial, exit 1', async () => {
  const out = tempDir();
  const r = await runCli(['budget', '--pitfalls', '--quick', '--timeout', '1', '--out', out], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /1\. First call vs warm call/);
  assert.match(r.stdout, /PARTIAL: stopped by --timeout before every pitfall was measured/);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!.msg, /^a pitfalls helper ran past --timeout 1 s and was stopped: .*pitfalls\.json is partial \(complete: false\)/);
  const result = JSON.parse(readFileSync(join(out, 'pitfalls.json'), 'utf8')) as PitfallsResult;
  assert.equal(result.timedOut, true);
  assert.equal(result.complete, false);
});

test('--timeout during --pitfalls and pitfalls.json cannot be written either: both are said, one line each, exit 1', async () => {
  const out = tempDir();
  mkdirSync(join(out, 'pitfalls.json')); // a directory where the file goes
  writeFileSync(join(out, 'pitfalls.json', 'x'), 'x');
  const r = await runCli(['budget', '--pitfalls', '--quick', '--timeout', '1', '--out', out], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /PARTIAL: stopped by --timeout before every pitfall was measured/);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50).map((l) => l.msg);
  assert.equal(errors.length, 2, r.stderr);
  assert.match(errors[0]!, /^cannot write pitfalls\.json to .*pitfalls\.json \(E[A-Z]+\)/);
  assert.match(errors[1]!, /^a pitfalls helper ran past --timeout 1 s and was stopped: the output shows the pitfalls measured before it: raise --timeout$/);
});

test('a plot that cannot be written after the run costs only itself: tables printed, one error line naming it, exit 1', async () => {
  const out = tempDir();
  mkdirSync(join(out, 'pattern-where.svg')); // a directory where the plot should go
  const r = await runCli(['budget', '--pattern', 'where', '--sizes', '2..3', ...TINY, '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /where: time per call/);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!.msg, /cannot write the plot of pattern where to .*pattern-where\.svg \(EISDIR\)/);
  assert.ok(existsSync(join(out, 'pattern-where.json')), 'the JSON was still written');
});
