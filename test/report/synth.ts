// Small hand-made models for the report tests: a profile with known stacks and lines, findings, an advice report.
import { ADVICE_SCHEMA, type AdviceReport } from '../../src/advise/types.js';
import type { Finding } from '../../src/check/types.js';
import type { Profile } from '../../src/profile/model.js';

export function tinyProfile(file: string): Profile {
  const frames = [
    { name: '<module>', file, line: 20 },
    { name: 'normalise', file, line: 7 },
    { name: 'total', file, line: 13 },
    { name: 'array_subscript', file: '/usr/lib/numpy/_multiarray_umath.so', line: 0, native: true },
  ];
  return {
    version: 1,
    meta: {
      mode: 'auto',
      passes: [{ mode: 'sample', reason: 'auto starts by sampling', wallSeconds: 0.5, found: '2 hot functions' }],
      command: ['python', 'job.py'],
      python: { executable: '/usr/bin/python3', version: '3.11.7', numpy: '2.4.6' },
      startedAt: '2026-11-24T10:00:00.000Z',
      durationSeconds: 0.5,
      exitStatus: 0,
    },
    functions: [
      { id: `${file}:5:normalise`, file, line: 5, name: 'normalise', calls: 1, selfTime: 0.3, totalTime: 0.31 },
      { id: `${file}:11:total`, file, line: 11, name: 'total', calls: 1, selfTime: 0.1, totalTime: 0.1 },
    ],
    lines: [
      { file, line: 6, share: 0.05, time: 0.025, hits: 10001 },
      { file, line: 7, share: 0.55, time: 0.275, hits: 10000, samples: 30, split: { python: 0.5, numpyScalar: 0.5, nativeKernel: 0, otherNative: 0 } },
      { file, line: 13, share: 0.2, time: 0.1, hits: 10000 },
    ],
    samples: {
      frames,
      stacks: [
        { frames: [0, 1, 3], weight: 30 },
        { frames: [0, 1], weight: 25 },
        { frames: [0, 2], weight: 20 },
        { frames: [0], weight: 5 },
      ],
      intervalSeconds: 0.01,
    },
  };
}

export function tinyFindings(displayPath: string): Finding[] {
  return [
    {
      path: displayPath,
      line: 6,
      column: 5,
      endLine: 7,
      endColumn: 30,
      code: 'VEC001',
      message: 'Python loop over the elements of array `a`',
      loop: { startLine: 6, endLine: 7 },
      fix: { description: 'one whole-array expression', replacement: 'out = (a - 0.5) * 2.0', safety: 'unsafe' },
    },
  ];
}

export function tinyAdvice(file: string, displayPath: string, source: string): AdviceReport {
  const profile = tinyProfile(file);
  const findings = tinyFindings(displayPath);
  return {
    schema: ADVICE_SCHEMA,
    createdAt: '2026-11-24T10:00:01.000Z',
    command: ['python', 'job.py'],
    profile,
    findings,
    costModel: {} as AdviceReport['costModel'], // the report never reads the cost model
    items: [
      {
        rank: 1,
        kind: 'vectorize',
        file,
        displayPath,
        line: 6,
        endLine: 7,
        finding: findings[0]!,
        hits: 10000,
        entries: 1,
        timeSeconds: 0.3,
        share: 0.6,
        perIterationNs: 30000,
        prediction: { measuredSeconds: 0.3, predictedSeconds: 0.0003, speedup: 1000, savesShare: 0.6, basis: '1 NumPy call over 10,000 float64' },
        arrays: [{ name: 'a', shape: [10000], itemsize: 8, nbytes: 80000, dtype: 'float64' }],
        summary: 'line 7 runs 10,000 times and takes 55 % of the run',
      },
      { rank: 2, kind: 'hot-loop', file, displayPath, line: 12, endLine: 13, hits: 10000, timeSeconds: 0.1, share: 0.2, arrays: [], summary: 'hot Python loop, no known pattern' },
    ],
    filesChecked: [file],
    sources: { [file]: source },
  };
}

export const TINY_SOURCE = `import numpy as np


def normalise(a):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = (a[i] - 0.5) * 2.0
    return out

def total(a):
    s = 0.0
    for x in a:
        s += x
    return s

if __name__ == "__main__":
    a = np.random.random(10_000)
    print(total(normalise(a)))
`;

/**
 * Advice as vecprof.advice/1 saved it (before this version): a kernel's bandwidth without the peak it was held
 * against, and a share of that peak over 100.
 */
export function oldAdviceV1(file: string, displayPath: string, source: string): Record<string, unknown> {
  const advice = tinyAdvice(file, displayPath, source);
  const kernel = { rank: 3, kind: 'numpy-kernel', file, displayPath, line: 17, endLine: 17, hits: 1, timeSeconds: 0.05, share: 0.1, arrays: [], summary: 'line 17 takes 10 % of the run: bandwidth-bound' };
  return {
    ...advice,
    schema: 'vecprof.advice/1',
    items: [...advice.items, { ...kernel, bandwidth: { bytesPerSecond: 18.9e9, percentOfPeak: 189, bound: true } }],
  };
}
