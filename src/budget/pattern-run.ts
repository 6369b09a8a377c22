// Runs one pattern of the catalogue: plans which version is timed and weighed at which size (caps, memory guard),
// drives python/vecprof_patterns.py, and turns its messages into a PatternResult, kept on disk as sizes finish.
import { join } from 'node:path';
import { locatePython, type PythonInfo } from '../python/locate.js';
import { HelperTimeoutError, runHelper, type HelperMessage } from '../python/worker.js';
import { VecprofError } from '../errors.js';
import { helperPath, packageVersion } from '../paths.js';
import { noiseSnapshot, readMachine } from '../env/machine.js';
import { log } from '../log.js';
import { finiteSamples } from './messages.js';
import { IN_PROGRESS, PartialWriter, failureReason, runToOutcome } from './interruptible.js';
import { createProgress } from '../render/progress.js';
import { median } from 'simple-statistics';
import { summarize } from './stats.js';
import { noiseWarnings } from './warnings.js';
import type { BudgetEnvironment } from './types.js';
import { allVersions } from './patterns/index.js';
import { buildRows, describeVersions, memoryGuardNote, planDecision, summarizeGroups } from './patterns/analyze.js';
import { clockNoteFor } from './patterns/clock.js';
import {
  PATTERN_SCHEMA,
  type MemoryCell,
  type PatternCell,
  type PatternConfig,
  type PatternResult,
  type PatternRow,
  type PatternSpec,
} from './patterns/types.js';

export interface PatternRunOptions {
  spec: PatternSpec;
  config: PatternConfig;
  python: PythonInfo;
  progress: boolean;
  /**
   * Directory for pattern-<name>.json. pattern-<name>.partial.json there is rewritten atomically after every finished
   * size and renamed over pattern-<name>.json when the run ends well or is interrupted; a failed run removes it.
   */
  outDir?: string;
}

export interface PatternRun {
  /** What was measured: every size, or (with a stopReason) the sizes that finished. */
  result: PatternResult;
  /**
   * A timeout, a helper crash or a file that could not be written, as one line that says how many sizes finished and
   * what became of the files; null when the run ended well or was interrupted (and its file written).
   */
  failure: VecprofError | null;
  /** pattern-<name>.json now holds `result`, so its plot may follow. */
  saved: boolean;
}

export interface PlanStep {
  size: number;
  time: string[];
  memory: string[];
}

export function buildPlan(spec: PatternSpec, config: PatternConfig): PlanStep[] {
  const versions = allVersions(spec);
  return config.sizes.map((size) => {
    const run = versions.filter((v) => planDecision(spec, v, size, config) === 'run').map((v) => v.id);
    return { size, time: run, memory: run };
  });
}

/** What the helper needs: every version's code, the plan, and the timing method's parameters. */
export function helperConfig(
  spec: PatternSpec,
  config: PatternConfig,
  mode: 'measure' | 'check',
  checkDtypes: string[] = [config.dtype],
): Record<string, unknown> {
  return {
    mode,
    pattern: spec.name,
    inputs: spec.inputs,
    dtype: config.dtype,
    seed: config.seed,
    versions: allVersions(spec).map((v) => ({
      id: v.id,
      setup: v.setup,
      stmt: v.stmt,
      result: v.result,
      clock: v.clock ?? 'thread',
      requires: v.requires ?? null,
      result_dtype: v.resultDtype ?? null,
      check_facts: v.checkFacts ?? null,
    })),
    groups: spec.groups.map((g) => g.versions.map((v) => v.id)),
    plan: mode === 'measure' ? buildPlan(spec, config) : [],
    check_sizes: spec.checkSizes,
    check_dtypes: checkDtypes,
    check_seeds: 3,
    sample_seconds: config.sampleSeconds,
    min_samples: config.minSamples,
    min_cell_seconds: config.minCellSeconds,
    max_cell_seconds: config.maxCellSeconds,
    passes: config.passes,
    gap: 2,
  };
}

const samples = (value: unknown, what: string): number[] => finiteSamples(value, 'pattern helper', what);

export function patternCellFromMessage(msg: HelperMessage): PatternCell {
  const wallNs = samples(msg.wall_ns, 'cell (wall_ns)');
  const cpuNs = samples(msg.cpu_ns, 'cell (cpu_ns)');
  return {
    version: String(msg.version),
    size: Number(msg.size),
    reps: Number(msg.reps),
    clock: msg.clock === 'process' ? 'process' : 'thread',
    wallNs,
    cpuNs,
    spentNs: Number(msg.spent_ns),
    wall: summarize(wallNs),
    cpu: summarize(cpuNs),
  };
}

export async function environmentFor(python: PythonInfo): Promise<BudgetEnvironment> {
  return {
    machine: readMachine(),
    python: { executable: python.executable, version: python.version, numpy: python.numpy },
    vecprof: packageVersion(),
    node: process.version,
    noiseStart: await noiseSnapshot(),
    noiseEnd: null,
  };
}

export function assemblePattern(parts: {
  spec: PatternSpec;
  config: PatternConfig;
  environment: BudgetEnvironment;
  cells: PatternCell[];
  memory: MemoryCell[];
  unavailable: Array<{ version: string; reason: string }>;
  finishedSizes: ReadonlySet<number>;
  complete: boolean;
  interrupted: boolean;
  stoppedBy?: NodeJS.Signals | null;
  timedOut?: boolean;
  /** Why a partial result stopped; by default said from `interrupted`/`timedOut`. Null for a complete one. */
  stopReason?: string | null;
  wallSeconds: number;
}): PatternResult {
  const { spec, config } = parts;
  const rows = buildRows(spec, config, parts.cells, parts.memory, new Set(parts.unavailable.map((u) => u.version)), parts.finishedSizes);
  const env = parts.environment;
  const result: PatternResult = {
    schema: PATTERN_SCHEMA,
    createdAt: new Date().toISOString(),
    complete: parts.complete,
    interrupted: parts.interrupted,
    ...(parts.stoppedBy ? { stoppedBy: parts.stoppedBy } : {}),
    timedOut: parts.timedOut === true,
    stopReason: parts.complete ? null : (parts.stopReason ?? defaultStopReason(parts)),
    name: spec.name,
    title: spec.title,
    description: spec.description,
    claim: spec.claim,
    sizeLabel: spec.sizeLabel,
    bytesMeaning: spec.bytesMeaning,
    peakMeaning: spec.peakMeaning,
    clockNote: clockNoteFor(spec),
    config,
    environment: env,
    versions: describeVersions(spec, config),
    unavailable: parts.unavailable,
    cells: parts.cells,
    memory: parts.memory,
    rows,
    groups: summarizeGroups(spec, rows),
    insights: [],
    warnings: [
      ...noiseWarnings(env.machine, env.noiseStart, env.noiseEnd),
      ...onCpuWarning(parts.cells),
      ...memoryGuardWarnings(spec, config, rows),
      ...rows.flatMap((r) =>
        r.entries.filter((e) => e.flags.length > 0).map((e) => `${spec.name} ${e.version} at ${r.size}: ${e.flags.join(', ')}; treat it with care`),
      ),
    ],
    timing: { wallSeconds: parts.wallSeconds, timedSeconds: parts.cells.reduce((s, c) => s + c.spentNs, 0) / 1e9 },
  };
  result.insights = spec.insights ? spec.insights(result) : [];
  return result;
}

function defaultStopReason(parts: { config: PatternConfig; interrupted: boolean; stoppedBy?: NodeJS.Signals | null; timedOut?: boolean }): string | null {
  if (parts.interrupted) return `interrupted by ${parts.stoppedBy ?? 'SIGINT'}`;
  if (parts.timedOut) return `stopped by --timeout (${parts.config.timeoutSeconds} s)`;
  return null;
}

/** One line per version the memory guard kept from running: at which sizes, and what the first of them would need. */
export function memoryGuardWarnings(spec: PatternSpec, config: PatternConfig, rows: PatternRow[]): string[] {
  return allVersions(spec).flatMap((v) => {
    const sizes = rows.filter((r) => r.entries.some((e) => e.version === v.id && e.status === 'skipped-memory')).map((r) => r.size);
    if (sizes.length === 0) return [];
    const unit = spec.sizeLabel.split(' ')[0] ?? 'size';
    const where = sizes.length === 1 ? `${unit} = ${sizes[0]}: it` : `${unit} = ${sizes.join(', ')}: at ${sizes[0]} it`;
    return [`${spec.name} ${v.id} not run at ${where} ${memoryGuardNote(spec, v, sizes[0]!, config)}`];
  });
}

/** Below this share of wall time on a CPU (median over one-thread cells), absolute times mostly measure the queue. */
export const MIN_ON_CPU_SHARE = 0.7;

export function onCpuWarning(cells: PatternCell[]): string[] {
  const shares = cells.filter((c) => c.clock === 'thread' && c.wall.median > 0).map((c) => c.cpu.median / c.wall.median);
  if (shares.length === 0) return [];
  const share = median(shares);
  if (share >= MIN_ON_CPU_SHARE) return [];
  return [
    `this run was on a CPU only ${Math.round(100 * share)} % of its timed wall time (other processes took the rest): ` +
      'absolute times are inflated, ratios measured side by side hold better; rerun on a quiet machine for absolute numbers',
  ];
}

export async function runPattern(opts: PatternRunOptions): Promise<PatternRun> {
  const { spec, config } = opts;
  const started = performance.now();
  const environment = await environmentFor(opts.python);
  const cells: PatternCell[] = [];
  const memory: MemoryCell[] = [];
  const unavailable: Array<{ version: string; reason: string }> = [];
  const finishedSizes = new Set<number>();
  const progress = createProgress(opts.progress, `pattern ${spec.name}`);
  const outFile = opts.outDir ? join(opts.outDir, `pattern-${spec.name}.json`) : null;
  const partialFile = opts.outDir ? join(opts.outDir, `pattern-${spec.name}.partial.json`) : null;
  const writer = new PartialWriter(partialFile, outFile);
  const label = `pattern helper (${spec.name})`;

  let stoppedBy: NodeJS.Signals | null = null;
  const snapshot = (complete: boolean, interrupted: boolean, timedOut: boolean, stopReason: string | null): PatternResult =>
    assemblePattern({
      spec,
      config,
      environment,
      cells: [...cells],
      memory: [...memory],
      unavailable: [...unavailable],
      finishedSizes: new Set(finishedSizes),
      complete,
      interrupted,
      stoppedBy,
      timedOut,
      stopReason,
      wallSeconds: (performance.now() - started) / 1000,
    });

  const onMessage = (msg: HelperMessage): void => {
    switch (msg.type) {
      case 'plan':
        progress.start(Number(msg.steps));
        break;
      case 'unavailable': {
        const module = String(msg.module);
        const fix = `${opts.python.command} -m pip install ${module}`;
        unavailable.push({ version: String(msg.version), reason: `${String(msg.reason)}; to measure it: ${fix}` });
        log.warn(`${module === 'scipy' ? 'SciPy' : module} not installed: ${String(msg.version)} skipped (to measure it: ${fix})`);
        break;
      }
      case 'memory':
        memory.push({ version: String(msg.version), size: Number(msg.size), peakBytes: Number(msg.peak_bytes), keptBytes: Number(msg.kept_bytes) });
        break;
      case 'cell': {
        const cell = patternCellFromMessage(msg);
        cells.push(cell);
        log.debug({ pattern: spec.name, version: cell.version, size: cell.size, medianNs: cell.wall.median, samples: cell.wall.n }, 'cell finished');
        break;
      }
      case 'progress':
        progress.update(Number(msg.done), `size ${String(msg.size)}`);
        if (msg.finished === true) {
          finishedSizes.add(Number(msg.size));
          writer.write(() => snapshot(false, false, false, IN_PROGRESS));
        }
        break;
      default:
        break;
    }
  };

  const outcome = await runToOutcome(
    {
      python: opts.python.command,
      script: helperPath('vecprof_patterns.py'),
      args: [JSON.stringify(helperConfig(spec, config, 'measure'))],
      timeoutMs: config.timeoutSeconds * 1000,
      onMessage,
      label,
    },
    progress,
    writer,
  );
  const total = config.sizes.length;
  /** The run did not do what was asked: its partial file goes, an earlier pattern-<name>.json (and plot) stays. */
  const failed = async (what: string, cause: VecprofError, result: PatternResult): Promise<PatternRun> => {
    const files = await writer.abandon();
    const kept = `${finishedSizes.size} of ${total} size${total === 1 ? '' : 's'} had finished`;
    return { result, failure: new VecprofError(`${what} (${kept}${files})`, { hint: cause.hint }), saved: false };
  };

  if (outcome.failure) {
    // Past --timeout, after a crash or a failed write, the sizes that finished are still worth showing.
    const timedOut = outcome.failure instanceof HelperTimeoutError;
    const reason = failureReason(outcome.failure, writer, label, config.timeoutSeconds);
    const what = timedOut ? `pattern ${spec.name} ran past --timeout ${config.timeoutSeconds} s and was stopped` : outcome.failure.message;
    return failed(what, outcome.failure, snapshot(false, false, timedOut, reason));
  }
  stoppedBy = outcome.stoppedBy;
  const interrupted = stoppedBy !== null;
  environment.noiseEnd = interrupted ? null : await noiseSnapshot();
  const result = snapshot(!interrupted, interrupted, false, stoppedBy ? `interrupted by ${stoppedBy}` : null);
  // Nothing finished before the interrupt: an earlier pattern-<name>.json stays rather than an empty one.
  if (outFile === null || (interrupted && result.rows.length === 0)) {
    await writer.discard().catch(() => undefined);
    return { result, failure: null, saved: false };
  }
  writer.write(() => result);
  await writer.commit();
  if (writer.failure) return failed(writer.failure.message, writer.failure, result);
  return { result, failure: null, saved: true };
}

export interface CheckOutcome {
  version: string;
  baseline: string;
  dtype: string;
  size: number;
  seed: number;
  ok: boolean;
  maxAbsDiff: number | null;
  why: string | null;
  /** What the version's checkFacts expression evaluated to (e.g. how many batches ran); null without one. */
  facts: Record<string, number> | null;
}

/**
 * Runs every version once on small random inputs of each dtype and compares it with its group's loop (np.allclose,
 * shape, dtype); each loop's outcome (version = baseline) says whether it kept the dtype it was given.
 */
export async function checkPattern(
  spec: PatternSpec,
  config: PatternConfig,
  opts: { python?: string; dtypes?: string[] } = {},
): Promise<{ outcomes: CheckOutcome[]; unavailable: string[] }> {
  const info = await locatePython({ python: opts.python });
  const outcomes: CheckOutcome[] = [];
  const unavailable: string[] = [];
  await runHelper({
    python: info.command,
    script: helperPath('vecprof_patterns.py'),
    args: [JSON.stringify(helperConfig(spec, config, 'check', opts.dtypes))],
    timeoutMs: config.timeoutSeconds * 1000,
    label: `pattern check (${spec.name})`,
    onMessage: (msg) => {
      if (msg.type === 'unavailable') unavailable.push(String(msg.version));
      if (msg.type !== 'check') return;
      outcomes.push({
        version: String(msg.version),
        baseline: String(msg.baseline),
        dtype: String(msg.dtype),
        size: Number(msg.size),
        seed: Number(msg.seed),
        ok: msg.ok === true,
        maxAbsDiff: typeof msg.max_abs_diff === 'number' ? msg.max_abs_diff : null,
        why: typeof msg.why === 'string' ? msg.why : null,
        facts: msg.facts !== null && typeof msg.facts === 'object' ? (msg.facts as Record<string, number>) : null,
      });
    },
  });
  return { outcomes, unavailable };
}
