// VEC006: np.vectorize / np.apply_along_axis / np.frompyfunc wrapping work NumPy already does on whole arrays.
import type { Node } from 'web-tree-sitter';
import { spanOf } from '../ast.js';
import type { ArrayFacts } from '../arrays.js';
import type { Rule } from '../types.js';
import { code } from './shared/report.js';
import { hiddenLoopSites, vectorizedTwin } from './shared/hidden-loop.js';

export const VEC006: Rule = {
  code: 'VEC006',
  name: 'hidden-loop',
  summary: 'np.vectorize/np.apply_along_axis/np.frompyfunc around an operation that exists vectorized',
  doc: {
    whatItDoes:
      'Finds `np.vectorize`, `np.frompyfunc` and `np.apply_along_axis` (calls and `@np.vectorize` decorators) whose ' +
      'function is something NumPy already does on whole arrays: a lambda, or a function whose body is a few ' +
      'assignments and a return of arithmetic, `math.*` or NumPy ufuncs (keyword arguments, defaults and `**params` ' +
      'pass through), a builtin like `abs`, or a reduction applied along an axis. Opaque functions (real per-element ' +
      'logic: branches beyond one select, loops, calls into other libraries) are left alone.',
    whyIsItSlow:
      'These helpers are Python loops in disguise: `np.vectorize` calls the function once per element, ' +
      '`apply_along_axis` once per row, each call paying interpreter and boxing overhead. The NumPy documentation ' +
      'says so itself. The vectorized expression runs the same work in one C loop.',
    example: [
      'import math',
      'import numpy as np',
      '',
      'x = np.linspace(0, 10, 100_000)',
      'y = np.vectorize(lambda t: math.exp(-t) * 2)(x)',
      'm = np.random.rand(1000, 50)',
      'row_sums = np.apply_along_axis(np.sum, 1, m)',
    ].join('\n'),
    useInstead: [
      'import math',
      'import numpy as np',
      '',
      'x = np.linspace(0, 10, 100_000)',
      'y = np.exp(-x) * 2',
      'm = np.random.rand(1000, 50)',
      'row_sums = m.sum(axis=1)',
    ].join('\n'),
  },
  check(_ctx, facts: ArrayFacts, report) {
    for (const site of hiddenLoopSites(facts)) {
      const twin = vectorizedTwin(facts, site);
      if (!twin) continue;
      const at: Node = site.anchor;
      report({
        code: 'VEC006',
        message:
          `${code(site.helper)} is a Python loop in disguise around ${code(site.fnText)}: ` +
          `a vectorized form exists (${code(twin.short)})`,
        ...spanOf(at, facts.source),
        ...(site.array ? { symbol: site.array } : {}),
        fix: { description: twin.description, replacement: twin.replacement, safety: 'unsafe' },
      });
    }
  },
};
