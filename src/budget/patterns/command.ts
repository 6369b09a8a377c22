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
  if (!written) setExitCode(EXIT_FAILURE);
  else if (result.timedOut) {
    log.error(
      `a pitfalls helper ran past --timeout ${timeoutSeconds} s and was stopped: the output shows the pitfalls measured before it` +
        (file ? `; ${file} is partial (complete: false)` : '') +
        ': raise --timeout',
    );
    setExitCode(EXIT_FAILURE);
  } else setExitCode(result.interrupted ? exitCodeForSignal(result.stoppedBy ?? 'SIGINT') : EXIT_OK);
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
  let writesFailed = false;
  for (const { spec, config } of configs) {
    log.info({ pattern: spec.name, sizes: config.sizes, quick: config.quick }, 'pattern starting');
    const result = await runPattern({ spec, config, python, progress: wantsProgress(globals), outDir: opts.out });
    results.push(result);
    for (const w of result.warnings) log.warn(w);
    if (!opts.json) writeStdout(`${renderPatternTables(result)}\n\n${renderPatternSummary(result)}\n\n`);
    const file = opts.out ? join(opts.out, `pattern-${result.name}.json`) : null;
    if (opts.out && file) writesFailed = !(await writeOutputs(patternFiles(result, opts.out, file))) || writesFailed;
    if (result.timedOut) {
      // --timeout is per pattern: the next pattern still runs.
      log.error(
        `pattern ${result.name} ran past --timeout ${config.timeoutSeconds} s and was stopped: the tables show the ${result.rows.length} ` +
          `size(s) that finished` +
          (file ? `; ${file} is partial (complete: false)` : '') +
          ': raise --timeout, or measure fewer sizes',
      );
    } else if (!result.interrupted && result.cells.length === 0) {
      log.error(`pattern ${result.name}: nothing was measured (every size was skipped, see the warnings above): choose smaller --sizes`);
    }
    if (result.interrupted) break;
  }
  // One shape whatever was asked: an array with one result per pattern run (docs/patterns.md).
  if (opts.json) writeStdout(`${JSON.stringify(results, null, 2)}\n`);
  if (opts.out) log.info({ dir: opts.out, patterns: results.map((r) => r.name) }, 'wrote pattern-<name>.json, .svg and .png');
  if (results.some((r) => r.interrupted)) {
    log.warn('interrupted: the tables show the sizes that finished' + (opts.out ? `; ${opts.out} holds them` : ''));
    setExitCode(exitCodeForSignal(results.find((r) => r.interrupted)?.stoppedBy ?? 'SIGINT'));
  } else setExitCode(!writesFailed && results.every((r) => r.complete && r.cells.length > 0) ? EXIT_OK : EXIT_FAILURE);
}

/** The pattern's JSON, and its plot when anything was measured (a run where every size was skipped has none). */
function patternFiles(result: PatternResult, outDir: string, jsonFile: string): OutputWrite[] {
  const files: OutputWrite[] = [{ what: `pattern-${result.name}.json`, path: jsonFile, write: () => writeFileAtomic(jsonFile, `${JSON.stringify(result)}\n`) }];
  if (result.cells.length === 0) return files;
  const svg = join(outDir, `pattern-${result.name}.svg`);
  files.push({
    what: `the plot of pattern ${result.name}`,
    path: svg,
    write: async () => {
      const plot = await renderPatternPlot(result);
      if (!plot) return;
      await writeFileAtomic(svg, plot.svg);
      await writeFileAtomic(join(outDir, `pattern-${result.name}.png`), plot.png);
    },
  });
  return files;
}
