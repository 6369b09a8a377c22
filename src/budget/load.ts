// Reading a saved budget.json back, with errors that say which file and what is wrong with it. Everything
// `budget compare`, the report and the renderers read is checked here, so a file that passes never crashes them.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { BUDGET_OPS, BUDGET_SCHEMA, DTYPES, type BudgetResult } from './types.js';

const HINT = 'pass the budget.json written by `vecprof budget --out DIR`';
const DAMAGED = 'the file was edited or cut short; rerun `vecprof budget --out DIR`';

type Json = Record<string, unknown>;

/** A field that is not what budget.json holds: names the file and the field, e.g. cells[3].wall.median. */
class Bad extends Error {}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, at: string): Json {
  if (!isObject(v)) throw new Bad(`${at} is missing or not an object`);
  return v;
}

function array(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new Bad(`${at} is missing or not a list`);
  return v;
}

function finite(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${at} is missing or not a number`);
  return v;
}

function positive(v: unknown, at: string): number {
  if (finite(v, at) <= 0) throw new Bad(`${at} must be above 0`);
  return v as number;
}

function text(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new Bad(`${at} is missing or not a string`);
  return v;
}

function flag(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') throw new Bad(`${at} is missing or not true/false`);
  return v;
}

function oneOf(v: unknown, allowed: readonly string[], at: string): void {
  if (typeof v !== 'string' || !allowed.includes(v)) throw new Bad(`${at} is ${JSON.stringify(v)}, expected one of ${allowed.join(', ')}`);
}

function nullable<T>(v: unknown, at: string, check: (v: unknown, at: string) => T): T | null {
  return v === null || v === undefined ? null : check(v, at);
}

/** Times and ratios: a value at or below 0 would print as a negative speed-up. */
function interval(v: unknown, at: string): void {
  const o = object(v, at);
  for (const k of ['estimate', 'low', 'high']) positive(o[k], `${at}.${k}`);
}

function summary(v: unknown, at: string, timed: boolean): void {
  const o = object(v, at);
  positive(o.n, `${at}.n`);
  for (const k of ['min', 'median']) (timed ? positive : finite)(o[k], `${at}.${k}`);
  finite(o.mad, `${at}.mad`);
}

/** Wall-clock times of one call: every one above 0 (compare divides by them). */
function samples(v: unknown, at: string): void {
  const xs = array(v, at);
  if (xs.length === 0) throw new Bad(`${at} is empty`);
  xs.forEach((x, i) => positive(x, `${at}[${i}]`));
}

/** A cell or row must be of a size the run was asked for (config.exponents). */
function exponentIn(v: unknown, exponents: ReadonlySet<number>, at: string): void {
  if (!exponents.has(finite(v, at))) throw new Bad(`${at} is ${String(v)}, not one of config.exponents`);
}

function checkCell(v: unknown, at: string, exponents: ReadonlySet<number>): void {
  const c = object(v, at);
  oneOf(c.kernel, ['loop', 'numpy'], `${at}.kernel`);
  exponentIn(c.exponent, exponents, `${at}.exponent`);
  positive(c.size, `${at}.size`);
  positive(c.itemsize, `${at}.itemsize`);
  samples(c.wallNs, `${at}.wallNs`);
  summary(c.wall, `${at}.wall`, true);
  if (c.cpu !== undefined) summary(c.cpu, `${at}.cpu`, false);
}

function checkRow(v: unknown, at: string, exponents: ReadonlySet<number>): void {
  const r = object(v, at);
  exponentIn(r.exponent, exponents, `${at}.exponent`);
  positive(r.size, `${at}.size`);
  text(r.regime, `${at}.regime`);
  for (const k of ['loopNs', 'numpyNs', 'ratio']) nullable(r[k], `${at}.${k}`, interval);
  for (const k of ['bytesPerSecond', 'percentOfPeak']) nullable(r[k], `${at}.${k}`, finite);
  flag(r.loopExtrapolated, `${at}.loopExtrapolated`);
  array(r.flags, `${at}.flags`);
}

function check(data: Json): void {
  text(data.createdAt, 'createdAt');
  flag(data.complete, 'complete');
  flag(data.interrupted, 'interrupted');
  nullable(data.stopReason, 'stopReason', text);
  const config = object(data.config, 'config');
  oneOf(config.op, BUDGET_OPS, 'config.op');
  oneOf(config.dtype, DTYPES, 'config.dtype');
  const exponents = new Set(array(config.exponents, 'config.exponents').map((e, i) => finite(e, `config.exponents[${i}]`)));
  finite(config.loopMaxExponent, 'config.loopMaxExponent');
  const env = object(data.environment, 'environment');
  text(object(env.machine, 'environment.machine').cpuModel, 'environment.machine.cpuModel');
  const python = object(env.python, 'environment.python');
  text(python.version, 'environment.python.version');
  nullable(python.numpy, 'environment.python.numpy', text);
  array(data.cells, 'cells').forEach((c, i) => checkCell(c, `cells[${i}]`, exponents));
  array(data.rows, 'rows').forEach((r, i) => checkRow(r, `rows[${i}]`, exponents));
  const derived = object(data.derived, 'derived');
  array(derived.plateaus, 'derived.plateaus');
  array(data.warnings, 'warnings');
}

export async function loadBudget(path: string): Promise<BudgetResult> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? String(err)})`, { hint: HINT });
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new UsageError(`${path} is not JSON (truncated or not a budget result)`, { hint: HINT });
  }
  if (!isObject(data) || data.schema !== BUDGET_SCHEMA) {
    const schema = isObject(data) ? String(data.schema) : 'none';
    throw new UsageError(`${path} is not a vecprof budget result (schema "${schema}", expected "${BUDGET_SCHEMA}")`, { hint: HINT });
  }
  try {
    check(data);
  } catch (err) {
    if (err instanceof Bad) throw new UsageError(`${path} is damaged: ${err.message}`, { hint: DAMAGED });
    throw err;
  }
  data.stopReason ??= null; // written before the field existed
  return data as unknown as BudgetResult;
}
