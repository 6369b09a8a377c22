// Where the package's own files live, whether run from a clone (dist/src/…) or an installed tarball.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Package root: dist/src/paths.js sits two levels below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PYTHON_HELPERS_DIR = join(PACKAGE_ROOT, 'python');

export function helperPath(name: string): string {
  return join(PYTHON_HELPERS_DIR, name);
}

let cachedVersion: string | undefined;
export function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
