// vecprof check: find Python-level loops over NumPy arrays in .py files and notebooks, statically.
import { Option, type Command } from 'commander';
import { basename, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.js';
import { log } from '../log.js';
import { writeStdout } from '../render/output.js';
import { writeFileAtomic } from '../util/atomic.js';
import { prepareOutFile } from '../util/out-dir.js';
import { exitAfterFailedWrite, writeOutputs, type OutputWrite } from '../report/write-outputs.js';
import { defaultCacheDir } from '../check/cache.js';
import { enabledCodes, loadConfig, perFileIgnoredCodes } from '../check/config.js';
import { discover, displayPathOf, type Candidate } from '../check/discover.js';
import { pathMatcher } from '../check/globs.js';
import { OUTPUT_FORMATS, render, type OutputFormat } from '../check/output/index.js';
import { runCheck, type CheckRun } from '../check/runner.js';
import { setExitCode, wantsProgress, type GlobalOptions } from './context.js';

/** EX_SOFTWARE, as the CLI uses for a bug of ours. */
const EXIT_INTERNAL = 70;

interface CheckOptions {
  select?: string[];
  ignore?: string[];
  extendSelect?: string[];
  exclude: string[];
  respectGitignore: boolean;
  outputFormat: OutputFormat;
  outputFile?: string;
  statistics: boolean;
  cache: boolean;
  cacheDir?: string;
  threads?: number;
  fullParse: boolean;
  exitZero: boolean;
  html?: string;
  stdinFilename?: string;
}

function codeList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function repeatable(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function threadCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--threads must be an integer from 0 to 256, got "${value}"`);
  return n;
}

export interface CheckRequest {
  paths: string[];
  cwd: string;
  options: CheckOptions;
  onProgress?: (done: number, total: number) => void;
  /** The text to check when --stdin-filename is given (read by the caller). */
  stdin?: Uint8Array;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Everything `vecprof check` does short of printing: config, discovery, analysis. */
export async function performCheck(req: CheckRequest): Promise<CheckRun> {
  const { options, cwd } = req;
  const paths = req.paths.length ? req.paths : ['.'];
  const configFrom = req.stdin !== undefined && options.stdinFilename !== undefined ? options.stdinFilename : paths[0]!;
  const config = loadConfig(resolve(cwd, configFrom), cwd);
  if (config.source) log.debug({ config: config.source }, 'check: using [tool.vecprof] settings');
  const enabled = enabledCodes(config, { select: options.select, ignore: options.ignore, extendSelect: options.extendSelect });
  const exclude = [pathMatcher(cwd, options.exclude), pathMatcher(config.root, config.exclude)];
  const found =
    req.stdin !== undefined && options.stdinFilename !== undefined
      ? { files: [stdinCandidate(options.stdinFilename, cwd, req.stdin)], problems: [] }
      : discover(paths, { cwd, exclude, respectGitignore: options.respectGitignore });
  const ignoredFor = (file: Candidate): string[] => {
    const matcher = (pattern: string): boolean => pathMatcher(config.root, [pattern]).matches(file.absPath, false);
    return perFileIgnoredCodes(config, matcher);
  };
  const cacheDir = options.cache ? resolve(cwd, options.cacheDir ?? defaultCacheDir()) : null;
  // an editor's buffer is one file: parse all of it, so a syntax error anywhere shows
  const fullParse = options.fullParse || req.stdin !== undefined;
  return runCheck(found.files, found.problems, { enabled, cacheDir, threads: options.threads, fullParse, ignoredFor, onProgress: req.onProgress });
}

/** Editors pipe the unsaved buffer in: it is checked as if it were the named file (kind, config, display path). */
function stdinCandidate(name: string, cwd: string, contents: Uint8Array): Candidate {
  const absPath = resolve(cwd, name);
  return { absPath, displayPath: displayPathOf(absPath, cwd), relPath: basename(absPath), explicit: true, contents };
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('find Python-level loops over NumPy arrays (and other vectorization bugs) in .py files and notebooks')
    .argument('[paths...]', 'files or directories to check', [])
    .option('--select <codes>', 'only these rule codes or prefixes, comma-separated (replaces the config\'s select)', codeList)
    .option('--extend-select <codes>', 'add rule codes or prefixes to the selection', codeList)
    .option('--ignore <codes>', 'rule codes or prefixes to turn off, comma-separated', codeList)
    .option('--exclude <glob>', 'skip paths matching this gitignore-style pattern (repeatable)', repeatable, [])
    .option('--no-respect-gitignore', 'check files that .gitignore excludes too')
    .addOption(new Option('--output-format <format>', 'how to print findings').choices(OUTPUT_FORMATS).default('text'))
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout')
    .option('--statistics', 'print the number of findings per rule instead of the findings', false)
    .option('--no-cache', 'do not read or write the content-hash cache')
    .option('--cache-dir <dir>', 'cache directory (default: $VECPROF_CACHE_DIR, $XDG_CACHE_HOME/vecprof or ~/.cache/vecprof)')
    .option('--threads <n>', 'worker threads (default: one per CPU; 0 analyses on the main thread)', threadCount)
    .option('--full-parse', 'parse all of every file, so syntax errors are reported anywhere (default: only the code that could hold a finding)', false)
    .option('--exit-zero', 'exit 0 even when there are findings', false)
    .option('--stdin-filename <path>', 'check the text on stdin as if it were this file (for editors)')
    .option('--html <file>', 'also write a one-file HTML report (findings inline in the source)')
    .addHelpText(
      'after',
      '\nExit status: 0 no findings, 1 findings, 2 usage error.\n' +
        'Config: [tool.vecprof] in the nearest pyproject.toml (select, extend-select, ignore, exclude, per-file-ignores).\n' +
        'Suppress: `# noqa: VEC001` on a line, bare `# noqa`, or `# vecprof: noqa` for a whole file.',
    )
    .action(async (paths: string[], options: CheckOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const started = performance.now();
      // Before the files are read: a report that cannot be written should not cost a whole run.
      if (options.html !== undefined) await prepareOutFile(options.html, '--html');
      if (options.outputFile !== undefined) await prepareOutFile(options.outputFile, '--output-file');
      const bar = wantsProgress(globals)
        ? new cliProgress.SingleBar({ format: 'checking {bar} {value}/{total} files', clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
      let barStarted = false;
      const onProgress = bar
        ? (done: number, total: number): void => {
            if (total < 200) return;
            if (!barStarted) {
              bar.start(total, 0);
              barStarted = true;
            }
            bar.update(done);
          }
        : undefined;
      let run: CheckRun;
      try {
        const stdin = options.stdinFilename !== undefined ? await readStdin() : undefined;
        if (stdin !== undefined && paths.length > 0 && !(paths.length === 1 && paths[0] === '-')) {
          throw new UsageError('--stdin-filename checks stdin only: give no paths (or `-`)');
        }
        run = await performCheck({ paths: stdin === undefined ? paths : [], cwd: process.cwd(), options, onProgress, stdin });
      } finally {
        if (barStarted) bar?.stop();
      }
      const cwd = process.cwd();
      const toFile = options.outputFile !== undefined;
      const report = render(options.outputFormat, { findings: run.findings, filesChecked: run.filesChecked, sources: run.sources, cwd, color: !toFile && Boolean(process.stdout.isTTY), summary: !globals.quiet }, options.statistics);
      const writes: OutputWrite[] = [];
      if (toFile) {
        const target = resolve(cwd, options.outputFile!);
        // the report goes to the file instead of stdout: when the file fails, it is nowhere
        writes.push({ what: 'the report', path: options.outputFile!, write: () => writeFileAtomic(target, report), hint: 'the report was not written (nor printed): free space or give a writable path and run again' });
      } else writeStdout(report);
      if (options.html !== undefined) {
        const html = options.html;
        const { writeCheckReport } = await import('../report/for-command.js');
        writes.push({ what: 'the HTML report', path: html, write: () => writeCheckReport(html, run, cwd) });
      }
      const written = writes.length === 0 || (await writeOutputs(writes));
      log.debug(
        {
          files: run.filesChecked,
          analysed: run.analysed,
          cacheHits: run.cacheHits,
          findings: run.findings.length,
          wallMs: Math.round(performance.now() - started),
          maxRssKiB: process.resourceUsage().maxRSS,
        },
        'check: done',
      );
      // A file whose analysis crashed went unchecked: without findings elsewhere, "clean" would be a lie.
      const code = run.findings.length > 0 ? (options.exitZero ? EXIT_OK : EXIT_FAILURE) : run.internalErrors > 0 ? EXIT_INTERNAL : EXIT_OK;
      setExitCode(written ? code : exitAfterFailedWrite(code));
    });
}
