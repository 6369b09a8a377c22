// vecprof report: one offline HTML page from saved results (profile, findings, budget, advice).
import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { EXIT_OK, UsageError } from '../errors.js';
import { log } from '../log.js';
import { prepareOutFile } from '../util/out-dir.js';
import { setExitCode } from './context.js';

interface ReportOptions {
  profile?: string;
  check?: string;
  budget?: string;
  advice?: string;
  html?: string;
  title?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('make one self-contained HTML report from saved results (profile, check findings, budget, advice)')
    .option('--profile <file>', 'profile.json from `vecprof profile --out DIR` (or the directory)')
    .option('--check <file>', 'findings from `vecprof check --output-format json`')
    .option('--budget <file>', 'budget.json from `vecprof budget --out DIR` (or the directory)')
    .option('--advice <file>', 'advice from `vecprof advise --out FILE` (or --json)')
    .option('--html <file>', 'where to write the report (required)')
    .option('--title <text>', 'the report title (default: the profiled command or the input names)')
    .addHelpText('after', '\nExample: vecprof report --profile out/profile.json --check findings.json --budget budget/ --html report.html')
    .action(async (opts: ReportOptions) => {
      if (opts.html === undefined) throw new UsageError('--html FILE is required', { hint: 'say where to write the report, e.g. --html report.html' });
      if (!opts.profile && !opts.check && !opts.budget && !opts.advice) {
        throw new UsageError('nothing to report', { hint: 'give at least one of --profile, --check, --budget, --advice' });
      }
      const load = await import('../report/load.js');
      const [profile, findings, budget, advice] = await Promise.all([
        opts.profile ? load.loadProfile(resolve(opts.profile)) : undefined,
        opts.check ? load.loadFindings(resolve(opts.check)) : undefined,
        opts.budget ? load.loadBudgetResult(resolve(opts.budget)) : undefined,
        opts.advice ? load.loadAdvice(resolve(opts.advice)) : undefined,
      ]);
      // once the inputs are good (a refusal leaves no folder behind), before the report is built
      await prepareOutFile(opts.html, '--html');
      const command = advice?.command ?? profile?.meta.command;
      const inputs = [opts.advice, opts.profile, opts.check, opts.budget].filter((x): x is string => x !== undefined).map((x) => basename(x));
      const title = opts.title ?? (command && command.length > 0 ? command.join(' ') : inputs.join(' + '));
      const { writeReport } = await import('../report/build.js');
      const out = resolve(opts.html);
      await writeReport(out, {
        title,
        createdAt: new Date().toISOString(),
        ...(profile ? { profile } : {}),
        ...(findings ? { findings } : {}),
        ...(budget ? { budget } : {}),
        ...(advice ? { advice } : {}),
        sources: {},
      });
      log.info({ file: out }, 'wrote the report');
      setExitCode(EXIT_OK);
    });
}
