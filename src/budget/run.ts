// Runs the budget helper, turns its messages into cells as they arrive, and keeps a partial result on disk
// (budget.partial.json) so an interrupted run loses nothing it had finished, while a failed one leaves the
// previous budget.json whole.
import { join } from 'node:path';
import { locatePython } from '../python/locate.js';
import type { HelperMessage } from '../python/worker.js';
import { helperPath, packageVersion } from '../paths.js';
import { noiseSnapshot, readMachine, type MachineInfo, type NoiseSnapshot } from '../env/machine.js';
import { finiteSamples } from './messages.js';
import { log } from '../log.js';
import { prepareOutDir } from '../util/out-dir.js';
import { VecprofError } from '../errors.js';
import { createProgress } from '../render/progress.js';
import { IN_PROGRESS, PartialWriter, failureReason, runToOutcome } from './interruptible.js';
import { summarize } from './stats.js';
import { analyze } from './analyze.js';
import { noiseWarnings, rowWarnings } from './warnings.js';
import { BUDGET_SCHEMA, type BudgetConfig, type BudgetEnvironment, type BudgetResult, type KernelCell, type PeakBandwidth } from './types.js';

export interface BudgetRunOptions {
  config: BudgetConfig;
  python?: string;
  progress: boolean;
  /**
   * Directory for budget.json. budget.partial.json there is rewritten atomically after every finished size and
   * renamed over budget.json when the run ends well or is interrupted; a failed run removes it.
   */
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
  /** Why a partial result stopped; null (the default) for a complete one. */
  stopReason?: string | null;
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
    stopReason: parts.complete ? null : (parts.stopReason ?? null),
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

/** Which sizes have every cell the helper will send for them: NumPy always, the loop up to --loop-max. */
export class SizeTracker {
  private readonly seen = new Map<number, Set<string>>();
  private readonly done = new Set<number>();

  constructor(private readonly loopMaxExponent: number) {}

  /** Records a cell; true when it completes its size. */
  add(cell: Pick<KernelCell, 'kernel' | 'exponent'>): boolean {
    const kinds = this.seen.get(cell.exponent) ?? new Set<string>();
    kinds.add(cell.kernel);
    this.seen.set(cell.exponent, kinds);
    const complete = kinds.has('numpy') && (cell.exponent > this.loopMaxExponent || kinds.has('loop'));
    if (!complete || this.done.has(cell.exponent)) return false;
    this.done.add(cell.exponent);
    return true;
  }

  /** The cells of finished sizes only: what a stopped run can vouch for. */
  finished<T extends Pick<KernelCell, 'exponent'>>(cells: T[]): T[] {
    return cells.filter((c) => this.done.has(c.exponent));
  }

  get finishedCount(): number {
    return this.done.size;
  }
}

/**
 * The run failed (timeout, crash, unwritable file): `partial` holds the finished sizes, all of them (and `complete`)
 * when only the last write of budget.json failed.
 */
export class BudgetRunFailed extends VecprofError {
  constructor(
    cause: VecprofError,
    readonly partial: BudgetResult,
  ) {
    super(cause.message, { hint: cause.hint, where: cause.where, exitCode: cause.exitCode, cause });
    this.name = 'BudgetRunFailed';
  }
}

export interface BudgetRun {
  result: BudgetResult;
  /** The signal that stopped the run early (the result holds the finished sizes), or null. */
  stoppedBy: NodeJS.Signals | null;
}

export async function runBudget(opts: BudgetRunOptions): Promise<BudgetResult> {
  return (await runBudgetDetailed(opts)).result;
}

export async function runBudgetDetailed(opts: BudgetRunOptions): Promise<BudgetRun> {
  const started = performance.now();
  const python = await locatePython({ python: opts.python });
  // Refused before the helper starts: a sweep of a minute must not end in "cannot write".
  const outDir = opts.outDir ? await prepareOutDir(opts.outDir, '--out') : null;
  const outFile = outDir ? join(outDir, 'budget.json') : null;
  const partialFile = outDir ? join(outDir, PARTIAL_FILE) : null;
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
  const sizes = new SizeTracker(opts.config.loopMaxExponent);
  let peak: PeakBandwidth | null = null;
  let peakWallNs = 0;
  const progress = createProgress(opts.progress, `budget ${opts.config.op}`);
  const writer = new PartialWriter(partialFile, outFile);

  const snapshot = (kept: KernelCell[], complete: boolean, interrupted: boolean, stopReason: string | null): BudgetResult =>
    assembleResult({
      config: opts.config,
      environment,
      machine,
      cells: [...kept],
      peak,
      peakWallNs,
      complete,
      interrupted,
      stopReason,
      wallSeconds: (performance.now() - started) / 1000,
    });

  const onMessage = (msg: HelperMessage): void => {
    switch (msg.type) {
      case 'phase':
        // The peak-bandwidth measurement comes first and takes a few seconds: a bar of its own (labelled from its
        // first step on: an update at 0 shows cli-progress's undefined ETA).
        progress.start(Number(msg.steps));
        break;
      case 'peak_progress':
        progress.update(Number(msg.done), 'peak bandwidth');
        break;
      case 'plan':
        progress.stop();
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
        // Only whole sizes go to disk: a NumPy cell without its loop would read as "loop not measured".
        if (sizes.add(cell)) writer.write(() => snapshot(sizes.finished(cells), false, false, IN_PROGRESS));
        break;
      }
      case 'progress':
        progress.update(Number(msg.done), `2^${cells.at(-1)?.exponent ?? '…'} done`);
        break;
      default:
        break;
    }
  };

  const outcome = await runToOutcome(
    {
      python: python.command,
      script: helperPath('vecprof_budget.py'),
      args: [JSON.stringify(helperConfig(opts.config))],
      timeoutMs: opts.config.timeoutSeconds * 1000,
      onMessage,
      label: HELPER_LABEL,
    },
    progress,
    writer,
  );

  const total = opts.config.exponents.length;
  /** The run did not do what was asked: its partial file goes, an earlier budget.json (and its plots) stays. */
  const failRun = async (failure: VecprofError, shown: BudgetResult): Promise<never> => {
    const files = await writer.abandon();
    const kept = `${sizes.finishedCount} of ${total} size${total === 1 ? '' : 's'} had finished`;
    throw new BudgetRunFailed(new VecprofError(`${failure.message} (${kept}${files})`, { hint: failure.hint }), shown);
  };

  if (outcome.failure) {
    // A timeout, a crash or a file we could not write: the finished sizes are still shown.
    const reason = failureReason(outcome.failure, writer, HELPER_LABEL, opts.config.timeoutSeconds);
    return failRun(outcome.failure, snapshot(sizes.finished(cells), false, false, reason));
  }

  const stoppedBy = outcome.stoppedBy;
  environment.noiseEnd = stoppedBy ? null : await noiseSnapshot();
  const result = stoppedBy
    ? snapshot(sizes.finished(cells), false, true, `interrupted by ${stoppedBy}`)
    : snapshot(cells, true, false, null);
  // Nothing finished before the interrupt: nothing to keep, so an earlier budget.json stays rather than an empty one.
  if (outFile && (!stoppedBy || result.rows.length > 0)) {
    writer.write(() => result);
    await writer.commit();
    // The measurement is whole but budget.json is not: the result is shown, and the error line says what was kept.
    if (writer.failure) return failRun(writer.failure, result);
  } else {
    await writer.discard().catch(() => undefined);
  }
  return { result, stoppedBy };
}

export const PARTIAL_FILE = 'budget.partial.json';

const HELPER_LABEL = 'budget helper';

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
