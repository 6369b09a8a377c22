// External tools beside the interpreter: py-spy lives in the interpreter's scripts dir or on PATH.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ToolInfo {
  path: string;
  version: string;
}

function versionOf(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 10_000 }, (err, stdout) => {
      resolve(err ? null : stdout.trim());
    });
  });
}

/** py-spy next to the chosen Python first (pip installs it there), then anywhere on PATH. */
export async function findPySpy(scriptsDir?: string): Promise<ToolInfo | null> {
  const places = [scriptsDir ? join(scriptsDir, 'py-spy') : null, 'py-spy'].filter((p): p is string => p !== null);
  for (const path of places) {
    if (path !== 'py-spy' && !existsSync(path)) continue;
    const version = await versionOf(path);
    if (version) return { path, version: version.replace(/^py-spy\s+/, '') };
  }
  return null;
}
