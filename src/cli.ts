// Wiring only: one commander program, one file per verb in commands/.
import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS, log, setLogLevel } from './log.js';
import { takeExitCode, type GlobalOptions } from './commands/context.js';
import { EXIT_OK, EXIT_USAGE, InterruptedError, UsageError, VecprofError } from './errors.js';
import { packageVersion } from './paths.js';
type Register = (program: Command) => void;

/**
 * Each verb's module, loaded only when needed: `vecprof check` on a warm cache is over in a quarter of a second, and
 * loading every verb's modules (141 files) took 0.1 s of it. Help, a mistyped verb or no verb load them all.
 */
const VERBS: Record<string, () => Promise<Register>> = {
  budget: async () => (await import('./commands/budget.js')).registerBudget,
  check: async () => (await import('./commands/check.js')).registerCheck,
  rule: async () => (await import('./commands/rule.js')).registerRule,
  profile: async () => (await import('./commands/profile.js')).registerProfile,
  report: async () => (await import('./commands/report.js')).registerReport,
  advise: async () => (await import('./commands/advise.js')).registerAdvise,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
};

/** The verb the command line names, skipping the global options before it; null when there is none we know. */
function verbOf(argv: string[], program: Command): string | null {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]));
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (takesValue.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else return Object.hasOwn(VERBS, a) ? a : null;
  }
  return null;
}

async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command('vecprof')
    .description('Find Python-level loops over NumPy arrays, measure what they cost, and show the vectorized fix.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--log-level <level>', 'diagnostics on stderr').choices(LOG_LEVELS).default('warn'))
    .option('-q, --quiet', 'no progress and no warnings: only results and errors', false)
    .option('--python <path>', 'Python interpreter to use (default: $VECPROF_PYTHON, active venv/conda, python3, python)')
    .exitOverride()
    // Parse errors are logged by main() as one line through the logger (JSON when stderr is not a terminal).
    .configureOutput({ outputError: () => undefined });

  program.hook('preAction', (_program, action) => {
    const opts = action.optsWithGlobals<GlobalOptions>();
    setLogLevel(opts.quiet && opts.logLevel === 'warn' ? 'error' : opts.logLevel);
  });

  const verb = verbOf(argv, program);
  const wanted = verb !== null && !argv.includes('--help') && !argv.includes('-h') ? [verb] : Object.keys(VERBS);
  const registers = await Promise.all(wanted.map((name) => VERBS[name]!()));
  for (const register of registers) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  takeExitCode();
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return takeExitCode();
  } catch (err) {
    return exitCodeFor(err, verbOf(argv, program));
  }
}

/** Commander's "error: unknown option '--x'" as our one line: what, then where to read the usage. */
function usageLine(err: CommanderError, verb: string | null): string {
  const what = err.message.replace(/^error:\s*/, '').trim().replace(/\.$/, '');
  return new UsageError(what, { hint: `run \`vecprof ${verb ? `${verb} ` : ''}--help\` for usage` }).oneLine();
}

function exitCodeFor(err: unknown, verb: string | null): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
    if (err.exitCode === 0) return EXIT_OK;
    log.error(usageLine(err, verb));
    return EXIT_USAGE;
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
