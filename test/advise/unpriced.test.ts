// Every item without a price says why: a run stopped by --timeout never reached the passes that count trips and read
// shapes, and the advice used to show "takes 83 % of the run" with no price and no word on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice } from '../../src/advise/build.js';
import type { Advice } from '../../src/advise/types.js';
import { finding, model, sampledProfile, source } from './fixtures.js';

const kernel = { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 };
const python = { python: 1, numpyScalar: 0, nativeKernel: 0, otherNative: 0 };
const text = source({ 8: 'for i in range(len(x)):', 9: '    out[i] = x[i] if x[i] > 0 else 0.0', 14: 'y = np.exp(m)', 20: 'for k in ks:', 21: '    acc = step(acc, k)' });

/** Samples only, as a run stopped at the time limit leaves it: no hits, no shapes. */
function stoppedProfile(stoppedBy: 'timeout' | 'interrupt') {
  return sampledProfile(
    [
      { line: 8, samples: 130, split: python },
      { line: 9, samples: 700, split: python },
      { line: 14, samples: 80, split: kernel },
      { line: 20, samples: 20, split: python },
      { line: 21, samples: 50, split: python },
    ],
    { stoppedBy },
  );
}

function unpriced(items: Advice[]): Advice[] {
  return items.filter((a) => !a.prediction && !a.bandwidth);
}

test('a run stopped by --timeout: the finding says it is not priced and why', () => {
  const f = finding('VEC004', 8, 9, 'x = np.asarray(x)\nout = np.where(x > 0, x, 0.0)', { message: 'per-element branch' });
  const items = buildAdvice({ profile: stoppedProfile('timeout'), findings: [f], shapes: new Map(), model, sources: text, cwd: '/w', displayPath: (p) => p });
  const top = items[0]!;
  assert.equal(top.kind, 'vectorize');
  assert.equal(top.prediction, undefined);
  assert.equal(top.notPriced, 'the run was stopped by --timeout before trip counts and shapes were read');
  assert.equal(top.summary, 'line 8 takes 83 % of the run; per-element branch; not priced: the run was stopped by --timeout before trip counts and shapes were read');
  const kernelItem = items.find((a) => a.line === 14)!;
  assert.match(kernelItem.summary, /bandwidth unknown: the run was stopped by --timeout/);
  const loop = items.find((a) => a.kind === 'hot-loop')!;
  assert.deepEqual([loop.line, loop.endLine, loop.hits], [20, 21, undefined]);
  assert.match(loop.summary, /trip count not counted: the run was stopped by --timeout/);
  const all = unpriced(items);
  assert.equal(all.length, 3);
  for (const a of all) assert.ok(a.notPriced && a.summary.length > 0, `${a.kind} at ${a.line} says why it is not priced`);
});

test('an interrupted run says so instead', () => {
  const f = finding('VEC004', 8, 9, 'out = np.where(x > 0, x, 0.0)');
  const [top] = buildAdvice({ profile: stoppedProfile('interrupt'), findings: [f], shapes: new Map(), model, sources: text, cwd: '/w', displayPath: (p) => p });
  assert.equal(top!.notPriced, 'the run was interrupted before trip counts and shapes were read');
});

test('a finished run without trip counts or shapes gives the rule\'s own reason; cold findings and hot loops give theirs', () => {
  const profile = sampledProfile([
    { line: 8, samples: 100 },
    { line: 9, samples: 500 },
    { line: 40, hits: 11, samples: 1 },
  ]);
  const findings = [
    finding('VEC004', 8, 9, 'out = np.where(x > 0, x, 0.0)'),
    finding('VEC002', 8, 9, 'd = np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))'),
    finding('VEC005', 8, 9, 'parts.append(v)'),
    finding('VEC001', 40, 41, 'total = a.sum()'),
    finding('VEC001', 50, 51, 'total = b.sum()'),
  ];
  const items = buildAdvice({ profile, findings, shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (p) => p });
  const reason = (code: string, line: number): string | undefined => items.find((a) => a.finding?.code === code && a.line === line)?.notPriced;
  assert.equal(reason('VEC004', 8), 'neither the arrays it works on nor its trip count were seen');
  assert.equal(reason('VEC002', 8), 'the arrays whose rows it pairs were not seen when the program ran');
  assert.equal(reason('VEC005', 8), "the loop's trip count was not counted");
  assert.equal(reason('VEC001', 40), 'cold code: a rewrite would save little');
  assert.equal(reason('VEC001', 50), 'the code did not run');
  assert.match(items.find((a) => a.finding?.code === 'VEC004')!.summary, /; not priced: neither the arrays/);
  assert.equal(unpriced(items).length, items.length);
  for (const a of items) assert.ok(a.notPriced, `${a.finding?.code} at ${a.line}`);
});
