// Suppressions, like ruff: `# noqa` (everything on that line), `# noqa: VEC001, VEC002` (those codes on that line),
// and a file-level `# vecprof: noqa` (skip the file) or `# vecprof: noqa: VEC001` (drop those codes in the file).

const LINE_NOQA = /#\s*noqa(?::\s*([A-Za-z]+[0-9]*(?:\s*,?\s*[A-Za-z]+[0-9]+)*))?/i;
const FILE_NOQA = /^[ \t]*#\s*vecprof\s*:\s*noqa(?::\s*([A-Za-z]+[0-9]*(?:\s*,?\s*[A-Za-z]+[0-9]+)*))?\s*$/im;

/** Syntax and I/O problems are not opinions: they cannot be silenced line by line. */
const UNSUPPRESSIBLE = new Set(['E999', 'E902']);

export type FileNoqa = { kind: 'none' } | { kind: 'all' } | { kind: 'codes'; codes: string[] };

function splitCodes(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((c) => c.toUpperCase());
}

export function fileNoqa(text: string): FileNoqa {
  if (!text.includes('noqa')) return { kind: 'none' };
  const m = FILE_NOQA.exec(text);
  if (!m) return { kind: 'none' };
  return m[1] ? { kind: 'codes', codes: splitCodes(m[1]) } : { kind: 'all' };
}

/** What `# noqa` on one line suppresses: null for nothing, 'all' for a bare noqa, or the listed codes. */
export function lineNoqa(line: string): 'all' | string[] | null {
  const hash = line.indexOf('#');
  if (hash === -1) return null;
  const m = LINE_NOQA.exec(line.slice(hash));
  if (!m) return null;
  // `# vecprof: noqa` is the file-level form, not a line suppression.
  if (/#\s*vecprof\s*:\s*noqa/i.test(line.slice(hash))) return null;
  return m[1] ? splitCodes(m[1]) : 'all';
}

function matches(codes: string[], code: string): boolean {
  return codes.some((c) => code.startsWith(c));
}

/** Drop findings silenced by a noqa comment on their line (lines are the parsed text's, 1-based). */
export function applyNoqa<T extends { code: string; line: number }>(findings: T[], lines: string[], file: FileNoqa): T[] {
  return findings.filter((f) => {
    if (UNSUPPRESSIBLE.has(f.code)) return true;
    if (file.kind === 'codes' && matches(file.codes, f.code)) return false;
    const noqa = lineNoqa(lines[f.line - 1] ?? '');
    if (noqa === null) return true;
    return noqa !== 'all' && !matches(noqa, f.code);
  });
}
