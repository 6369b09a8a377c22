// Content-hash cache: sha256(analysis fingerprint + enabled codes + file kind + bytes) → the file's findings.
// One small JSON file per entry under the user cache dir; entries are written atomically and a damaged one is
// treated as a miss, never as an error.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../paths.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import type { FileKind, RawFinding } from './types.js';

/** A finding of one file before its path is attached: positions already mapped to notebook cells. */
export interface FileFinding extends RawFinding {
  cell?: number;
}

const SCHEMA = 'vecprof-check-cache-1';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VECPROF_CACHE_DIR) return env.VECPROF_CACHE_DIR;
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'vecprof');
}

let fingerprint: string | undefined;

/**
 * Version alone is not enough while rules are being written (the version does not move on every edit), so the
 * newest modification time of the compiled analysis code is part of the key too; in an installed package it
 * never changes.
 */
export function analysisFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const dir = fileURLToPath(new URL('.', import.meta.url));
  let newest = 0;
  const scan = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) scan(p);
      else if (e.name.endsWith('.js')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  try {
    scan(dir);
  } catch {
    newest = -1;
  }
  fingerprint = `${SCHEMA}\0${packageVersion()}\0${newest}`;
  return fingerprint;
}

export function cacheKey(enabled: Iterable<string>, kind: FileKind, bytes: Uint8Array, fullParse = false): string {
  return createHash('sha256')
    .update(analysisFingerprint())
    .update(fullParse ? '\0full\0' : '\0')
    .update([...enabled].sort().join(','))
    .update('\0')
    .update(kind)
    .update('\0')
    .update(bytes)
    .digest('hex');
}

function entryPath(dir: string, key: string): string {
  return join(dir, 'check', key.slice(0, 2), `${key.slice(2)}.json`);
}

function isFinding(v: unknown): v is FileFinding {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return (
    typeof f.code === 'string' &&
    typeof f.message === 'string' &&
    Number.isInteger(f.line) &&
    Number.isInteger(f.column) &&
    Number.isInteger(f.endLine) &&
    Number.isInteger(f.endColumn)
  );
}

/** The cached findings, or null on a miss (absent, unreadable, or damaged entry). */
export function readCache(dir: string, key: string): FileFinding[] | null {
  let text: string;
  try {
    text = readFileSync(entryPath(dir, key), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const { key: storedKey, findings } = value as { key?: unknown; findings?: unknown };
    if (storedKey !== key || !Array.isArray(findings) || !findings.every(isFinding)) return null;
    return findings;
  } catch {
    return null;
  }
}

/** Best effort: a read-only or full cache directory only costs speed. */
export function writeCache(dir: string, key: string, findings: FileFinding[]): boolean {
  try {
    writeFileAtomicSync(entryPath(dir, key), JSON.stringify({ key, findings }));
    return true;
  } catch {
    return false;
  }
}
