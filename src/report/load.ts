// Reading the saved models `vecprof report` joins: profile.json, findings JSON, budget.json, advice JSON.
// Each may be given as the file or as the --out directory that holds it; a wrong file says which and what to pass.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ADVICE_SCHEMA, OLD_ADVICE_SCHEMAS, type AdviceReport } from '../advise/types.js';
import { loadBudget } from '../budget/load.js';
import type { BudgetResult } from '../budget/types.js';
import type { Finding } from '../check/types.js';
import { UsageError } from '../errors.js';
import { log } from '../log.js';
import type { Profile } from '../profile/model.js';

async function inDirectory(path: string, name: string): Promise<string> {
  try {
    if ((await stat(path)).isDirectory()) return join(path, name);
  } catch {
    // a missing path is reported by the read below, with the hint for this kind of file
  }
  return path;
}

async function readJson(path: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? String(err)})`, { hint });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // `vecprof profile --json > f` or `advise --json > f` also catches what the program printed: skip those lines.
    const start = text.search(/^[{[]\s*$/m);
    if (start > 0) {
      try {
        const value = JSON.parse(text.slice(start)) as unknown;
        log.warn({ file: path }, `skipped ${text.slice(0, start).split('\n').length - 1} lines before the JSON (the program's own output)`);
        return value;
      } catch {
        // not that either: report the file as it is
      }
    }
    throw new UsageError(`${path} is not JSON (cut short, or another kind of file)`, { hint });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function loadProfile(given: string): Promise<Profile> {
  const path = await inDirectory(given, 'profile.json');
  const hint = 'pass the profile.json written by `vecprof profile --out DIR` (or the directory)';
  const data = await readJson(path, hint);
  if (!isObject(data) || data.version !== 1 || !isObject(data.meta) || !Array.isArray(data.functions) || !Array.isArray(data.lines)) {
    throw new UsageError(`${path} is not a vecprof profile (expected version 1 with meta, functions and lines)`, { hint });
  }
  return data as unknown as Profile;
}

export async function loadFindings(path: string): Promise<Finding[]> {
  const hint = 'pass the output of `vecprof check --output-format json`';
  const data = await readJson(path, hint);
  if (!Array.isArray(data)) throw new UsageError(`${path} is not a list of findings`, { hint });
  data.forEach((f: unknown, i) => {
    if (!isObject(f) || typeof f.path !== 'string' || typeof f.line !== 'number' || typeof f.code !== 'string' || typeof f.message !== 'string') {
      throw new UsageError(`${path}: finding ${i + 1} lacks path, line, code or message`, { hint });
    }
  });
  return data as Finding[];
}

export async function loadAdvice(path: string): Promise<AdviceReport> {
  const hint = 'pass the file written by `vecprof advise --out FILE` (or its --json output)';
  const data = await readJson(path, hint);
  const known = isObject(data) && (data.schema === ADVICE_SCHEMA || OLD_ADVICE_SCHEMAS.includes(String(data.schema)));
  if (!isObject(data) || !known || !Array.isArray(data.items) || !isObject(data.profile)) {
    throw new UsageError(`${path} is not a vecprof advice report (schema "${isObject(data) ? String(data.schema) : typeof data}", expected "${ADVICE_SCHEMA}")`, { hint });
  }
  if (data.schema !== ADVICE_SCHEMA) upgradeAdvice(data.items);
  return { ...data, schema: ADVICE_SCHEMA } as unknown as AdviceReport;
}

/**
 * Advice saved by an older vecprof, read as the current schema: a kernel's share of peak was not capped and the peak
 * it was held against not recorded; those fields are optional, so only the share needs mending.
 */
function upgradeAdvice(items: unknown[]): void {
  for (const item of items) {
    const bandwidth = isObject(item) ? item.bandwidth : undefined;
    if (!isObject(bandwidth)) continue;
    if (typeof bandwidth.percentOfPeak === 'number') bandwidth.percentOfPeak = Math.min(100, bandwidth.percentOfPeak);
    if (bandwidth.comparedWith !== 'cache' && bandwidth.comparedWith !== 'memory') delete bandwidth.comparedWith;
    if (typeof bandwidth.peakBytesPerSecond !== 'number' || !Number.isFinite(bandwidth.peakBytesPerSecond)) delete bandwidth.peakBytesPerSecond;
  }
}

export async function loadBudgetResult(given: string): Promise<BudgetResult> {
  return loadBudget(await inDirectory(given, 'budget.json'));
}
