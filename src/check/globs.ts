// Path patterns with gitignore semantics (the `ignore` package): a pattern without a slash matches a name at any
// depth (`*.pyi`, `build`), one with a slash is anchored to the base directory (`src/gen/`, `tests/*.py`).
import ignore, { type Ignore } from 'ignore';
import { isAbsolute, relative, sep } from 'node:path';

export interface PathMatcher {
  /** Does `absPath` match? Paths outside the base directory never do. */
  matches(absPath: string, isDir: boolean): boolean;
}

/** Path of `absPath` below `base`, `/`-separated, or null when it is not below it. */
export function relativeBelow(base: string, absPath: string): string | null {
  const rel = relative(base, absPath);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

export function pathMatcher(base: string, patterns: string[]): PathMatcher {
  const ig: Ignore = ignore().add(patterns.map((p) => p.replace(/^\.\//, '')));
  return {
    matches(absPath: string, isDir: boolean): boolean {
      if (patterns.length === 0) return false;
      const rel = relativeBelow(base, absPath);
      if (rel === null) return false;
      return ig.ignores(isDir ? `${rel}/` : rel);
    },
  };
}

/** A parsed .gitignore file and the directory it governs. */
export interface GitignoreScope {
  dir: string;
  ig: Ignore;
}

export function gitignoreScope(dir: string, text: string): GitignoreScope {
  return { dir, ig: ignore().add(text) };
}

export function ignoredByGitignores(scopes: GitignoreScope[], absPath: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const rel = relativeBelow(scope.dir, absPath);
    if (rel === null) continue;
    if (scope.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}
