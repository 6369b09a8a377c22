// Reading a saved budget.json back, with errors that say which file and what is wrong with it.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { BUDGET_SCHEMA, type BudgetResult } from './types.js';

export async function loadBudget(path: string): Promise<BudgetResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? String(err)})`, {
      hint: 'pass the budget.json written by `vecprof budget --out DIR`',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON (truncated or not a budget result)`, {
      hint: 'pass the budget.json written by `vecprof budget --out DIR`',
    });
  }
  const r = data as Partial<BudgetResult> | null;
  if (!r || typeof r !== 'object' || r.schema !== BUDGET_SCHEMA) {
    throw new UsageError(`${path} is not a vecprof budget result (schema "${String(r?.schema)}", expected "${BUDGET_SCHEMA}")`, {
      hint: 'pass the budget.json written by `vecprof budget --out DIR`',
    });
  }
  if (!Array.isArray(r.cells) || !Array.isArray(r.rows) || !r.config || !r.derived) {
    throw new UsageError(`${path} is missing cells, rows, config or derived results`, { hint: 'the file was edited or cut short; rerun the budget' });
  }
  return r as BudgetResult;
}
