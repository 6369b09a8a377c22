// Which files `vecprof check PATH…` looks at: explicit files always; directories walked for .py and .ipynb,
// minus version-control and environment folders, .gitignore'd paths, and exclude patterns. Symlinks are followed
// once (a loop is reported, not walked forever); special files (FIFOs, devices) are never opened.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { log } from '../log.js';
import { gitignoreScope, ignoredByGitignores, relativeBelow, type GitignoreScope, type PathMatcher } from './globs.js';

/** Folders nobody wants linted: VCS metadata, virtual environments, caches, build output (ruff's list). */
export const DEFAULT_EXCLUDED_DIRS = new Set([
  '.bzr', '.direnv', '.eggs', '.git', '.git-rewrite', '.hg', '.ipynb_checkpoints', '.mypy_cache', '.nox', '.pants.d',
  '.pyenv', '.pytest_cache', '.pytype', '.ruff_cache', '.svn', '.tox', '.venv', '.vscode', '__pypackages__', '_build',
  'buck-out', 'build', 'dist', 'node_modules', 'site-packages', 'venv', '__pycache__',
]);

export interface Candidate {
  absPath: string;
  /** As shown to users: relative to the working directory when inside it. */
  displayPath: string;
  /** Relative to the command-line argument it was found under (decides the file kind). */
  relPath: string;
  explicit: boolean;
  /** Text given on stdin (`--stdin-filename`): used instead of reading `absPath`. */
  contents?: Uint8Array;
}

/** A path that cannot be checked, reported as an E902 finding at 1:1. */
export interface DiscoveryProblem {
  displayPath: string;
  message: string;
}

export interface DiscoverOptions {
  cwd: string;
  exclude: PathMatcher[];
  respectGitignore: boolean;
}

export interface Discovery {
  files: Candidate[];
  problems: DiscoveryProblem[];
}

export function displayPathOf(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  if (rel === '' ) return basename(absPath);
  return rel.startsWith('..') || resolve(cwd, rel) !== absPath ? absPath : rel.split(sep).join('/');
}

function isCheckable(name: string): boolean {
  return name.endsWith('.py') || name.endsWith('.ipynb');
}

/** .gitignore files from the repository root (the nearest ancestor holding .git) down to `dir`'s parent. */
function ancestorGitignores(dir: string): GitignoreScope[] {
  const chain: string[] = [];
  let d = dirname(dir);
  for (;;) {
    chain.push(d);
    if (existsSync(join(d, '.git'))) break;
    const parent = dirname(d);
    if (parent === d) return []; // not inside a repository: only the tree's own .gitignore files count
    d = parent;
  }
  // A directory named on the command line is checked even if an enclosing .gitignore excludes it (pyenv's own
  // repository ignores all of versions/, site-packages included): the patterns that exclude it are dropped, the
  // rest still apply below it.
  return chain.reverse().flatMap((c) => {
    const text = readGitignoreText(c);
    if (text === null) return [];
    const kept = text.split(/\r?\n/).filter((line) => !ignoredByGitignores([gitignoreScope(c, line)], dir, true));
    return [gitignoreScope(c, kept.join('\n'))];
  });
}

function readGitignoreText(dir: string): string | null {
  try {
    return readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
}

function readGitignore(dir: string): GitignoreScope[] {
  const text = readGitignoreText(dir);
  return text === null ? [] : [gitignoreScope(dir, text)];
}

function describeStatError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'symbolic link loop: the link points back to itself';
  if (code === 'ENOENT') return 'broken symbolic link: its target does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read (${code ?? (err as Error).message})`;
}

export function discover(paths: string[], opts: DiscoverOptions): Discovery {
  const files: Candidate[] = [];
  const problems: DiscoveryProblem[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const addFile = (absPath: string, relPath: string, explicit: boolean): void => {
    if (seenFiles.has(absPath)) return;
    seenFiles.add(absPath);
    files.push({ absPath, displayPath: displayPathOf(absPath, opts.cwd), relPath, explicit });
  };
  const problem = (absPath: string, message: string): void => {
    if (seenFiles.has(absPath)) return;
    seenFiles.add(absPath);
    problems.push({ displayPath: displayPathOf(absPath, opts.cwd), message });
  };

  const walk = (dir: string, root: string, scopes: GitignoreScope[]): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (err) {
      log.warn({ dir }, `skipping directory ${displayPathOf(dir, opts.cwd)}: ${describeStatError(err)}`);
      return;
    }
    if (seenDirs.has(real)) {
      log.debug({ dir, real }, 'directory already walked (symlink): skipped');
      return;
    }
    seenDirs.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      log.warn({ dir }, `skipping directory ${displayPathOf(dir, opts.cwd)}: ${describeStatError(err)}`);
      return;
    }
    const here = opts.respectGitignore && entries.some((e) => e.name === '.gitignore') ? [...scopes, ...readGitignore(dir)] : scopes;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let target: Stats;
        try {
          target = statSync(abs);
        } catch (err) {
          // A dangling or looping link that looks like a source file is worth a finding; others are noise.
          if (isCheckable(entry.name)) problem(abs, describeStatError(err));
          else log.debug({ path: abs }, describeStatError(err));
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) {
        if (DEFAULT_EXCLUDED_DIRS.has(entry.name)) continue;
        if (opts.exclude.some((m) => m.matches(abs, true))) continue;
        if (opts.respectGitignore && ignoredByGitignores(here, abs, true)) continue;
        walk(abs, root, here);
      } else if (isCheckable(entry.name)) {
        if (!isFile) {
          problem(abs, 'not a regular file (FIFO, socket or device): skipped');
          continue;
        }
        if (opts.exclude.some((m) => m.matches(abs, false))) continue;
        if (opts.respectGitignore && ignoredByGitignores(here, abs, false)) continue;
        addFile(abs, relativeBelow(root, abs) ?? entry.name, false);
      }
    }
  };

  for (const given of paths) {
    const abs = resolve(opts.cwd, given);
    let link: Stats;
    try {
      link = lstatSync(abs);
    } catch {
      throw new UsageError(`path not found: ${given}`, { hint: 'check the spelling, or run `vecprof check` with no path to check the current directory' });
    }
    let stats: Stats = link;
    if (link.isSymbolicLink()) {
      try {
        stats = statSync(abs);
      } catch (err) {
        problem(abs, describeStatError(err));
        continue;
      }
    }
    if (stats.isDirectory()) {
      walk(abs, abs, opts.respectGitignore ? ancestorGitignores(abs) : []);
    } else if (stats.isFile()) {
      addFile(abs, basename(abs), true);
    } else {
      problem(abs, 'not a regular file (FIFO, socket or device): skipped');
    }
  }
  return { files, problems };
}
