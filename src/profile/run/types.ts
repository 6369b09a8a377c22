// What every profiling runner (cpu, sample, lines, memory) takes, and the few things they share.
import type { PythonInfo } from '../../python/locate.js';
import type { RssStat } from '../model.js';

/** The user's program: a script path (as `python script.py`) or a module (as `python -m module`). */
export type RunTarget = { script: string } | { module: string };

export interface RunOptions {
  python: PythonInfo;
  target: RunTarget;
  /** The program's own argv after the script/module name. */
  args: string[];
  /** The program's working directory (relative script paths resolve against it). */
  cwd: string;
  /** Stop the program after this long; the profile of what ran is still returned. */
  timeoutMs?: number;
  /** Keep the raw profiler files here; without it they go to a temp dir that is removed afterwards. */
  outDir?: string;
  /**
   * Limit line tracing to these functions. Each entry is `name`, `Class.method`, or `FILE:name` where FILE is an
   * absolute path or a path suffix (`pkg/mod.py`); `<module>` names a file's module-level code (auto mode passes
   * `/abs/path/script.py:<module>` when the hot loop is at the top level of a script).
   */
  onlyFunctions?: string[];
  /** Sample mode: samples per second. */
  rateHz?: number;
  /** Sample mode: collect native (C) frames too, for the Python / NumPy / kernel split (default true). */
  native?: boolean;
  /**
   * Where the program's own output goes. 'show' (default): vecprof's stdout and stderr, as if it ran alone.
   * 'stdout-to-stderr': its stdout joins stderr, so vecprof's stdout holds only machine-readable output (--json).
   * 'hide': a later run of the same program (auto's and advise's further passes): no stdin, its output was shown
   * on the first run and is not shown again (stderr is kept for the debug log).
   */
  programOutput?: ProgramOutput;
}

export type ProgramOutput = 'show' | 'stdout-to-stderr' | 'hide';

/** How the program ended, as the launcher (python/vecprof_run.py) reported it. */
export interface RunEnd {
  /** The program's exit status (SystemExit code, 1 for an uncaught exception, 130 for Ctrl-C); null if unknown. */
  exitStatus: number | null;
  /** Set when vecprof stopped the program. */
  stoppedBy: 'timeout' | 'interrupt' | null;
  /** Signal that ended the Python process when it did not exit on its own. */
  signal: NodeJS.Signals | null;
  wallSeconds: number;
  /** CPU time of the program's process (user + system), where the launcher could read it. */
  cpuSeconds?: number;
  /** CPU time of the wrapper (py-spy) up to the program's end, where /proc shows it. */
  wrapperCpuSeconds?: number;
  /** Resident memory of the program's process, where the launcher could read it. */
  rss?: RssStat;
}

/** A later run of the same program (auto's and advise's further passes): its output and a traceback were shown on the first. */
export function laterRun(opts: RunOptions): RunOptions {
  return { ...opts, programOutput: 'hide' };
}

/** Human-readable form of the target, for meta.command and log lines. */
export function commandOf(target: RunTarget, args: string[]): string[] {
  return 'script' in target ? [target.script, ...args] : ['-m', target.module, ...args];
}

/** Arguments for python/vecprof_run.py (and every helper built on it) that select the target. */
export function launcherArgs(target: RunTarget, args: string[]): string[] {
  return 'script' in target ? ['--script', target.script, '--', ...args] : ['--module', target.module, '--', ...args];
}
