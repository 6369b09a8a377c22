// cpu mode: cProfile around the user's program (python/vecprof_cprofile.py), the .prof read by our own importer.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { VecprofError } from '../../errors.js';
import { PYTHON_HELPERS_DIR } from '../../paths.js';
import { importPstats } from '../import/pstats.js';
import type { FunctionStat, Profile } from '../model.js';
import { defaultUserFile } from '../import/user-files.js';
import { runLauncher, runMeta } from './launch.js';
import type { RunOptions } from './types.js';

export const CPU_PROFILE_FILE = 'cpu.prof';

export async function runCpu(opts: RunOptions): Promise<Profile> {
  const dir = opts.outDir ?? (await mkdtemp(join(tmpdir(), 'vecprof-cpu-')));
  const profPath = join(dir, CPU_PROFILE_FILE);
  const started = new Date();
  try {
    const launched = await runLauncher(opts, {
      helper: 'vecprof_cprofile.py',
      helperArgs: ['--out', profPath],
      label: 'cpu profiler (cProfile)',
    });
    if (!existsSync(profPath)) {
      const signal = launched.end.signal;
      if (signal && launched.end.stoppedBy === null) {
        throw new VecprofError(`the program was killed by ${signal} before cProfile could write its profile`, {
          hint: 'a crash in native code: --mode sample shows where it was, since py-spy watches from outside',
          exitCode: 128 + (constants.signals[signal] ?? 0),
        });
      }
      throw new VecprofError('cProfile wrote no profile: the program was killed before it could write one', {
        where: profPath,
        hint: 'a program stuck in one long native call cannot stop in time; raise --timeout or use --mode sample',
      });
    }
    const imported = importPstats(new Uint8Array(await readFile(profPath)), { source: profPath });
    const functions = withoutLauncherFrames(imported.functions);
    const profile: Profile = { ...imported, functions };
    profile.meta = { ...imported.meta, ...runMeta(opts, launched, { mode: 'cpu', found: describeTop(functions, launched.end.wallSeconds) }, started, 'cProfile') };
    return profile;
  } finally {
    if (opts.outDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The launcher's own frames, the profiler's enable/disable calls and the builtin exec() the launcher runs the program
 * with are not the user's program.
 */
export function withoutLauncherFrames(functions: FunctionStat[]): FunctionStat[] {
  const launcher = new Set(functions.filter((f) => f.file.startsWith(PYTHON_HELPERS_DIR)).map((f) => f.id));
  const ours = (f: FunctionStat): boolean =>
    launcher.has(f.id) ||
    (f.file === '~' && (f.name.includes('_lsprof.Profiler') || (f.callers !== undefined && f.callers.length > 0 && f.callers.every((c) => launcher.has(c.id)))));
  const dropped = new Set(functions.filter(ours).map((f) => f.id));
  return functions
    .filter((f) => !dropped.has(f.id))
    .map((f) => (f.callers ? { ...f, callers: f.callers.filter((c) => !dropped.has(c.id)) } : f));
}

function describeTop(functions: FunctionStat[], wallSeconds: number): string {
  const user = functions.filter((f) => f.file !== '~' && defaultUserFile(f.file) && f.name !== '<module>');
  const top = [...user].sort((a, b) => (b.totalTime ?? 0) - (a.totalTime ?? 0))[0];
  if (!top || wallSeconds <= 0) return `${functions.length} functions`;
  const share = Math.round((100 * (top.totalTime ?? 0)) / wallSeconds);
  return `hottest function of yours: ${top.name} (${top.file}:${top.line}), ${share} % of the run including callees`;
}
