// vecprof profile: run a program under the right profiler(s), or attach to one, or read a profile made elsewhere;
// print one summary after the program is done, or write the model and its views to --out.
import { Option, type Command } from 'commander';
import { colorEnabled } from '../render/colors.js';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError, VecprofError } from '../errors.js';
import { log } from '../log.js';
import { locatePython, pySpyInstallCommand } from '../python/locate.js';
import { findPySpy } from '../python/tools.js';
import { DEFAULT_ADVICE_TOP } from '../advise/types.js';
import { runAuto } from '../profile/auto.js';
import { importProfileFile } from '../profile/import/index.js';
import type { Profile, RequestedMode } from '../profile/model.js';
import { runMode } from '../profile/run/index.js';
import { checkTarget } from '../profile/run/launch.js';
import { attachSample, checkAttachable } from '../profile/run/pyspy.js';
import type { RunOptions, RunTarget } from '../profile/run/types.js';
import { writeStdout } from '../render/output.js';
import { renderProfileText } from '../render/profile-text.js';
import type { AdviseOptions } from './advise.js';
import { writeFileAtomic } from '../util/atomic.js';
import { exitAfterFailedWrite, writeOutputs, type OutputWrite } from '../report/write-outputs.js';
import { prepareOutDir, prepareOutFile } from '../util/out-dir.js';
import { setExitCode, type GlobalOptions } from './context.js';

/** Like timeout(1): the program was stopped at the limit; the profile covers what ran. */
export const EXIT_TIMED_OUT = 124;

const MODES: readonly RequestedMode[] = ['auto', 'cpu', 'lines', 'memory', 'sample'];

interface ProfileOptions {
  mode?: RequestedMode;
  module?: string;
  pid?: number;
  duration?: number;
  import?: string;
  timeout?: number;
  out?: string;
  json: boolean;
  lines: string[];
  rate?: number;
  native: boolean;
  top: number;
  html?: string;
  advise: boolean;
}

/** A commander parser for a positive number (or integer) option, refusing anything else by the option's name. */
export function positive(name: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
    }
    return n;
  };
}

function functionList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function registerProfile(program: Command): void {
  const cmd = program
    .command('profile')
    .description('run a Python program under the right profiler(s) and show where its time and memory go')
    .usage('[options] (script.py [args...] | -m module [args...] | --pid PID | --import FILE)')
    .argument('[script]', 'the Python script to run')
    .argument('[args...]', "the script's own arguments (everything after the script is passed on untouched)")
    .addOption(new Option('--mode <mode>', 'auto: sample, then lines of the hot functions, then memory if large; or one mechanism').choices(MODES))
    .option('-m, --module <module>', 'run a module like python -m (the words after it are its arguments)')
    .option('--pid <pid>', 'sample a running Python process (py-spy) instead of starting one', positive('--pid', true))
    .option('--duration <seconds>', 'with --pid: how long to sample (default: until Ctrl-C)', positive('--duration', false))
    .option('--import <file>', 'read a profile made elsewhere (.prof, py-spy speedscope or raw) instead of running anything')
    .option('--timeout <seconds>', 'stop the program after this long and keep the profile of what ran', positive('--timeout', false))
    .option('--out <dir>', 'write profile.json, the raw profiler files, speedscope.json and flamegraph.svg here')
    .option('--json', "print the profile model as JSON instead of the summary; the program's own stdout goes to stderr", false)
    .option('--html <file>', 'also write a one-file HTML report (source heat, flame graph, tables)')
    .option('--lines <func>', 'lines mode: trace only these functions (name, Class.method or file.py:name; repeat or comma-separate)', functionList, [])
    .option('--rate <hz>', 'samples per second in sample mode (default 100)', positive('--rate', true))
    .option('--no-native', 'sample mode: Python frames only (no C frames, so no NumPy/kernel split)')
    .option('--top <n>', 'rows per table in the summary', positive('--top', true), 10)
    .option('--advise', 'profile as `vecprof advise` does, check the code that ran and rank the fixes (with --out DIR: profile.json, advice.json, report.html)', false)
    .action(async (script: string | undefined, args: string[], options: ProfileOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions & ProfileOptions>();
      if (options.advise) {
        refuseWithAdvise(options, command);
        const { adviseAction } = await import('./advise.js');
        await adviseAction(script, args, adviseOptionsOf(options, command), globals);
        return;
      }
      const profile = await profileFor(script, args, options, globals);
      const written = await deliver(profile, options);
      const code = exitCodeOf(profile, options);
      setExitCode(written ? code : exitAfterFailedWrite(code));
    });
  keepProgramArgsApart(program, cmd);
}

/** profile's options as `vecprof advise` takes them: --out is the directory of everything, --top the list's length. */
export function adviseOptionsOf(options: ProfileOptions, command: Command): AdviseOptions {
  const { out, top, ...rest } = options;
  // the summary's tables default to 10 rows; the advice list to advise's own length
  const adviseTop = command.getOptionValueSource('top') === 'cli' ? top : DEFAULT_ADVICE_TOP;
  return { ...rest, top: adviseTop, recalibrate: false, ...(out === undefined ? {} : { outDir: out }) };
}

/** profile's options that --advise cannot honour: it runs the advisor's own passes on a program it starts. */
function refuseWithAdvise(o: ProfileOptions, command: Command): void {
  if (o.pid !== undefined || o.import !== undefined) {
    throw new UsageError('--advise needs a program to run (a script or -m module)', { hint: 'it reruns the program to read the array sizes' });
  }
  const given = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
  const refused = [o.mode !== undefined ? `--mode ${o.mode}` : null, o.lines.length > 0 ? '--lines' : null, o.duration !== undefined ? '--duration' : null].filter(
    (x): x is string => x !== null && given(x.split(' ')[0]!.replace(/^--/, '')),
  );
  if (refused.length > 0) {
    throw new UsageError(`${refused.join(' and ')} cannot go with --advise`, {
      hint: 'the advisor chooses its own passes (sampling, line counts of all your files, an array-size probe); drop it, or profile without --advise',
    });
  }
}

/**
 * Everything after the script (or after `-m module`) belongs to the user's program, even words that look like
 * vecprof's own or global options (`-q`, `--python`, `--timeout`, `--help`). Commander would take those wherever they
 * are, and its passThroughOptions() needs positional options on the whole program (which would change every verb),
 * so the program's option parsing is told where the user's words begin: it parses only what comes before and hands
 * the rest to `profile` behind a `--`, which makes them plain arguments.
 */
export function keepProgramArgsApart(program: Command, cmd: Command): void {
  const parseOptions = program.parseOptions.bind(program);
  program.parseOptions = (args: string[]) => {
    const start = userArgsStart(args, program, cmd);
    if (start === null) return parseOptions(args);
    const before = args.slice(0, start.at);
    if (before.at(-1) === '--') before.pop();
    const parsed = parseOptions(before);
    return { operands: parsed.operands, unknown: [...parsed.unknown, '--', ...args.slice(start.at)] };
  };
}

function findOption(command: Command, word: string): Option | undefined {
  const flag = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
  return command.options.find((o) => o.short === flag || o.long === flag || (o.short !== undefined && flag.length > 2 && !flag.startsWith('--') && o.short === flag.slice(0, 2)));
}

function takesSeparateValue(option: Option, word: string): boolean {
  const inline = word.includes('=') || (!word.startsWith('--') && word.length > 2);
  return (option.required || option.optional) && !inline;
}

/** Index of the first word of the user's program in the CLI's args, when the verb is profile and a target is given. */
export function userArgsStart(args: string[], program: Command, cmd: Command): { at: number } | null {
  let i = 0;
  for (; i < args.length && args[i] !== cmd.name(); i++) {
    const word = args[i]!;
    if (!word.startsWith('-') || word === '--') return null; // another verb, or none
    const option = findOption(program, word);
    if (option && takesSeparateValue(option, word)) i++;
  }
  if (i >= args.length) return null;
  for (i++; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') return i + 1 < args.length ? { at: i + 1 } : null;
    if (!word.startsWith('-') || word === '-') return { at: i };
    const option = findOption(cmd, word) ?? findOption(program, word);
    if (!option) return null; // let commander report the unknown option
    const separate = takesSeparateValue(option, word);
    if (option.long === '--module') return { at: separate ? i + 2 : i + 1 };
    if (separate) i++;
  }
  return null;
}

type Globals = GlobalOptions & ProfileOptions;

/** Which of the four ways in was asked for; more than one is a usage error. */
function targetOf(script: string | undefined, args: string[], o: ProfileOptions): RunTarget | 'pid' | 'import' {
  const given = [script !== undefined && o.module === undefined ? 'a script' : null, o.module !== undefined ? '-m' : null, o.pid !== undefined ? '--pid' : null, o.import !== undefined ? '--import' : null].filter(
    (g): g is string => g !== null,
  );
  if (given.length === 0) {
    throw new UsageError('nothing to profile', { hint: 'give a script (vecprof profile script.py args), -m module, --pid PID or --import FILE' });
  }
  if (given.length > 1) throw new UsageError(`give only one of a script, -m, --pid and --import (got ${given.join(' and ')})`);
  if (o.duration !== undefined && o.pid === undefined) throw new UsageError('--duration goes with --pid', { hint: 'use --timeout to limit a program vecprof starts' });
  if (o.pid !== undefined || o.import !== undefined) {
    if (args.length > 0) throw new UsageError(`unexpected arguments: ${args.join(' ')}`, { hint: 'program arguments go with a script or -m module' });
    if (o.mode !== undefined && o.mode !== 'auto' && o.mode !== 'sample' && o.pid !== undefined) {
      throw new UsageError(`--pid samples a running process; --mode ${o.mode} needs vecprof to start the program`);
    }
    return o.pid !== undefined ? 'pid' : 'import';
  }
  if (o.module !== undefined) return { module: o.module };
  return { script: script! };
}

async function profileFor(script: string | undefined, args: string[], o: ProfileOptions, globals: Globals): Promise<Profile> {
  const target = targetOf(script, args, o);
  const outDir = o.out === undefined ? undefined : resolve(o.out);
  // The output paths are made ready once the input is known to be good (a refusal leaves no folder behind) and before
  // the program runs (a run never ends in "cannot write"; the runners keep their raw files in --out during the run).
  const prepareOutputs = async (): Promise<void> => {
    if (o.html !== undefined) await prepareOutFile(o.html, '--html');
    if (outDir !== undefined) await prepareOutDir(outDir, '--out', o.out);
  };
  if (target === 'import') {
    const imported = await importProfileFile(resolve(o.import!));
    await prepareOutputs();
    return imported;
  }
  if (target === 'pid') {
    checkAttachable(o.pid!);
    const python = await locatePython({ python: globals.python, requireNumpy: false }).catch(() => null);
    const pyspy = await findPySpy(python?.scriptsDir);
    if (!pyspy) throw new VecprofError('py-spy is needed to attach to a running process and is not installed', { hint: `run: ${pySpyInstallCommand(python)}` });
    await prepareOutputs();
    return attachSample({ pyspy, pid: o.pid!, durationSeconds: o.duration, rateHz: o.rate, native: o.native, outDir });
  }
  checkTarget({ target, cwd: process.cwd() });
  const python = await locatePython({ python: globals.python, requireNumpy: false });
  await prepareOutputs();
  const mode: RequestedMode = o.mode ?? (o.lines.length > 0 ? 'lines' : 'auto');
  if (o.lines.length > 0 && mode !== 'lines') log.warn(`--lines only applies to --mode lines; ignored with --mode ${mode}`);
  const runOptions: RunOptions = {
    python,
    target,
    args: 'module' in target && script !== undefined ? [script, ...args] : args,
    cwd: process.cwd(),
    ...(o.timeout === undefined ? {} : { timeoutMs: o.timeout * 1000 }),
    ...(outDir === undefined ? {} : { outDir }),
    ...(o.lines.length > 0 ? { onlyFunctions: o.lines } : {}),
    ...(o.rate === undefined ? {} : { rateHz: o.rate }),
    native: o.native,
    // stdout is the JSON's alone; the program's own output goes to stderr.
    programOutput: o.json ? 'stdout-to-stderr' : 'show',
  };
  log.debug({ mode, command: runOptions.args, target }, 'profiling');
  return mode === 'auto' ? runAuto(runOptions) : runMode(mode, runOptions);
}

/** The model and its file-only views in an --out directory (the raw profiler files are there already). */
export function profileFiles(profile: Profile, dir: string): OutputWrite[] {
  // The two file-only views load only when asked for: most runs print a summary and never need them.
  return [
    { what: 'profile.json', path: join(dir, 'profile.json'), write: () => writeFileAtomic(join(dir, 'profile.json'), `${JSON.stringify(profile, null, 2)}\n`) },
    {
      what: 'speedscope.json',
      path: join(dir, 'speedscope.json'),
      write: async () => writeFileAtomic(join(dir, 'speedscope.json'), `${JSON.stringify((await import('../render/speedscope-export.js')).toSpeedscope(profile))}\n`),
    },
    {
      what: 'flamegraph.svg',
      path: join(dir, 'flamegraph.svg'),
      write: async () => writeFileAtomic(join(dir, 'flamegraph.svg'), (await import('../render/flamegraph.js')).renderFlamegraphSvg(profile)),
    },
  ];
}

/** The summary (or JSON) first, then the files asked for; returns whether all were written. */
async function deliver(profile: Profile, o: ProfileOptions): Promise<boolean> {
  // The program's own output is done by now, so the summary never interleaves with it.
  if (o.json) writeStdout(`${JSON.stringify(profile, null, 2)}\n`);
  else writeStdout(renderProfileText(profile, { top: o.top, sourceSnippets: true, color: colorEnabled }));
  if (profile.meta.stoppedBy === 'timeout') log.warn('the program was stopped at the time limit: the profile covers what ran until then');
  const writes = o.out === undefined ? [] : profileFiles(profile, resolve(o.out));
  if (o.html !== undefined) {
    const html = resolve(o.html);
    writes.push({ what: 'the HTML report', path: html, write: async () => (await import('../report/for-command.js')).writeProfileReport(html, profile) });
  }
  return writeOutputs(writes);
}

/** vecprof exits as the program did; a stop by vecprof itself says so in the code. */
export function exitCodeOf(profile: Profile, o: Pick<ProfileOptions, 'pid' | 'import'>): number {
  if (o.pid !== undefined || o.import !== undefined) return EXIT_OK;
  if (profile.meta.stoppedBy === 'interrupt') return EXIT_INTERRUPTED;
  if (profile.meta.stoppedBy === 'timeout') return EXIT_TIMED_OUT;
  if (profile.meta.exitStatus !== null) return profile.meta.exitStatus;
  // Killed by a signal (a crash in native code, the OOM killer): as a shell reports it, 128 + the signal number.
  const signal = profile.meta.signal ? constants.signals[profile.meta.signal as NodeJS.Signals] : undefined;
  return signal === undefined ? 1 : 128 + signal;
}
