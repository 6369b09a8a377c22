// `[tool.vecprof]` in the nearest pyproject.toml plus the command line: which codes are enabled, which files are
// excluded, which codes are ignored per file. Selectors are codes or prefixes (`VEC`, `VEC00`, `VEC001`, `ALL`)
// resolved like ruff: the most specific selector wins, and at equal specificity `ignore` beats `select`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { UsageError } from '../errors.js';
import { allCodes } from './builtin-codes.js';

export interface CheckConfig {
  /** Directory of the pyproject.toml (patterns in it are relative to it), or the working directory. */
  root: string;
  /** The pyproject.toml the settings came from, if any. */
  source: string | null;
  select: string[];
  ignore: string[];
  exclude: string[];
  perFileIgnores: Array<{ pattern: string; codes: string[] }>;
}

export interface CliSelection {
  select?: string[];
  ignore?: string[];
  extendSelect?: string[];
}

const KNOWN_KEYS = ['select', 'extend-select', 'ignore', 'exclude', 'per-file-ignores'];

/** Walk up from `start` to the first directory holding a pyproject.toml. */
export function findPyproject(start: string): string | null {
  let dir = resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    const candidate = join(dir, 'pyproject.toml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function stringList(value: unknown, key: string, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new UsageError(`[tool.vecprof] ${key} must be a list of strings`, { where, hint: `e.g. ${key} = ["VEC001"]` });
  }
  return value as string[];
}

export function loadConfig(firstPath: string, cwd: string = process.cwd()): CheckConfig {
  const path = findPyproject(firstPath);
  const empty: CheckConfig = { root: cwd, source: null, select: [], ignore: [], exclude: [], perFileIgnores: [] };
  if (path === null) return empty;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const where = err instanceof TomlError ? `${path}:${err.line}:${err.column}` : path;
    const what = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw new UsageError(`malformed pyproject.toml: ${what}`, { where, hint: 'fix the TOML syntax (or move the file away) and run again' });
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const section = tool?.vecprof;
  if (section === undefined) return { ...empty, root: dirname(path), source: path };
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new UsageError('[tool.vecprof] must be a table', { where: path });
  }
  const table = section as Record<string, unknown>;
  for (const key of Object.keys(table)) {
    if (!KNOWN_KEYS.includes(key)) {
      throw new UsageError(`unknown key \`${key}\` in [tool.vecprof]`, { where: path, hint: `known keys: ${KNOWN_KEYS.join(', ')}` });
    }
  }
  const perFile = table['per-file-ignores'] ?? {};
  if (typeof perFile !== 'object' || perFile === null || Array.isArray(perFile)) {
    throw new UsageError('[tool.vecprof] per-file-ignores must be a table of glob = ["CODE", …]', { where: path });
  }
  const config: CheckConfig = {
    root: dirname(path),
    source: path,
    select: [...stringList(table.select ?? [], 'select', path), ...stringList(table['extend-select'] ?? [], 'extend-select', path)],
    ignore: stringList(table.ignore ?? [], 'ignore', path),
    exclude: stringList(table.exclude ?? [], 'exclude', path),
    perFileIgnores: Object.entries(perFile as Record<string, unknown>).map(([pattern, codes]) => ({
      pattern,
      codes: stringList(codes, `per-file-ignores."${pattern}"`, path),
    })),
  };
  for (const selector of [...config.select, ...config.ignore]) validateSelector(selector, path);
  for (const entry of config.perFileIgnores) for (const selector of entry.codes) validateSelector(selector, path);
  return config;
}

/** A selector names at least one known code, as a whole code or a prefix of one. */
export function validateSelector(selector: string, where: string): void {
  const upper = selector.toUpperCase();
  if (upper === 'ALL') return;
  if (allCodes().some((c) => c.code.startsWith(upper)) && /^[A-Z]+[0-9]*$/.test(upper)) return;
  const known = allCodes()
    .map((c) => c.code)
    .join(', ');
  throw new UsageError(`unknown rule selector \`${selector}\``, { where, hint: `use a code or prefix of one of: ${known} (see \`vecprof rule --all\`)` });
}

function specificity(selector: string, code: string): number {
  const upper = selector.toUpperCase();
  if (upper === 'ALL') return 0;
  return code.startsWith(upper) ? upper.length : -1;
}

/** True when some selector in `list` covers `code`, with how specific the best one is. */
function bestMatch(list: string[], code: string): number {
  let best = -1;
  for (const s of list) best = Math.max(best, specificity(s, code));
  return best;
}

/**
 * The enabled codes. The command line's --select replaces the config's select; --ignore and --extend-select add
 * to the config. Without any select, every rule is on. E999 and E902 are always on: they say a file went unchecked.
 */
export function enabledCodes(config: CheckConfig, cli: CliSelection): Set<string> {
  for (const s of [...(cli.select ?? []), ...(cli.ignore ?? []), ...(cli.extendSelect ?? [])]) validateSelector(s, 'command line');
  const baseSelect = cli.select ?? (config.select.length ? config.select : ['ALL']);
  const select = [...baseSelect, ...(cli.extendSelect ?? [])];
  const ignore = [...config.ignore, ...(cli.ignore ?? [])];
  const enabled = new Set<string>();
  for (const { code } of allCodes()) {
    if (code === 'E999' || code === 'E902') {
      enabled.add(code);
      continue;
    }
    const s = bestMatch(select, code);
    if (s < 0) continue;
    if (bestMatch(ignore, code) >= s) continue;
    enabled.add(code);
  }
  return enabled;
}

/** Codes a per-file-ignores entry drops for `relPath` (relative to the config root, `/`-separated). */
export function perFileIgnoredCodes(config: CheckConfig, matchesPattern: (pattern: string) => boolean): string[] {
  const codes: string[] = [];
  for (const entry of config.perFileIgnores) if (matchesPattern(entry.pattern)) codes.push(...entry.codes.map((c) => c.toUpperCase()));
  return codes;
}
