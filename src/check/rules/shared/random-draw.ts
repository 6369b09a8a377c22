// One random number per iteration (`rng.normal()`, `np.random.uniform(lo, hi)`, `np.random.rand()`): not a call out
// but element work, because the same generator draws all N at once with `size=N`.
import type { Node } from 'web-tree-sitter';
import { field, keywordArg, named, positionalArgs } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { RANDOM_SIZE_POSITION } from '../../numpy-api.js';

export interface RandomDraw {
  /** The callee as written: `rng.normal`, `np.random.uniform`. */
  callee: string;
  /** `rand`/`randn` take the count as a dimension, not as `size=`. */
  dims: boolean;
}

/** A draw of one scalar from a NumPy generator or `np.random`: no `size`, no splat, arguments not arrays. */
export function randomDraw(facts: ArrayFacts, call: Node): RandomDraw | null {
  const callee = field(call, 'function');
  const args = field(call, 'arguments');
  if (!callee || !args || args.type !== 'argument_list') return null;
  let fn: string | null = null;
  const path = facts.numpyPath(callee);
  if (path?.startsWith('random.')) fn = path.slice('random.'.length);
  else if (callee.type === 'attribute') {
    const obj = field(callee, 'object');
    if (obj && facts.valueOf(obj).kind === 'rng') fn = field(callee, 'attribute')?.text ?? null;
  }
  if (fn === null) return null;
  const positional = positionalArgs(call);
  if (named(args).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return null;
  if ((fn === 'rand' || fn === 'randn') && path !== null) return positional.length === 0 && named(args).length === 0 ? { callee: callee.text, dims: true } : null;
  const sizeAt = RANDOM_SIZE_POSITION[fn];
  // `choice(a)`, `multivariate_normal(mean, cov)`: the draw is a row or an item of an array, not one number
  if (sizeAt === undefined || fn === 'choice' || fn === 'multivariate_normal' || fn === 'dirichlet' || fn === 'multinomial') return null;
  if (keywordArg(call, 'size') || positional.length > sizeAt) return null;
  if (positional.some((a) => facts.valueOf(a).kind === 'array')) return null;
  return { callee: callee.text, dims: false };
}

/** The same draw for every iteration at once: `rng.normal(0, 1, size=n)`; args already translated. */
export function drawAll(draw: RandomDraw, call: Node, args: string[], count: string | undefined, argsMove: boolean): string | null {
  const keywords = named(field(call, 'arguments') as Node).filter((a) => a.type === 'keyword_argument').map((a) => a.text);
  // `rng.normal(mu[i], 1.0)`: the moving argument already has the loop's shape
  if (argsMove) return draw.dims ? null : `${draw.callee}(${[...args, ...keywords].join(', ')})`;
  if (count === undefined) return null;
  if (draw.dims) return `${draw.callee}(${count})`;
  return `${draw.callee}(${[...args, ...keywords, `size=${count}`].join(', ')})`;
}
