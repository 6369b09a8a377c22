// vecprof budget: the vectorization-budget lab; vecprof budget compare A B: how two runs differ.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { readMachine } from '../env/machine.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from '../errors.js';
import { log } from '../log.js';
import { writeFileAtomic } from '../util/atomic.js';
import { writeStdout } from '../render/output.js';
import { renderBudgetSummary, renderBudgetTable } from '../render/budget-table.js';
import { renderBudgetCompare } from '../render/budget-compare.js';
import { BUDGET_DEFAULTS, toBudgetConfig, type BudgetCliOptions } from '../budget/config.js';
import { runBudget } from '../budget/run.js';
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

async function writePlots(result: BudgetResult, outDir: string): Promise<void> {
  if (result.rows.length === 0) return;
  // Plotting pulls in Observable Plot and resvg: load them only when a plot is asked for.
  const { renderSweepSvg, svgToPng } = await import('../render/plot.js');
  const svg = renderSweepSvg(budgetPlotSpec(result));
  await writeFileAtomic(join(outDir, 'budget.svg'), svg);
  await writeFileAtomic(join(outDir, 'budget.png'), svgToPng(svg, { width: 1200 }));
}

async function budgetAction(opts: BudgetCommandOptions, cmd: Command): Promise<void> {
  if (await runCatalogue(opts, cmd)) return; // --pattern / --pitfalls (issue 6)
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  if (opts.calibrate) {
    const { calibrateCostModel } = await import('../advise/costmodel-cache.js');
    const { renderCostModel } = await import('../render/costmodel.js');
    const { model, path } = await calibrateCostModel({ python: globals.python, progress: wantsProgress(globals) });
    writeStdout(opts.json ? `${JSON.stringify(model, null, 2)}\n` : `${renderCostModel(model, path)}\n`);
    setExitCode(EXIT_OK);
    return;
  }
  const machine = readMachine();
  const config = toBudgetConfig(opts, machine.caches);
  log.info({ config }, 'budget starting');
  const result = await runBudget({ config, python: globals.python, progress: wantsProgress(globals), outDir: opts.out });
  for (const w of result.warnings) log.warn(w);
  if (opts.out) await writePlots(result, opts.out);
  if (opts.html !== undefined) await (await import('../report/for-command.js')).writeBudgetReport(opts.html, result);
  if (opts.json) writeStdout(`${JSON.stringify(result, null, 2)}\n`);
  else writeStdout(`${renderBudgetTable(result)}\n\n${renderBudgetSummary(result)}\n`);
  if (opts.out) log.info({ dir: opts.out }, 'wrote budget.json, budget.svg, budget.png');
  if (result.interrupted) {
    log.warn('interrupted: the table shows the sizes that finished' + (opts.out ? `; ${join(opts.out, 'budget.json')} holds them` : ''));
    setExitCode(EXIT_INTERRUPTED);
  } else setExitCode(result.rows.length > 0 ? EXIT_OK : EXIT_FAILURE);
}

async function compareAction(a: string, b: string, opts: { json?: boolean }): Promise<void> {
  const [ra, rb] = await Promise.all([loadBudget(a), loadBudget(b)]);
  if (ra.config.op !== rb.config.op || ra.config.dtype !== rb.config.dtype) {
    log.warn(`comparing different workloads: ${ra.config.op}/${ra.config.dtype} vs ${rb.config.op}/${rb.config.dtype}`);
  }
  const changes = compareBudgets(ra, rb);
  writeStdout(opts.json ? `${JSON.stringify({ a, b, changes }, null, 2)}\n` : `${renderBudgetCompare(ra, rb, changes, [a, b])}\n`);
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
    .option('--passes <n>', 'visits per cell, spread over the run', BUDGET_DEFAULTS.passes)
    .option('--seed <n>', 'seed for the input arrays and the bootstrap', BUDGET_DEFAULTS.seed)
    .option('--no-peak', 'skip measuring peak memory bandwidth')
    .option('--timeout <s>', 'stop the measurement after this many seconds', BUDGET_DEFAULTS.timeout)
    .option('--out <dir>', 'write budget.json (updated as sizes finish), budget.svg and budget.png here')
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
    .action(compareAction);
}
