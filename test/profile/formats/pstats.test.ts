import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { importPstats } from '../../../src/profile/import/pstats.js';
import { VecprofError } from '../../../src/errors.js';
import { PYTHON, python, seeded, withTempDir } from './python.js';

// A tiny script profiled by the real cProfile at test time; pstats itself then says what the file holds.
const SCRIPT = `
def leaf(x):
    return x * 2

def middle(n):
    return sum(leaf(i) for i in range(n))

def rec(n):
    return 0 if n == 0 else 1 + rec(n - 1)

def main():
    for _ in range(7):
        middle(5)
    rec(4)
    len([1, 2])

main()
`;

const TRUTH = String.raw`
import json, pstats, sys
st = pstats.Stats(sys.argv[1])
out = []
for (f, l, n), (cc, nc, tt, ct, callers) in st.stats.items():
    out.append({"id": f"{f}:{l}:{n}", "cc": cc, "nc": nc, "tt": tt, "ct": ct,
                "callers": sorted([f"{a}:{b}:{c}", v[0], v[3]] for (a, b, c), v in callers.items())})
json.dump(out, sys.stdout)
`;

interface Truth {
  id: string;
  cc: number;
  nc: number;
  tt: number;
  ct: number;
  callers: Array<[string, number, number]>;
}

function profileTiny(): { bytes: Buffer; truth: Truth[] } {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'tiny.py'), SCRIPT);
    python('import cProfile,sys; sys.argv=["tiny.py"]; cProfile.run(open("tiny.py").read(), "tiny.prof")', [], dir);
    const bytes = readFileSync(join(dir, 'tiny.prof'));
    const truth = JSON.parse(python(TRUTH, [join(dir, 'tiny.prof')]).toString()) as Truth[];
    return { bytes, truth };
  });
}

const { bytes, truth } = profileTiny();

test('a real cProfile file reads exactly as pstats reads it: every function, count, time and caller', () => {
  const p = importPstats(bytes, { source: 'tiny.prof' });
  assert.equal(p.meta.mode, 'cpu');
  assert.equal(p.functions.length, truth.length);
  for (const t of truth) {
    const f = p.functions.find((x) => x.id === t.id);
    assert.ok(f, `missing ${t.id}`);
    assert.equal(f.primitiveCalls, t.cc, t.id);
    assert.equal(f.calls, t.nc, t.id);
    assert.equal(f.selfTime, t.tt, t.id);
    assert.equal(f.totalTime, t.ct, t.id);
    const callers = (f.callers ?? []).map((c) => [c.id, c.calls, c.totalTime] as [string, number, number]).sort();
    assert.deepEqual(callers, t.callers, t.id);
  }
});

test('call counts of the tiny script are the known ones; recursion shows as calls vs primitive calls', () => {
  const p = importPstats(bytes);
  const byName = (n: string) => p.functions.find((f) => f.name === n)!;
  assert.equal(byName('leaf').calls, 35);
  assert.equal(byName('middle').calls, 7);
  assert.equal(byName('rec').calls, 5);
  assert.equal(byName('rec').primitiveCalls, 1);
  assert.equal(byName('leaf').callers?.length, 1);
  assert.match(byName('leaf').callers![0]!.id, /:<genexpr>$/);
  const builtin = p.functions.find((f) => f.file === '~' && /len/.test(f.name));
  assert.ok(builtin, 'C functions are kept with file "~"');
  assert.equal(builtin.line, 0);
  assert.equal(p.functions[0]!.totalTime, Math.max(...p.functions.map((f) => f.totalTime ?? 0)), 'sorted by cumulative time');
});

test('Python 3.15 sampled files: samples, per-line direct samples and caller counts', () => {
  const made = python(String.raw`
import marshal, sys
d = {("__sampled__",): True,
     ("/w/app.py", 8, "loop"): (30, 30, 0.3, 0.3, {("/w/app.py", 12, "main"): 30}),
     ("/w/app.py", 7, "loop"): (10, 10, 0.1, 0.1, {("/w/app.py", 12, "main"): 10}),
     ("/w/app.py", 12, "main"): (0, 40, 0.0, 0.4, {}),
     ("/usr/lib/python3.15/site.py", 3, "x"): (10, 10, 0.1, 0.1, {})}
sys.stdout.buffer.write(marshal.dumps(d))`);
  const p = importPstats(made);
  assert.equal(p.meta.mode, 'sample');
  const loop = p.functions.find((f) => f.name === 'loop')!;
  assert.equal(loop.id, '/w/app.py:7:loop', 'its two sampled lines fold into one function, at the first line seen');
  assert.equal(loop.selfSamples, 40);
  assert.equal(loop.samples, 40);
  assert.equal(loop.calls, undefined, 'samples are not calls');
  assert.deepEqual(loop.callers, [{ id: '/w/app.py:12:main', calls: 0, totalTime: 0.4, samples: 40 }]);
  const source = ['import x', '', '', '', 'def loop():', '    for i in r:', '        a()', '        b()', '', 'def main():', '    pass', '    loop()'].join('\n');
  const withSource = importPstats(made, { readSource: (f) => (f === '/w/app.py' ? source : undefined) });
  const loop2 = withSource.functions.find((f) => f.name === 'loop')!;
  assert.equal(loop2.id, '/w/app.py:5:loop', 'keyed by its def line when the source is there');
  assert.deepEqual(loop2.callers?.map((c) => c.id), ['/w/app.py:10:main']);
  assert.deepEqual(
    p.lines.map((l) => [l.line, l.samples, l.share]),
    [
      [8, 30, 0.6],
      [7, 10, 0.2],
    ],
    'the library line counts in the total but is not a user line',
  );
});

test('a truncated .prof names the file and the byte, for many cuts', () => {
  const rand = seeded(7);
  const cuts = [0, 1, 2, bytes.length - 1, ...Array.from({ length: 40 }, () => Math.floor(rand() * bytes.length))];
  for (const cut of cuts) {
    assert.throws(
      () => importPstats(bytes.subarray(0, cut), { source: 'x.prof' }),
      (err: unknown) =>
        err instanceof VecprofError && new RegExp(`^x\\.prof is truncated at byte ${cut}: not a complete cProfile file$`).test(err.message),
      `cut ${cut}`,
    );
  }
});

test('damaged or foreign files are VecprofErrors, never crashes', () => {
  assert.throws(() => importPstats(Buffer.from('hello'), { source: 'h.prof' }), /^VecprofError: h\.prof is not a cProfile file/);
  const list = python('import marshal,sys; sys.stdout.buffer.write(marshal.dumps([1,2]))');
  assert.throws(() => importPstats(list, { source: 'l.prof' }), /l\.prof is not a cProfile file: the top level is not a dict/);
  const wrongShape = python('import marshal,sys; sys.stdout.buffer.write(marshal.dumps({("a",1,"f"): (1,2)}))');
  assert.throws(() => importPstats(wrongShape), /entry 0 is not \(cc, nc, tt, ct, callers\)/);
  const rand = seeded(99);
  for (let i = 0; i < 500; i++) {
    const b = Buffer.from(bytes);
    b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    try {
      importPstats(b);
    } catch (err) {
      assert.ok(err instanceof VecprofError, `unexpected ${String(err)}`);
    }
  }
});

// Python 2 and 3 compatible: the .prof written by each interpreter, and that interpreter's own reading of it.
const ANY_VERSION = String.raw`
import cProfile, json, pstats, sys
def leaf(x):
    return x * 2
def main():
    for i in range(6):
        leaf(i)
cProfile.run("main()", sys.argv[1])
st = pstats.Stats(sys.argv[1])
out = {"version": "%d.%d" % sys.version_info[:2], "stats": []}
for (f, l, n), (cc, nc, tt, ct, callers) in st.stats.items():
    out["stats"].append(["%s:%s:%s" % (f, l, n), cc, nc, tt, ct])
sys.stdout.write(json.dumps(out))
`;

/** python3 plus every interpreter pyenv keeps (their PATH shims only answer for the selected version). */
function interpreters(): string[] {
  const root = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  let versions: string[] = [];
  try {
    versions = readdirSync(join(root, 'versions')).map((v) => join(root, 'versions', v, 'bin', 'python'));
  } catch {
    // no pyenv here: python3 alone
  }
  return [PYTHON, ...versions.filter((exe) => existsSync(exe))];
}

test('.prof files from every Python on this machine (2.7, 3.6 … 3.13 where installed) read as that Python reads them', (t) => {
  const seen: string[] = [];
  for (const exe of interpreters()) {
    withTempDir((dir) => {
      const prof = join(dir, 'v.prof');
      let out: { version: string; stats: Array<[string, number, number, number, number]> };
      try {
        out = JSON.parse(execFileSync(exe, ['-c', ANY_VERSION, prof], { stdio: ['ignore', 'pipe', 'ignore'], cwd: dir }).toString());
      } catch {
        return; // a broken or partial install
      }
      const p = importPstats(readFileSync(prof), { source: `${exe}.prof` });
      assert.equal(p.functions.length, out.stats.length, exe);
      for (const [id, cc, nc, tt, ct] of out.stats) {
        const f = p.functions.find((x) => x.id === id);
        assert.ok(f, `${exe}: ${id}`);
        assert.deepEqual([f.primitiveCalls, f.calls, f.selfTime, f.totalTime], [cc, nc, tt, ct], `${exe}: ${id}`);
      }
      assert.equal(p.functions.find((f) => f.name === 'leaf')?.calls, 6, exe);
      seen.push(out.version);
    });
  }
  t.diagnostic(`read .prof files from Python ${seen.join(', ')}`);
  assert.ok(seen.length > 0, 'python3 answered');
});
