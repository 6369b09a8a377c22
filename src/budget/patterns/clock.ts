// Which clocks a pattern's versions are read with, said in words: every version is timed in wall time; a version
// that calls BLAS (which may start threads) has process CPU time beside it, the others the calling thread's.
import { allVersions } from './index.js';
import type { PatternSpec } from './types.js';

/** The note printed under the tables (and the reason the plot title says "wall time"); null when no version uses BLAS. */
export function clockNoteFor(spec: PatternSpec): string | null {
  const versions = allVersions(spec);
  const blas = versions.filter((v) => v.clock === 'process').map((v) => v.id);
  if (blas.length === 0) return null;
  const head = 'every version is timed in wall time (perf_counter), because BLAS may run several threads and thread_time sees only the calling one';
  if (blas.length === versions.length) return `${head}; the CPU/wall table is process CPU time (all threads) over wall time`;
  const [verb, pronoun] = blas.length === 1 ? ['calls', 'its'] : ['call', 'their'];
  return `${head}; ${blas.join(', ')} ${verb} BLAS: ${pronoun} CPU/wall column is process CPU time (all threads) over wall time, the other columns the calling thread's CPU time over wall time`;
}
