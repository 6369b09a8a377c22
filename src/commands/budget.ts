// vecprof budget: the vectorization-budget lab; vecprof budget compare A B: how two runs differ.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { readMachine } from '../env/machine.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, VecprofError, exitCodeForSignal } from '../errors.js';
import { log } from '../log.js';
import { writeFileAtomic } from '../util/atomic.js';
import { writeStdout } from '../render/output.js';
import { renderBudgetSummary, renderBudgetTable } from '../render/budget-table.js';
import { renderBudgetCompare } from '../render/budget-compare.js';
import { BUDGET_DEFAULTS, toBudgetConfig, type BudgetCliOptions } from '../budget/config.js';
import { BudgetRunFailed, runBudgetDetailed, type BudgetRun } from '../budget/run.js';
import { prepareOutFile } from '../util/out-dir.js';
import { loadBudget } from '../budget/load.js';
import { compareBudgets } from '../budget/compare.js';
import { budgetPlotSpec } from '../budget/plot-spec.js';
import { BUDGET_OPS, DTYPES, type BudgetResult } from '../budget/types.js';
import { setExitCode, wantsProgress, type GlobalOptions } from './context.js';
import { runCatalogue } from '../budget/patterns/command.js';
import { PATTERN_NAMES } from '../budget/patterns/index.js';

interface BudgetCommandOptions extends BudgetCliOptions {
  out?: string;
  json?: boolean;
  calibrate?: boolean;
  pattern?: string;
  pitfalls?: boolean;
  quick?: boolean;
  html?: string;
}

/** The options given on the command line (not defaults), as the user spelled them, e.g. "--sizes", "--no-peak". */
function givenFlags(cmd: Command, except: ReadonlySet<string> = new Set()): string[] {
  return cmd.options
    .filter((o) => !except.has(o.attributeName()) && cmd.getOptionValueSource(o.attributeName()) === 'cli')
    .map((o) => o.long ?? o.flags);
}

/** Runs `write`; a failure that is not already one line becomes "could not write WHAT: CODE". */
async function writeOrSay(what: string, hint: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (err instanceof VecprofError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new VecprofError(`could not write ${what}: ${code ?? (err instanceof Error ? err.message : String(err))}`, { hint });
  }
}

async function writePlots(result: BudgetResult, outDir: string): Promise<void> {
  if (result.rows.length === 0) return;
  const hint = `${join(outDir, 'budget.json')} holds the results; free some space or choose another --out and run again`;
  await writeOrSay(`the plot (budget.svg, budget.png) in ${outDir}`, hint, async () => {
    // Plotting pulls in Observable Plot and resvg: load them only when a plot is asked for.
    const { renderSweepSvg, svgToPng } = await import('../render/plot.js');
    const svg = renderSweepSvg(budgetPlotSpec(result));
    await writeFileAtomic(join(outDir, 'budget.svg'), svg);
    await writeFileAtomic(join(outDir, 'budget.png'), svgToPng(svg, { width: 1200 }));
  });
}

async function writeHtml(file: string, result: BudgetResult): Promise<void> {
  await writeOrSay(`the HTML report ${file}`, 'free some space or choose another --html path and run again', async () =>
    (await import('../report/for-command.js')).writeBudgetReport(file, result),
  );
}

/** A partial result carries its own stopReason, which the summary's PARTIAL note shows. */
function printResult(result: BudgetResult, opts: BudgetCommandOptions): void {
  if (opts.json) writeStdout(`${JSON.stringify(result, null, 2)}\n`);
  else writeStdout(`${renderBudgetTable(result)}\n\n${renderBudgetSummary(result)}\n`);
}

/** `--out ''` (an unset shell variable) would otherwise mean "no files" without a word. */
function refuseEmptyPaths(opts: BudgetCommandOptions): void {
  for (const [name, value] of [['--out', opts.out], ['--html', opts.html]] as const) {
    if (value !== undefined && value.trim() === '') {
      throw new UsageError(`${name} is empty`, { hint: `give ${name} a path, or leave ${name} out` });
    }
  }
}

async function calibrateAction(opts: BudgetCommandOptions, cmd: Command, globals: GlobalOptions): Promise<void> {
  const ignored = givenFlags(cmd, new Set(['calibrate', 'json']));
  if (ignored.length > 0) {
    throw new UsageError(`--calibrate measures the advisor's cost model on its own: ${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply`, {
      hint: `drop ${ignored.length === 1 ? 'it' : 'them'}, or run \`vecprof budget\` without --calibrate`,
    });
  }
  const { calibrateCostModel } = await import('../advise/costmodel-cache.js');
  const { renderCostModel } = await import('../render/costmodel.js');
  const { model, path } = await calibrateCostModel({ python: globals.python, progress: wantsProgress(globals) });
  writeStdout(opts.json ? `${JSON.stringify(model, null, 2)}\n` : `${renderCostModel(model, path)}\n`);
  setExitCode(EXIT_OK);
}

async function budgetAction(opts: BudgetCommandOptions, cmd: Command): Promise<void> {
  refuseEmptyPaths(opts);
  if (await runCatalogue(opts, cmd)) return; // --pattern / --pitfalls (issue 6)
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  if (opts.calibrate) return calibrateAction(opts, cmd, globals);
  const machine = readMachine();
  const config = toBudgetConfig(opts, machine.caches);
  // --out is made ready by the run itself, after the interpreter is found and before the helper starts.
  if (opts.html !== undefined) await prepareOutFile(opts.html, '--html');
  log.info({ config }, 'budget starting');
  let run: BudgetRun;
  try {
    run = await runBudgetDetailed({ config, python: globals.python, progress: wantsProgress(globals), outDir: opts.out });
  } catch (err) {
    // A timeout or a crash after some sizes finished: show them, then the one error line (which says what became of
    // the files: the partial one removed, an earlier budget.json left as it was).
    if (err instanceof BudgetRunFailed && err.partial.rows.length > 0) printResult(err.partial, opts);
    throw err;
  }
  const { result, stoppedBy } = run;
  for (const w of result.warnings) log.warn(w);
  // Results first: a plot or report that cannot be written then costs only itself (one error line, exit 1).
  printResult(result, opts);
  if (opts.out && result.rows.length > 0) {
    await writePlots(result, opts.out);
    log.info({ dir: opts.out }, 'wrote budget.json, budget.svg, budget.png');
  }
  if (opts.html !== undefined) await writeHtml(opts.html, result);
  if (stoppedBy) {
    const file = join(opts.out ?? '', 'budget.json');
    const kept =
      !opts.out ? '' : result.rows.length === 0 ? `; no size had finished, so ${file} was not touched` : `; ${file} holds them`;
    log.warn(`interrupted by ${stoppedBy}: the table shows the sizes that finished${kept}`);
    setExitCode(exitCodeForSignal(stoppedBy));
  } else setExitCode(result.rows.length > 0 ? EXIT_OK : EXIT_FAILURE);
}

async function compareAction(a: string, b: string, opts: { json?: boolean; force?: boolean }, cmd: Command): Promise<void> {
  // Commander hands options after "compare" that the sweep also has (--json) to the sweep: take it as compare's.
  const parent = cmd.parent;
  const json = opts.json === true || (parent?.getOptionValueSource('json') === 'cli' && parent.opts<{ json?: boolean }>().json === true);
  const ignored = parent ? givenFlags(parent, new Set(['json'])) : [];
  if (ignored.length > 0) {
    throw new UsageError(`budget compare reads two saved files: ${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply`, {
      hint: 'write it as `vecprof budget compare A.json B.json [--json] [--force]`',
    });
  }
  // One after the other: when both are wrong, the error names the first file given, not whichever read failed first.
  const ra = await loadBudget(a);
  const rb = await loadBudget(b);
  const warnings: string[] = [];
  const workload = (r: BudgetResult): string => `${r.config.op}/${r.config.dtype}`;
  if (workload(ra) !== workload(rb)) {
    const what = `${a} measures ${workload(ra)} and ${b} measures ${workload(rb)}`;
    if (!opts.force) {
      throw new UsageError(`${what}: their ratios are not comparable`, {
        hint: 'compare runs of the same --op and --dtype, or pass --force to see them side by side anyway',
      });
    }
    warnings.push(`different workloads (--force): ${what}; a change here is the workload, not the machine`);
  }
  for (const [path, r] of [[a, ra], [b, rb]] as const) {
    if (!r.complete) {
      const why = r.stopReason ?? (r.interrupted ? 'interrupted' : 'incomplete');
      warnings.push(`${path} is ${why}: ${r.rows.length} of ${r.config.exponents.length} sizes; sizes it lacks show as –`);
    }
  }
  for (const w of warnings) log.warn(w);
  const changes = compareBudgets(ra, rb);
  writeStdout(
    json ? `${JSON.stringify({ a, b, changes, warnings }, null, 2)}\n` : `${renderBudgetCompare(ra, rb, changes, [a, b], warnings)}\n`,
  );
  setExitCode(EXIT_OK);
}

export function registerBudget(program: Command): void {
  const budget = program
    .command('budget')
    .description('measure a Python element loop against NumPy across array sizes (the vectorization budget)')
    .addOption(new Option('--op <op>', 'what each element does').choices(BUDGET_OPS).default(BUDGET_DEFAULTS.op))
    .addOption(new Option('--dtype <dtype>', 'array element type').choices(DTYPES).default(BUDGET_DEFAULTS.dtype))
    .option('--sizes <range>', 'exponents k of the sizes 2^k: A..B or a comma list', BUDGET_DEFAULTS.sizes)
    .option('--loop-max <k>', 'measure the loop up to 2^k elements, extrapolate beyond', BUDGET_DEFAULTS.loopMax)
    .option('--min-samples <n>', 'samples per cell (at least)', BUDGET_DEFAULTS.minSamples)
    .option('--min-time <s>', 'seconds of samples per cell (at least)', BUDGET_DEFAULTS.minTime)
    .option('--sample-ms <ms>', 'target length of one timed sample', BUDGET_DEFAULTS.sampleMs)
    .option('--passes <n>', 'visits per cell, a few sizes apart', BUDGET_DEFAULTS.passes)
    .option('--seed <n>', 'seed for the input arrays and the bootstrap', BUDGET_DEFAULTS.seed)
    .option('--no-peak', 'skip measuring peak memory bandwidth')
    .option('--timeout <s>', 'stop the measurement after this many seconds', BUDGET_DEFAULTS.timeout)
    .option('--out <dir>', 'write the results here: budget.json (budget.partial.json while it runs), budget.svg and budget.png; with --pattern, pattern-<name>.json/.svg/.png; with --pitfalls, pitfalls.json')
    .option('--json', 'print the full result as JSON instead of the table')
    .option('--html <file>', 'also write a one-file HTML report (plot and table)')
    .option('--calibrate', "measure this machine's cost model for the advisor (a few seconds) and cache it")
    .option('--pattern <name>', `measure a vectorization pattern: ${PATTERN_NAMES.join(', ')} or all`)
    .option('--pitfalls', 'measure the timing pitfalls (warm-up, GC, clocks, resolution, noise, reduction order)')
    .option('--quick', 'with --pattern or --pitfalls: fewer sizes and samples (about a minute for all patterns)')
    .action(budgetAction);

  budget
    .command('compare')
    .description('compare two saved budget.json files: per-size ratio changes with 95 % intervals')
    .argument('<a>', 'the earlier budget.json')
    .argument('<b>', 'the later budget.json')
    .option('--json', 'print the changes as JSON')
    .option('--force', 'compare runs of different --op or --dtype (refused otherwise)')
    .action(compareAction);
}
