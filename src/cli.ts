// Wiring only: one commander program, one file per verb in commands/.
import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS, log, setLogLevel } from './log.js';
import { takeExitCode, type GlobalOptions } from './commands/context.js';
import { EXIT_OK, EXIT_USAGE, InterruptedError, VecprofError } from './errors.js';
import { packageVersion } from './paths.js';
import { registerDoctor } from './commands/doctor.js';
import { registerBudget } from './commands/budget.js';
import { registerCheck } from './commands/check.js';
import { registerRule } from './commands/rule.js';
import { registerProfile } from './commands/profile.js';
import { registerReport } from './commands/report.js';
import { registerAdvise } from './commands/advise.js';

function buildProgram(): Command {
  const program = new Command('vecprof')
    .description('Find Python-level loops over NumPy arrays, measure what they cost, and show the vectorized fix.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--log-level <level>', 'diagnostics on stderr').choices(LOG_LEVELS).default('warn'))
    .option('-q, --quiet', 'no progress and no warnings: only results and errors', false)
    .option('--python <path>', 'Python interpreter to use (default: $VECPROF_PYTHON, active venv/conda, python3, python)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program.hook('preAction', (_program, action) => {
    const opts = action.optsWithGlobals<GlobalOptions>();
    setLogLevel(opts.quiet && opts.logLevel === 'warn' ? 'error' : opts.logLevel);
  });

  registerBudget(program);
  registerCheck(program);
  registerRule(program);
  registerProfile(program);
  registerReport(program);
  registerAdvise(program);
  registerDoctor(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  takeExitCode();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return takeExitCode();
  } catch (err) {
    return exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof InterruptedError) {
    log.warn(err.oneLine());
    return err.exitCode;
  }
  if (err instanceof VecprofError) {
    log.error(err.oneLine());
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  log.error({ err }, `internal error: ${message} (please report it with the command you ran)`);
  return 70; // EX_SOFTWARE: a bug of ours, not the user's input
}
