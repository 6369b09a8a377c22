// vecprof advise: profile × findings × this machine's cost model, ranked by measured time.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { locatePython } from '../python/locate.js';
import { runAdvise } from '../advise/advise.js';
import type { AdviceReport } from '../advise/types.js';
import type { RunOptions, RunTarget } from '../profile/run/types.js';
import { writeStdout } from '../render/output.js';
import { renderAdviceText } from '../render/advice-text.js';
import { writeFileAtomic } from '../util/atomic.js';
import { exitCodeOf, keepProgramArgsApart } from './profile.js';
import { setExitCode, wantsProgress, type GlobalOptions } from './context.js';

export const ADVISE_SAMPLE_RATE_HZ = 1000;

export interface AdviseOptions {
  module?: string;
  timeout?: number;
  json: boolean;
  html?: string;
  out?: string;
  top: number;
  recalibrate: boolean;
}

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

/** Writes what was asked for: --out advice.json, --html report, and the terminal list or JSON on stdout. */
export async function deliverAdvice(report: AdviceReport, o: { json: boolean; html?: string; out?: string; top: number }): Promise<void> {
  if (o.out !== undefined) await writeFileAtomic(resolve(o.out), `${JSON.stringify(report, null, 2)}\n`);
  if (o.html !== undefined) {
    const { writeReport } = await import('../report/build.js');
    await writeReport(resolve(o.html), { title: `vecprof advise: ${report.command.join(' ')}`, createdAt: report.createdAt, advice: report, profile: report.profile, findings: report.findings, sources: report.sources });
  }
  if (o.json) writeStdout(`${JSON.stringify(report, null, 2)}\n`);
  else writeStdout(renderAdviceText(report, { top: o.top }));
}

/** The whole verb, shared with `vecprof profile --advise`. */
export async function adviseAction(script: string | undefined, args: string[], o: AdviseOptions, globals: GlobalOptions): Promise<void> {
  if (script === undefined && o.module === undefined) {
    throw new UsageError('nothing to advise on', { hint: 'give a script (vecprof advise script.py args) or -m module' });
  }
  const target: RunTarget = o.module !== undefined ? { module: o.module } : { script: script! };
  const python = await locatePython({ python: globals.python });
  const run: RunOptions = {
    python,
    target,
    args: o.module !== undefined && script !== undefined ? [script, ...args] : args,
    cwd: process.cwd(),
    ...(o.timeout === undefined ? {} : { timeoutMs: o.timeout * 1000 }),
    native: true,
    // Advice is priced from sampled shares: a finer rate than profile's default keeps short loops measurable.
    rateHz: ADVISE_SAMPLE_RATE_HZ,
  };
  const report = await runAdvise({ run, progress: wantsProgress(globals), recalibrate: o.recalibrate });
  await deliverAdvice(report, o);
  setExitCode(exitCodeOf(report.profile, {}));
}

export function registerAdvise(program: Command): void {
  const cmd = program
    .command('advise')
    .description('profile a script, check the code that ran, and rank the fixes by the time they would save on this machine')
    .usage('[options] (script.py [args...] | -m module [args...])')
    .argument('[script]', 'the Python script to run')
    .argument('[args...]', "the script's own arguments")
    .option('-m, --module <module>', 'run a module like python -m')
    .option('--timeout <seconds>', 'stop the program after this long (each pass)', positive('--timeout'))
    .option('--json', 'print the advice (with the profile and findings) as JSON', false)
    .option('--out <file>', 'also write the advice as JSON to this file')
    .option('--html <file>', 'write the one-file HTML report')
    .option('--top <n>', 'hot items to list', positive('--top'), 8)
    .option('--recalibrate', "measure this machine's cost model again first", false)
    .action(async (script: string | undefined, args: string[], o: AdviseOptions, command: Command) => {
      await adviseAction(script, args, o, command.optsWithGlobals<GlobalOptions>());
    });
  keepProgramArgsApart(program, cmd);
}
