// vecprof advise: profile × findings × this machine's cost model, ranked by measured time.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { locatePython } from '../python/locate.js';
import { runAdvise } from '../advise/advise.js';
import { DEFAULT_ADVICE_TOP, type AdviceReport } from '../advise/types.js';
import { checkTarget } from '../profile/run/launch.js';
import type { RunOptions, RunTarget } from '../profile/run/types.js';
import { exitAfterFailedWrite, writeOutputs, type OutputWrite } from '../report/write-outputs.js';
import { prepareOutDir, prepareOutFile } from '../util/out-dir.js';
import { writeStdout } from '../render/output.js';
import { renderAdviceText } from '../render/advice-text.js';
import { writeFileAtomic } from '../util/atomic.js';
import { exitCodeOf, keepProgramArgsApart, positive, profileFiles } from './profile.js';
import { setExitCode, wantsProgress, type GlobalOptions } from './context.js';

export const ADVISE_SAMPLE_RATE_HZ = 1000;

export interface AdviseOptions {
  module?: string;
  timeout?: number;
  json: boolean;
  html?: string;
  /** The advice as JSON, to this file (`advise --out FILE`). */
  out?: string;
  /** Everything, to this directory (`profile --advise --out DIR`): profile.json, advice.json, report.html, … */
  outDir?: string;
  top: number;
  recalibrate: boolean;
  rate?: number;
  native: boolean;
}

/** Refuses, before the program runs, a file or directory the results could not be written to (and makes the folders). */
async function prepareAdviceOutputs(o: Pick<AdviseOptions, 'html' | 'out' | 'outDir'>): Promise<void> {
  if (o.html !== undefined) await prepareOutFile(o.html, '--html');
  if (o.out !== undefined) await prepareOutFile(o.out, '--out');
  // The runners keep their raw files in it during the run.
  if (o.outDir !== undefined) await prepareOutDir(o.outDir, '--out');
}

function htmlWrite(path: string, report: AdviceReport): OutputWrite {
  return {
    what: 'the HTML report',
    path,
    write: async () => {
      const { writeReport } = await import('../report/build.js');
      await writeReport(path, { title: `vecprof advise: ${report.command.join(' ')}`, createdAt: report.createdAt, advice: report, profile: report.profile, findings: report.findings, sources: report.sources });
    },
  };
}

/** The results first (the terminal list or JSON on stdout), then the files asked for; returns whether all were written. */
async function deliverAdvice(report: AdviceReport, o: Pick<AdviseOptions, 'json' | 'html' | 'out' | 'outDir' | 'top'>): Promise<boolean> {
  if (o.json) writeStdout(`${JSON.stringify(report, null, 2)}\n`);
  else writeStdout(renderAdviceText(report, { top: o.top }));
  const writes: OutputWrite[] = [];
  const json = (path: string): OutputWrite => ({ what: 'the advice', path, write: () => writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`) });
  if (o.out !== undefined) writes.push(json(resolve(o.out)));
  if (o.outDir !== undefined) {
    const dir = resolve(o.outDir);
    writes.push(json(join(dir, 'advice.json')), ...profileFiles(report.profile, dir), htmlWrite(join(dir, 'report.html'), report));
  }
  if (o.html !== undefined) writes.push(htmlWrite(resolve(o.html), report));
  return writeOutputs(writes);
}

/** The whole verb, shared with `vecprof profile --advise`. */
export async function adviseAction(script: string | undefined, args: string[], o: AdviseOptions, globals: GlobalOptions): Promise<void> {
  if (script === undefined && o.module === undefined) {
    throw new UsageError('nothing to advise on', { hint: 'give a script (vecprof advise script.py args) or -m module' });
  }
  const target: RunTarget = o.module !== undefined ? { module: o.module } : { script: script! };
  checkTarget({ target, cwd: process.cwd() });
  const python = await locatePython({ python: globals.python });
  // after the checks, so a refusal leaves no folder behind; before the program runs, so no run ends in "cannot write"
  await prepareAdviceOutputs(o);
  const outDir = o.outDir === undefined ? undefined : resolve(o.outDir);
  const run: RunOptions = {
    python,
    target,
    args: o.module !== undefined && script !== undefined ? [script, ...args] : args,
    cwd: process.cwd(),
    ...(o.timeout === undefined ? {} : { timeoutMs: o.timeout * 1000 }),
    ...(outDir === undefined ? {} : { outDir }),
    native: o.native,
    // Advice is priced from sampled shares: a finer rate than profile's default keeps short loops measurable.
    rateHz: o.rate ?? ADVISE_SAMPLE_RATE_HZ,
    // stdout is the JSON's alone; the program's own output goes to stderr.
    programOutput: o.json ? 'stdout-to-stderr' : 'show',
  };
  const report = await runAdvise({ run, progress: wantsProgress(globals), recalibrate: o.recalibrate });
  const written = await deliverAdvice(report, o);
  const code = exitCodeOf(report.profile, {});
  setExitCode(written ? code : exitAfterFailedWrite(code));
}

export function registerAdvise(program: Command): void {
  const cmd = program
    .command('advise')
    .description('profile a script, check the code that ran, and rank what is hot by measured time, each fix priced on this machine')
    .usage('[options] (script.py [args...] | -m module [args...])')
    .argument('[script]', 'the Python script to run')
    .argument('[args...]', "the script's own arguments")
    .option('-m, --module <module>', 'run a module like python -m')
    .option('--timeout <seconds>', 'stop the program after this long (each run)', positive('--timeout', false))
    .option('--json', "print the advice (with the profile and findings) as JSON; the program's own stdout goes to stderr", false)
    .option('--out <file>', 'also write the advice as JSON to this file')
    .option('--html <file>', 'write the one-file HTML report')
    .option('--top <n>', 'hot items to list', positive('--top', true), DEFAULT_ADVICE_TOP)
    .option('--rate <hz>', `samples per second (default ${ADVISE_SAMPLE_RATE_HZ}); the native sampler runs at a quarter of it, at most 50 Hz`, positive('--rate', true))
    .option('--no-native', 'sample Python frames only (no native sampler, no wait before the first line): lines get no Python / NumPy / kernel split')
    .option('--recalibrate', "measure this machine's cost model again first", false)
    .addHelpText(
      'after',
      '\nThe program runs up to three times (sampling, line counts, a probe of the array sizes); its output and a\n' +
        'traceback are shown once, from the first run, and the later runs get no stdin.',
    )
    .action(async (script: string | undefined, args: string[], o: AdviseOptions, command: Command) => {
      await adviseAction(script, args, o, command.optsWithGlobals<GlobalOptions>());
    });
  keepProgramArgsApart(program, cmd);
}
