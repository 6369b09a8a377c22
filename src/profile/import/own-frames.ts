// vecprof's own frames out of sampled stacks, so a profile shows the user's program from its first frame.
//
// Every mode runs the program from python/vecprof_run.py: the helper's module, its main, the launcher's run and the
// one-line body (`lambda: exec(code, …)`) sit above the program's first frame in every sample, and py-spy adds a root
// frame for the launcher's process. Samples taken before the program starts (the launcher's imports, the sample gate
// waiting for the native sampler) or after it ends (the profiler writing its file) are vecprof's time, not the
// program's. Line counters compiled into the program (lines mode) are helper frames below a user line: that line
// pays for them.
import { sep } from 'node:path';
import { PYTHON_HELPERS_DIR } from '../../paths.js';
import type { Frame, SampleStacks } from '../model.js';

const HELPERS = PYTHON_HELPERS_DIR + sep;
const LAUNCHER = `${HELPERS}vecprof_run.py`;

function isOwnFile(file: string): boolean {
  return file.startsWith(HELPERS);
}

/** py-spy's root frame of a process (`process 123:"python …/vecprof_sample.py --script x.py"`) started by vecprof. */
function isOwnProcess(f: Frame): boolean {
  return f.file === '' && f.name.startsWith('process ') && f.name.includes(HELPERS);
}

/**
 * The launcher's call of the program: `lambda: exec(code, main.__dict__)`, or for -m `lambda: _run_module(…)`, which
 * imports the module's parent packages below it (qualified `_prepare_script.<locals>.<lambda>` by lines mode).
 */
function isProgramEntry(f: Frame): boolean {
  return f.file === LAUNCHER && f.name.endsWith('<lambda>');
}

/**
 * The stacks as the program would show them run on its own: frames from the launcher's entry down, with helper
 * frames below it left out; samples of vecprof's own code dropped (and of the interpreter starting up in the
 * launcher's process, before the program's first line); frames no stack uses any more dropped. Stacks that never
 * touch vecprof (a child started by `spawn`, a profile made elsewhere) stay as they are. Returns the input itself
 * when nothing in it is vecprof's.
 */
export function withoutOwnFrames(samples: SampleStacks): SampleStacks {
  const own = samples.frames.map((f) => isOwnFile(f.file) || isOwnProcess(f));
  if (!own.includes(true)) return samples;
  const entry = samples.frames.map(isProgramEntry);
  const stacks: SampleStacks['stacks'] = [];
  for (const stack of samples.stacks) {
    const ids = stack.frames;
    const start = ids.findIndex((id) => entry[id]);
    if (start < 0) {
      if (!ids.some((id) => own[id])) stacks.push(stack);
      continue; // the launcher before or after the program
    }
    const kept = ids.slice(start + 1).filter((id) => !own[id]);
    if (kept.length > 0) stacks.push({ frames: kept, weight: stack.weight });
  }
  return compactFrames({ ...samples, stacks });
}

/** Frames no stack refers to are removed and the stacks renumbered. */
function compactFrames(samples: SampleStacks): SampleStacks {
  const used = new Int32Array(samples.frames.length).fill(-1);
  const frames: Frame[] = [];
  const stacks = samples.stacks.map((s) => ({
    frames: s.frames.map((id) => {
      if (used[id] === -1) {
        used[id] = frames.length;
        frames.push(samples.frames[id]!);
      }
      return used[id]!;
    }),
    weight: s.weight,
  }));
  return { ...samples, frames, stacks };
}
