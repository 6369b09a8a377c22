// Shared inputs for the advisor's unit tests: a cost model with round numbers and a way to build a sampled profile.
import { COST_MODEL_SCHEMA, type CostModel } from '../../src/advise/costmodel.js';
import type { ArraySeen } from '../../src/advise/shapes.js';
import type { Finding } from '../../src/check/types.js';
import type { LineStat, Profile } from '../../src/profile/model.js';

export const model: CostModel = {
  schema: COST_MODEL_SCHEMA,
  createdAt: '',
  machine: { cpuModel: 'test', logicalCpus: 2 },
  python: { executable: 'python3', version: '3.11', numpy: '2' },
  loopPerElementNs: 50,
  numpyPerCallNs: 1000,
  cacheBytesPerSecond: 40e9,
  memoryBytesPerSecond: 10e9,
  inCachePeak: [{ bytes: 2 ** 20, bytesPerSecond: 20e9 }],
  memorySource: 'copy/triad',
  memoryReadBytesPerSecond: 10e9 / 2,
  llcBytes: 32 * 2 ** 20,
  matmul: [{ k: 8, nsPerFma: 0.2 }],
  pairwise: [{ d: 3, nsPerElement: 5 }],
  ops: { add: 0.1, maximum: 0.3, where: 3, compare: 0.1, sum: 0.1 },
  conditions: { logicalCpus: 2, loadAverageStart: 0.1, loadAverageEnd: 0.1, underLoad: false, noise: 0.01, warnings: [] },
};

/** A 1 s run of /w/app.py sampled 1000 times at 1 ms: a line's samples are its milliseconds. */
export function sampledProfile(lines: Array<Partial<LineStat> & { line: number }>, extra: Partial<Profile['meta']> = {}): Profile {
  return {
    version: 1,
    meta: { mode: 'auto', passes: [], command: ['app.py'], startedAt: '', durationSeconds: 1, exitStatus: 0, ...extra },
    functions: [],
    lines: lines.map((l) => ({ file: '/w/app.py', share: (l.samples ?? 0) / 1000, ...l })),
    samples: { frames: [{ name: 'x', file: '/w/app.py', line: 1 }], stacks: [{ frames: [0], weight: 1000 }] },
  };
}

export function array(name: string, shape: number[], itemsize = 8): ArraySeen {
  const n = shape.reduce((p, d) => p * d, 1);
  return { name, shape, itemsize, nbytes: n * itemsize, dtype: itemsize === 8 ? 'float64' : 'float32' };
}

export function finding(code: string, start: number, end: number, replacement: string, extra: Partial<Finding> = {}): Finding {
  return {
    path: '/w/app.py',
    code,
    message: `${code} finding`,
    line: start,
    column: 5,
    endLine: end,
    endColumn: 1,
    loop: { startLine: start, endLine: end },
    fix: { description: '', replacement, safety: 'unsafe' },
    ...extra,
  };
}

/** The numbered source of /w/app.py with the given lines (1-based) and blank lines elsewhere. */
export function source(lines: Record<number, string>, length = 60): Record<string, string> {
  return { '/w/app.py': Array.from({ length }, (_, i) => lines[i + 1] ?? '').join('\n') };
}
