// `vecprof budget --pattern NAME|all` and `vecprof budget --pitfalls`: what src/commands/budget.ts hands over to.
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK, UsageError, exitCodeForSignal } from '../../errors.js';
import { log } from '../../log.js';
import { locatePython } from '../../python/locate.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { prepareOutDir } from '../../util/out-dir.js';
import { writeOutputs, type OutputWrite } from '../../report/write-outputs.js';
import { writeStdout } from '../../render/output.js';
import { renderPatternSummary, renderPatternTables } from '../../render/pattern-table.js';
import { renderPitfalls } from '../../render/pitfalls.js';
import { setExitCode, wantsProgress, type GlobalOptions } from '../../commands/context.js';
import { runPattern } from '../pattern-run.js';
import { runPitfalls } from '../pitfalls.js';
import { CHECKED_OPTIONS, checkPatternOptions, checkPitfallsOptions, selectPatterns, toPatternConfig, type PatternCliOptions } from './config.js';
import { bounded, parseSeed, type TimingCliOptions } from '../config.js';
import { renderPatternPlot } from './plot.js';
import type { PatternResult } from './types.js';

/** The budget options this dispatch reads; commander fills them, `given` comes from the option sources. */
export interface CatalogueOptions extends TimingCliOptions {
  calibrate?: boolean;
  pattern?: string;
  pitfalls?: boolean;
  quick?: boolean;
  out?: string;
  json?: boolean;
  html?: string;
}

function givenOptions(cmd: Command): Set<string> {
  return new Set(CHECKED_OPTIONS.filter((n) => cmd.getOptionValueSource(n) === 'cli'));
}

/** True when the options ask for the catalogue or the pitfalls (and the action was handled here). */
export async function runCatalogue(opts: CatalogueOptions, cmd: Command): Promise<boolean> {
  if (opts.pattern === undefined && !opts.pitfalls) {
    if (opts.quick) throw new UsageError('--quick applies to --pattern and --pitfalls', { hint: 'add --pattern NAME|all, or drop --quick' });
    return false;
  }
  if (opts.calibrate) throw new UsageError('--calibrate is a run of its own', { hint: 'drop --pattern/--pitfalls, or --calibrate' });
  if (opts.pattern !== undefined && opts.pitfalls) {
    throw new UsageError('--pattern and --pitfalls are separate runs', { hint: 'run one, then the other' });
  }
  const given = givenOptions(cmd);
  if (opts.pitfalls) await pitfallsAction(opts, cmd, given);
  else await patternAction(opts, cmd, given);
  return true;
}

async function pitfallsAction(opts: CatalogueOptions, cmd: Command, given: ReadonlySet<string>): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  checkPitfallsOptions(given);
  const seed = parseSeed(opts.seed);
  const timeoutSeconds = bounded('timeout', opts.timeout);
  // The interpreter first: a missing Python should not leave an empty --out directory behind.
  const python = await locatePython({ python: globals.python });
  if (opts.out) await prepareOutDir(opts.out, '--out');
  const result = await runPitfalls({ quick: opts.quick === true, python: python.command, progress: wantsProgress(globals), seed, timeoutSeconds });
  const file = opts.out ? join(opts.out, 'pitfalls.json') : null;
  writeStdout(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPitfalls(result)}\n`);
  const written = file ? await writeOutputs([{ what: 'pitfalls.json', path: file, write: () => writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`) }]) : true;
  // A timeout is said even when pitfalls.json could not be written too (writeOutputs has logged that line).
  if (result.timedOut) {
    log.error(
      `a pitfalls helper ran past --timeout ${timeoutSeconds} s and was stopped: the output shows the pitfalls measured before it` +
        (file && written ? `; ${file} is partial (complete: false)` : '') +
        ': raise --timeout',
    );
  }
  if (!written || result.timedOut) setExitCode(EXIT_FAILURE);
  else setExitCode(result.interrupted ? exitCodeForSignal(result.stoppedBy ?? 'SIGINT') : EXIT_OK);
}

async function patternAction(opts: CatalogueOptions, cmd: Command, given: ReadonlySet<string>): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const cli: PatternCliOptions = { ...opts, pattern: opts.pattern!, quick: opts.quick === true, given };
  const specs = selectPatterns(cli.pattern);
  checkPatternOptions(cli, specs.length);
  const configs = specs.map((spec) => ({ spec, config: toPatternConfig(spec, cli) })); // every option checked before any run
  const python = await locatePython({ python: globals.python });
  if (opts.out) await prepareOutDir(opts.out, '--out');
  const results: PatternResult[] = [];
  const saved: string[] = [];
  let failed = false;
  for (const { spec, config } of configs) {
    log.info({ pattern: spec.name, sizes: config.sizes, quick: config.quick }, 'pattern starting');
    const { result, failure, saved: written } = await runPattern({ spec, config, python, progress: wantsProgress(globals), outDir: opts.out });
    results.push(result);
    for (const w of result.warnings) log.warn(w);
    if (!opts.json) writeStdout(`${renderPatternTables(result)}\n\n${renderPatternSummary(result)}\n\n`);
    if (written && opts.out) {
      saved.push(result.name);
      failed = !(await writeOutputs(plotFile(result, opts.out))) || failed;
    }
    if (failure) {
      // A timeout, a helper crash or a file that could not be written costs this pattern only: the next one runs.
      log.error(failure.oneLine());
      failed = true;
    } else if (!result.interrupted && result.cells.length === 0) {
      log.error(`pattern ${result.name}: nothing was measured (every size was skipped, see the warnings above): choose smaller --sizes`);
      failed = true;
    }
    if (result.interrupted) break;
  }
  // One shape whatever was asked: an array with one result per pattern run (docs/patterns.md).
  if (opts.json) writeStdout(`${JSON.stringify(results, null, 2)}\n`);
  if (opts.out && saved.length > 0) log.info({ dir: opts.out, patterns: saved }, 'wrote pattern-<name>.json, .svg and .png');
  const interrupted = results.find((r) => r.interrupted);
  if (interrupted) {
    log.warn('interrupted: the tables show the sizes that finished' + (opts.out && saved.includes(interrupted.name) ? `; ${opts.out} holds them` : ''));
  }
  // A failure (in any pattern) is the exit status even after an interrupt: something asked for was not done.
  setExitCode(failed ? EXIT_FAILURE : interrupted ? exitCodeForSignal(interrupted.stoppedBy ?? 'SIGINT') : EXIT_OK);
}

/** The pattern's plot, once its JSON is written; none when every size was skipped (nothing to draw). */
function plotFile(result: PatternResult, outDir: string): OutputWrite[] {
  if (result.cells.length === 0) return [];
  const svg = join(outDir, `pattern-${result.name}.svg`);
  return [
    {
      what: `the plot of pattern ${result.name}`,
      path: svg,
      write: async () => {
        const plot = await renderPatternPlot(result);
        if (!plot) return;
        await writeFileAtomic(svg, plot.svg);
        await writeFileAtomic(join(outDir, `pattern-${result.name}.png`), plot.png);
      },
    },
  ];
}
