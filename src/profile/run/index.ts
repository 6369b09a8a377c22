// One door to the four mechanisms: a mode name in, a Profile of one run out.
import { log } from '../../log.js';
import { findPySpy, type ToolInfo } from '../../python/tools.js';
import { pySpyInstallCommand } from '../../python/locate.js';
import type { Profile, ProfileMode } from '../model.js';
import { runCpu } from './cprofile.js';
import { runLines } from './lines.js';
import { runMemory } from './memory.js';
import { runSample } from './pyspy.js';
import type { RunOptions } from './types.js';

export type { RunOptions } from './types.js';
export { runCpu, runLines, runMemory, runSample };

/** py-spy for sample mode, or null after telling the user how to get it. */
export async function sampler(opts: RunOptions): Promise<ToolInfo | null> {
  const pyspy = await findPySpy(opts.python.scriptsDir);
  if (pyspy) log.debug({ pyspy: pyspy.path, version: pyspy.version }, 'using py-spy');
  else log.warn(`py-spy is not installed, so sampling falls back to cProfile (cpu mode); to sample, run: ${pySpyInstallCommand(opts.python)}`);
  return pyspy;
}

export async function runMode(mode: ProfileMode, opts: RunOptions): Promise<Profile> {
  switch (mode) {
    case 'cpu':
      return runCpu(opts);
    case 'lines':
      return runLines(opts);
    case 'memory':
      return runMemory(opts);
    case 'sample': {
      const pyspy = await sampler(opts);
      if (pyspy) return runSample({ ...opts, pyspy });
      const profile = await runCpu(opts);
      for (const pass of profile.meta.passes) pass.reason = `--mode sample, but py-spy is missing (${pySpyInstallCommand(opts.python)}): cProfile instead`;
      return profile;
    }
  }
}
