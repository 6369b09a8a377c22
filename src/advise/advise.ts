// vecprof advise: profile the program (its own passes), check the files it ran, price each finding with this
// machine's cost model using the array sizes the program held, and rank everything by measured time.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performCheck } from '../commands/check.js';
import { displayPathOf } from '../check/discover.js';
import type { Finding } from '../check/types.js';
import { log } from '../log.js';
import { PYTHON_HELPERS_DIR } from '../paths.js';
import { mergePasses } from '../profile/merge.js';
import { runLines, runMode } from '../profile/run/index.js';
import { DEFAULT_RATE_HZ } from '../profile/run/pyspy.js';
import { pySpyInstallCommand } from '../python/locate.js';
import { defaultUserFile } from '../profile/import/user-files.js';
import type { Profile } from '../profile/model.js';
import { laterRun, type RunOptions } from '../profile/run/types.js';
import { getCostModel } from './costmodel-cache.js';
import { buildAdvice, watchesFor } from './build.js';
import { runShapes } from './shapes.js';
import { ADVICE_SCHEMA, type AdviceReport } from './types.js';

export interface AdviseOptions {
  run: RunOptions;
  progress: boolean;
  /** Measure the cost model again instead of using the cached one. */
  recalibrate?: boolean;
  /** An existing profile (profile --advise): skip the profiling passes. */
  profile?: Profile;
}

/**
 * The advisor's passes: sampling for where the time goes (the least disturbed measure), then a lines pass over all
 * of the user's files, not only the hot functions auto mode picks, because every loop a finding names needs its
 * trip count, hot or not.
 */
async function profileForAdvice(run: RunOptions): Promise<Profile> {
  const first = await runMode('sample', run);
  for (const p of first.meta.passes) p.reason = firstPassReason(p.mode, run);
  if (first.meta.stoppedBy) return mergePasses([first]);
  const lines = await runLines(laterRun(run));
  for (const p of lines.meta.passes) p.reason = 'hits per line in all of your files: the trip count of every loop a finding names';
  if (lines.meta.exitStatus !== first.meta.exitStatus && !lines.meta.stoppedBy) {
    log.warn(`the program exited with status ${String(lines.meta.exitStatus)} when its lines were counted, ${String(first.meta.exitStatus)} the first time: the hit counts may not cover the same run`);
  }
  return mergePasses([first, lines]);
}

/** What the first run did, in the advisor's words (the user asked for advice, not for a mode). */
function firstPassReason(mode: string, run: RunOptions): string {
  if (mode !== 'sample') return `py-spy is missing (${pySpyInstallCommand(run.python)}), so cProfile timed the functions; the advisor prices loops from their time`;
  const native = run.native === false ? 'Python frames only (--no-native)' : 'with native frames for the split of each line';
  return `sampled ${run.rateHz ?? DEFAULT_RATE_HZ} times a second, ${native}: the advisor prices loops from the sampled shares`;
}

/** The program's own Python files, as the profile saw them run. */
export function filesThatRan(profile: Profile, cwd: string): string[] {
  const files = new Set<string>();
  for (const f of [...profile.lines.map((l) => l.file), ...profile.functions.map((f) => f.file)]) {
    if (!f || f === '~' || f.startsWith('<')) continue;
    const abs = resolve(cwd, f);
    if (abs.startsWith(PYTHON_HELPERS_DIR) || !defaultUserFile(abs) || !abs.endsWith('.py') || !existsSync(abs)) continue;
    files.add(abs);
  }
  return [...files].sort();
}

async function checkFiles(files: string[], cwd: string): Promise<Finding[]> {
  if (files.length === 0) return [];
  const run = await performCheck({
    paths: files,
    cwd,
    options: { exclude: [], respectGitignore: false, outputFormat: 'json', statistics: false, cache: true, exitZero: true, threads: 0, fullParse: false },
  });
  return run.findings;
}

function readSources(files: string[]): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const f of files) {
    try {
      sources[f] = readFileSync(f, 'utf8');
    } catch {
      /* the source view says the file is gone */
    }
  }
  return sources;
}

export async function runAdvise(opts: AdviseOptions): Promise<AdviceReport> {
  const { run } = opts;
  const profile = opts.profile ?? (await profileForAdvice(run));
  const files = filesThatRan(profile, run.cwd);
  log.info({ files: files.length }, 'advise: checking the files that ran');
  const findings = (await checkFiles(files, run.cwd)).filter((f) => f.code !== 'E999' && f.code !== 'E902');
  const model = await getCostModel({ python: run.python.command, progress: opts.progress, refresh: opts.recalibrate });
  const sources = readSources(files);
  const watches = watchesFor(profile, findings, sources, run.cwd);
  const stopped = profile.meta.stoppedBy !== undefined;
  // The program ran to its end in the profiling passes; one more run reads the array sizes at the watched lines.
  const shapes = watches.length > 0 && !stopped ? await runShapes(laterRun(run), watches) : { seen: new Map(), wallSeconds: null };
  const items = buildAdvice({
    profile,
    findings,
    shapes: shapes.seen,
    // The least disturbed of the runs stands for the program's own length.
    plainWallSeconds: Math.min(profile.meta.durationSeconds, shapes.wallSeconds ?? Infinity),
    model,
    sources,
    cwd: run.cwd,
    displayPath: (abs) => displayPathOf(abs, process.cwd()),
  });
  return {
    schema: ADVICE_SCHEMA,
    createdAt: new Date().toISOString(),
    command: profile.meta.command,
    profile,
    findings,
    costModel: model,
    items,
    filesChecked: files,
    sources,
  };
}
