// VEC002: nested loops over the rows of two arrays computing something per pair.
import type { ArrayFacts } from '../arrays.js';
import type { Rule } from '../types.js';
import { code, reportLoops } from './shared/report.js';

export const VEC002: Rule = {
  code: 'VEC002',
  name: 'pairwise-loop',
  summary: 'Nested Python loops over pairs of rows; use broadcasting',
  doc: {
    whatItDoes:
      'Finds two nested loops, the outer over the rows of one array and the inner over the rows of another (or the ' +
      'same), whose body combines one row of each: pairwise distances, similarities, products. Reported once, at the ' +
      'outer loop.',
    whyIsItSlow:
      'N*M iterations of interpreted code, each creating small temporary arrays and paying NumPy\'s per-call overhead ' +
      '(about a microsecond) several times. Broadcasting `a[:, None] - b[None]` does all N*M pairs in one C loop. ' +
      'It allocates an (N, M, D) temporary, though: for large inputs use `scipy.spatial.distance.cdist` or process ' +
      '`a` in batches of rows.',
    example: [
      'import numpy as np',
      '',
      'a = np.random.rand(500, 3)',
      'b = np.random.rand(400, 3)',
      'dists = np.empty((len(a), len(b)))',
      'for i in range(len(a)):',
      '    for j in range(len(b)):',
      '        dists[i, j] = np.sqrt(((a[i] - b[j]) ** 2).sum())',
    ].join('\n'),
    useInstead: [
      'import numpy as np',
      '',
      'a = np.random.rand(500, 3)',
      'b = np.random.rand(400, 3)',
      'dists = np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))  # (N, M, D) temporary',
      '# large N*M*D: scipy.spatial.distance.cdist(a, b), or loop over batches of rows of a',
    ].join('\n'),
  },
  check(_ctx, facts: ArrayFacts, report) {
    reportLoops(facts, 'VEC002', (v) =>
      `nested Python loops over pairs of ${v.detail ?? 'rows'} of ${pair(v.arrays)} ` +
      `(${code(v.shape.header)}): broadcasting computes all pairs at once, but allocates an N×M×D temporary; ` +
      'for large inputs use scipy.spatial.distance.cdist or batches of rows', report);
  },
};

function pair(arrays: string[]): string {
  const [a, b] = arrays as [string, string | undefined];
  return b === undefined || b === a ? code(a) : `${code(a)} and ${code(b)}`;
}
