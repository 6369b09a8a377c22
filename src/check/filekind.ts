// How a file is used, decided from its path below the argument it was found under (so a fixture tree inside
// test/ is not "tests" as a whole) and from a shebang. LOG001 fires only in library code.
import type { FileKind } from './types.js';

const TEST_DIRS = new Set(['tests', 'test']);
const SCRIPT_DIRS = new Set(['scripts', 'bin', 'examples']);

/**
 * @param relPath path relative to the command-line argument the file was found under, `/`-separated;
 *   for a file given directly on the command line, just its basename.
 * @param head the first bytes of the file (a `#!` shebang makes it a script).
 */
export function fileKindOf(relPath: string, head: string): FileKind {
  const segments = relPath.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  const base = segments.pop() ?? '';
  if (base.endsWith('.ipynb')) return 'notebook';
  if (base.startsWith('test_') || base.endsWith('_test.py') || base === 'conftest.py') return 'test';
  if (segments.some((s) => TEST_DIRS.has(s))) return 'test';
  if (head.startsWith('#!') || head.startsWith('\ufeff#!')) return 'script';
  if (segments.some((s) => SCRIPT_DIRS.has(s))) return 'script';
  return 'library';
}
