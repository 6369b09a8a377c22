// Runs the budget helper, turns its messages into cells as they arrive, and keeps a partial result on disk
// so an interrupted run loses nothing it had finished.
import { join } from 'node:path';
import { locatePython } from '../python/locate.js';
import type { HelperMessage } from '../python/worker.js';
import { helperPath, packageVersion } from '../paths.js';
import { noiseSnapshot, readMachine, type MachineInfo, type NoiseSnapshot } from '../env/machine.js';
import { finiteSamples } from './messages.js';
import { log } from '../log.js';
import { writeFileAtomic } from '../util/atomic.js';
import { createProgress } from '../render/progress.js';
import { PartialWriter, runInterruptible } from './interruptible.js';
import { summarize } from './stats.js';
import { analyze } from './analyze.js';
import { noiseWarnings, rowWarnings } from './warnings.js';
import { BUDGET_SCHEMA, type BudgetConfig, type BudgetEnvironment, type BudgetResult, type KernelCell, type PeakBandwidth } from './types.js';

export interface BudgetRunOptions {
  config: BudgetConfig;
  python?: string;
  progress: boolean;
  /** Directory for budget.json; rewritten atomically after every finished size. */
  outDir?: string;
}

const numbers = (value: unknown, what: string): number[] => finiteSamples(value, 'budget helper', what);

export function cellFromMessage(msg: HelperMessage): KernelCell {
  const wallNs = numbers(msg.wall_ns, 'cell (wall_ns)');
  const cpuNs = numbers(msg.cpu_ns, 'cell (cpu_ns)');
  return {
    kernel: msg.kernel === 'loop' ? 'loop' : 'numpy',
    exponent: Number(msg.exponent),
    size: Number(msg.size),
    itemsize: Number(msg.itemsize),
    reps: Number(msg.reps),
    wallNs,
    cpuNs,
    spentNs: Number(msg.spent_ns),
    wall: summarize(wallNs),
    cpu: summarize(cpuNs),
  };
}

export function peakFromMessage(msg: HelperMessage): PeakBandwidth {
  return {
    bytes: Number(msg.bytes),
    copy: summarize(numbers(msg.copy_bytes_per_s, 'peak (copy)')),
    triad: summarize(numbers(msg.triad_bytes_per_s, 'peak (triad)')),
  };
}

export function assembleResult(parts: {
  config: BudgetConfig;
  environment: BudgetEnvironment;
  machine: MachineInfo;
  cells: KernelCell[];
  peak: PeakBandwidth | null;
  peakWallNs: number;
  complete: boolean;
  interrupted: boolean;
  wallSeconds: number;
}): BudgetResult {
  const { rows, derived } = analyze(parts.config, parts.cells, parts.machine.caches, parts.peak);
  const timedNs = parts.cells.reduce((s, c) => s + c.spentNs, 0) + parts.peakWallNs;
  const env = parts.environment;
  return {
    schema: BUDGET_SCHEMA,
    createdAt: new Date().toISOString(),
    complete: parts.complete,
    interrupted: parts.interrupted,
    config: parts.config,
    environment: env,
    peak: parts.peak,
    cells: parts.cells,
    rows,
    derived,
    warnings: [...noiseWarnings(parts.machine, env.noiseStart, env.noiseEnd), ...rowWarnings(rows)],
    timing: {
      wallSeconds: parts.wallSeconds,
      timedSeconds: timedNs / 1e9,
      efficiency: parts.wallSeconds > 0 ? timedNs / 1e9 / parts.wallSeconds : 0,
    },
  };
}

export async function runBudget(opts: BudgetRunOptions): Promise<BudgetResult> {
  const started = performance.now();
  const python = await locatePython({ python: opts.python });
  const machine = readMachine();
  const noiseStart: NoiseSnapshot = await noiseSnapshot();
  const environment: BudgetEnvironment = {
    machine,
    python: { executable: python.executable, version: python.version, numpy: python.numpy },
    vecprof: packageVersion(),
    node: process.version,
    noiseStart,
    noiseEnd: null,
  };
  const cells: KernelCell[] = [];
  let peak: PeakBandwidth | null = null;
  let peakWallNs = 0;
  const progress = createProgress(opts.progress, `budget ${opts.config.op}`);
  const outFile = opts.outDir ? join(opts.outDir, 'budget.json') : null;
  const writer = new PartialWriter(outFile);

  const snapshot = (complete: boolean, interrupted: boolean): BudgetResult =>
    assembleResult({
      config: opts.config,
      environment,
      machine,
      cells: [...cells],
      peak,
      peakWallNs,
      complete,
      interrupted,
      wallSeconds: (performance.now() - started) / 1000,
    });

  const onMessage = (msg: HelperMessage): void => {
    switch (msg.type) {
      case 'plan':
        progress.start(Number(msg.steps));
        break;
      case 'peak':
        peak = peakFromMessage(msg);
        peakWallNs = Number(msg.wall_ns);
        log.info({ copyGBs: peak.copy.median / 1e9, triadGBs: peak.triad.median / 1e9 }, 'peak bandwidth measured');
        break;
      case 'cell': {
        const cell = cellFromMessage(msg);
        cells.push(cell);
        log.debug({ kernel: cell.kernel, size: cell.size, medianNs: cell.wall.median, samples: cell.wall.n }, 'cell finished');
        if (cell.kernel === 'numpy') writer.write(() => snapshot(false, false));
        break;
      }
      case 'progress':
        progress.update(Number(msg.done), `2^${cells.at(-1)?.exponent ?? '…'} done`);
        break;
      default:
        break;
    }
  };

  const interrupted = await runInterruptible(
    {
      python: python.command,
      script: helperPath('vecprof_budget.py'),
      args: [JSON.stringify(helperConfig(opts.config))],
      timeoutMs: opts.config.timeoutSeconds * 1000,
      onMessage,
      label: 'budget helper',
    },
    progress,
    writer,
  );
  environment.noiseEnd = interrupted ? null : await noiseSnapshot();
  const result = snapshot(!interrupted, interrupted);
  if (outFile) await writeFileAtomic(outFile, `${JSON.stringify(result)}\n`);
  return result;
}

function helperConfig(c: BudgetConfig): Record<string, unknown> {
  return {
    op: c.op,
    dtype: c.dtype,
    exponents: c.exponents,
    loop_max_exponent: c.loopMaxExponent,
    sample_seconds: c.sampleSeconds,
    min_samples: c.minSamples,
    min_cell_seconds: c.minCellSeconds,
    max_cell_seconds: c.maxCellSeconds,
    passes: c.passes,
    seed: c.seed,
    peak_bytes: c.peakBytes,
  };
}
