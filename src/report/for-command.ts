// `--html FILE` on profile, check and budget: one call each, so the verbs stay as they were. Loaded with a
// dynamic import by the verbs, only when a report is asked for.
import { resolve } from 'node:path';
import type { BudgetResult } from '../budget/types.js';
import type { Finding } from '../check/types.js';
import { log } from '../log.js';
import type { Profile } from '../profile/model.js';
import { writeReport } from './build.js';

async function write(path: string, data: Parameters<typeof writeReport>[1]): Promise<void> {
  const out = resolve(path);
  await writeReport(out, data);
  log.info({ file: out }, 'wrote the HTML report');
}

export async function writeProfileReport(path: string, profile: Profile): Promise<void> {
  const command = profile.meta.command.length > 0 ? profile.meta.command.join(' ') : `${profile.meta.mode} profile`;
  await write(path, { title: `vecprof profile: ${command}`, createdAt: new Date().toISOString(), profile, sources: {} });
}

/** `sources` as the checker keeps them: text keyed by display path (relative to `cwd`); notebooks are left out. */
export async function writeCheckReport(
  path: string,
  run: { findings: Finding[]; sources: Map<string, { kind: string; text: string }> },
  cwd: string,
): Promise<void> {
  const sources: Record<string, string> = {};
  for (const [display, view] of run.sources) if (view.kind !== 'notebook') sources[resolve(cwd, display)] = view.text;
  const files = new Set(run.findings.map((f) => f.path)).size;
  const title = `vecprof check: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
  await write(path, { title, createdAt: new Date().toISOString(), findings: run.findings, sources, cwd });
}

export async function writeBudgetReport(path: string, budget: BudgetResult): Promise<void> {
  await write(path, { title: `vecprof budget: ${budget.config.op} over ${budget.config.dtype}`, createdAt: new Date().toISOString(), budget, sources: {} });
}
