// `vecprof budget --pattern NAME|all` and `vecprof budget --pitfalls`: what src/commands/budget.ts hands over to.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../../errors.js';
import { log } from '../../log.js';
import { locatePython } from '../../python/locate.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { writeStdout } from '../../render/output.js';
import { renderPatternSummary, renderPatternTables } from '../../render/pattern-table.js';
import { renderPitfalls } from '../../render/pitfalls.js';
import { setExitCode, wantsProgress, type GlobalOptions } from '../../commands/context.js';
import { runPattern } from '../pattern-run.js';
import { runPitfalls } from '../pitfalls.js';
import { checkPatternOptions, selectPatterns, toPatternConfig, type PatternCliOptions } from './config.js';
import type { TimingCliOptions } from '../config.js';
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
}

function givenOptions(cmd: Command): Set<string> {
  const names = ['op', 'dtype', 'sizes', 'loopMax', 'minSamples', 'minTime', 'sampleMs', 'passes', 'seed', 'peak', 'timeout'];
  return new Set(names.filter((n) => cmd.getOptionValueSource(n) === 'cli'));
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
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const given = givenOptions(cmd);
  if (opts.pitfalls) {
    if (given.has('op') || given.has('sizes')) throw new UsageError('--pitfalls takes no --op or --sizes', { hint: 'drop them; --quick makes the run shorter' });
    const seed = Number(opts.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got "${opts.seed}"`);
    const timeoutSeconds = Number(opts.timeout);
    if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number, got "${opts.timeout}"`);
    const result = await runPitfalls({ quick: opts.quick === true, python: globals.python, progress: wantsProgress(globals), seed, timeoutSeconds });
    if (opts.out) {
      await mkdir(opts.out, { recursive: true });
      await writeFileAtomic(join(opts.out, 'pitfalls.json'), `${JSON.stringify(result, null, 2)}\n`);
    }
    writeStdout(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPitfalls(result)}\n`);
    setExitCode(result.interrupted ? EXIT_INTERRUPTED : EXIT_OK);
    return true;
  }
  const cli: PatternCliOptions = { ...opts, pattern: opts.pattern!, quick: opts.quick === true, given };
  const specs = selectPatterns(cli.pattern);
  checkPatternOptions(cli, specs.length);
  const configs = specs.map((spec) => ({ spec, config: toPatternConfig(spec, cli) })); // every option checked before any run
  const python = await locatePython({ python: globals.python });
  if (opts.out) await mkdir(opts.out, { recursive: true });
  const results: PatternResult[] = [];
  for (const { spec, config } of configs) {
    log.info({ pattern: spec.name, sizes: config.sizes, quick: config.quick }, 'pattern starting');
    const result = await runPattern({ spec, config, python, progress: wantsProgress(globals), outDir: opts.out });
    results.push(result);
    for (const w of result.warnings) log.warn(w);
    if (opts.out) await writePlot(result, opts.out);
    if (!opts.json) writeStdout(`${renderPatternTables(result)}\n\n${renderPatternSummary(result)}\n\n`);
    if (result.interrupted) break;
  }
  if (opts.json) writeStdout(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  if (opts.out) log.info({ dir: opts.out, patterns: results.map((r) => r.name) }, 'wrote pattern-<name>.json, .svg and .png');
  if (results.some((r) => r.interrupted)) {
    log.warn('interrupted: the tables show the sizes that finished' + (opts.out ? `; ${opts.out} holds them` : ''));
    setExitCode(EXIT_INTERRUPTED);
  } else setExitCode(results.every((r) => r.rows.length > 0) ? EXIT_OK : EXIT_FAILURE);
  return true;
}

async function writePlot(result: PatternResult, outDir: string): Promise<void> {
  const plot = await renderPatternPlot(result);
  if (!plot) return;
  await writeFileAtomic(join(outDir, `pattern-${result.name}.svg`), plot.svg);
  await writeFileAtomic(join(outDir, `pattern-${result.name}.png`), plot.png);
}
