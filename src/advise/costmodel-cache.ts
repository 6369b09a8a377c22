// The cost model is measured once per machine and interpreter (a few seconds) and kept in the user cache dir;
// `vecprof budget --calibrate` measures it again.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from '../check/cache.js';
import { noiseSnapshot, readMachine } from '../env/machine.js';
import { log } from '../log.js';
import { locatePython, type PythonInfo } from '../python/locate.js';
import { writeFileAtomic } from '../util/atomic.js';
import { peakArrayBytes } from '../budget/config.js';
import { runBudget } from '../budget/run.js';
import { helperPath } from '../paths.js';
import { runHelper } from '../python/worker.js';
import type { BudgetConfig } from '../budget/types.js';
import { calibrationConditions, calibrationFromMessages, underLoadNote, type Calibration } from './calibration.js';
import { COST_MODEL_SCHEMA, costModelFromBudget, type CostModel } from './costmodel.js';

/**
 * Every other size up to 2^14, then half steps (the cache knee is placed between two neighbouring sizes, so their
 * spacing is its resolution: see memoryWeight), the loop only up to 2^16, short cells: enough for slopes,
 * intercepts and both bandwidths in a few seconds.
 */
export function calibrationConfig(peakBytes: number): BudgetConfig {
  return {
    op: 'sum',
    dtype: 'float64',
    exponents: [0, 2, 4, 6, 8, 10, 12, 14, 15, 16, 17, 18, 19, 20, 20.5, 21, 21.5, 22, 22.5, 23, 23.5, 24],
    loopMaxExponent: 16,
    sampleSeconds: 0.002,
    minSamples: 10,
    minCellSeconds: 0.05,
    maxCellSeconds: 0.5,
    passes: 1,
    seed: 1,
    peakBytes,
    timeoutSeconds: 300,
  };
}

export function costModelPath(python: PythonInfo, cacheDir = defaultCacheDir()): string {
  const machine = readMachine();
  const key = createHash('sha256')
    .update([machine.cpuModel, machine.logicalCpus, python.executable, python.version, python.numpy ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, `costmodel-${key}.json`);
}

async function readCached(path: string): Promise<CostModel | null> {
  try {
    const model = JSON.parse(await readFile(path, 'utf8')) as CostModel;
    return model.schema === COST_MODEL_SCHEMA && model.loopPerElementNs > 0 ? model : null;
  } catch {
    return null; // missing or damaged: measure again
  }
}

/** In-cache peak, batched matmul, broadcast-distance and whole-array op rates (python/vecprof_calibrate.py). */
async function measureKernels(python: string): Promise<Calibration> {
  const { messages } = await runHelper({ python, script: helperPath('vecprof_calibrate.py'), timeoutMs: 120_000, label: 'calibration helper' });
  return calibrationFromMessages(messages);
}

export async function calibrateCostModel(opts: { python?: string; progress: boolean }): Promise<{ model: CostModel; path: string }> {
  const python = await locatePython({ python: opts.python });
  const config = calibrationConfig(peakArrayBytes(readMachine().caches));
  log.info('calibrating the cost model for this machine (a few seconds, once)');
  const result = await runBudget({ config, python: python.command, progress: opts.progress });
  const kernels = await measureKernels(python.command);
  const conditions = calibrationConditions(result.environment.machine, result.environment.noiseStart, await noiseSnapshot());
  const model = costModelFromBudget(result, kernels, conditions);
  // The model is kept under load all the same (measuring again on every run would cost seconds each time), but
  // every use of it says so until it is measured again.
  for (const w of conditions.warnings) log.warn(`calibration: ${w}`);
  const note = underLoadNote(model.conditions);
  if (note) log.warn(note);
  const path = costModelPath(python);
  await writeFileAtomic(path, `${JSON.stringify(model, null, 2)}\n`);
  return { model, path };
}

export async function getCostModel(opts: { python?: string; progress: boolean; refresh?: boolean }): Promise<CostModel> {
  if (!opts.refresh) {
    const python = await locatePython({ python: opts.python });
    const cached = await readCached(costModelPath(python));
    if (cached) {
      // the advice list says so under its header, in these words; the log only for whoever asks
      const note = underLoadNote(cached.conditions);
      if (note) log.info(note);
      return cached;
    }
  }
  return (await calibrateCostModel(opts)).model;
}
