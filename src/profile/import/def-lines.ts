// Where a sampled function starts, the way CPython numbers it (co_firstlineno): samples only name the executing line,
// but pstats keys a function by its first line, and two methods called __init__ in one file are told apart only by it.

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parenBalance(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === '(' || ch === '[' || ch === '{') n++;
    else if (ch === ')' || ch === ']' || ch === '}') n--;
  }
  return n;
}

/**
 * The first line of the `def`/`class` named `name` that encloses `executingLine`, moved up over its decorators
 * (co_firstlineno is the first decorator's line, multi-line decorator calls included). Undefined when not found.
 */
export function firstLineOfDefinition(name: string, executingLine: number, lines: readonly string[]): number | undefined {
  if (name === '<module>') return 1;
  if (name.startsWith('<')) return undefined; // <lambda>, <listcomp>, <genexpr>: no def to find
  const short = name.slice(name.lastIndexOf('.') + 1);
  const def = new RegExp(`^\\s*(async\\s+def|def|class)\\s+${escapeRegExp(short)}\\b`);
  let at = -1;
  for (let i = Math.min(executingLine, lines.length) - 1; i >= 0; i--) {
    if (def.test(lines[i]!)) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  let first = at;
  let depth = 0; // > 0 while climbing through the arguments of a decorator call spread over several lines
  for (let j = at - 1; j >= 0 && j >= at - 50; j--) {
    const text = lines[j]!.trim();
    depth -= parenBalance(text);
    if (depth > 0) continue;
    if (depth < 0) break;
    if (text.startsWith('@')) first = j;
    else if (text !== '' && !text.startsWith('#')) break;
  }
  return first + 1;
}
