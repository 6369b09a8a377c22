// Parse less: tree-sitter reads Python at ~8 MB/s here, and most of a scientific module is functions that hold no
// loop, no print and no np.vectorize, so no rule can fire in them. A lexer of our own (strings, comments, brackets,
// continuation lines: enough to find logical lines and their indentation, ~15× faster than the parse) splits the
// file into units: top-level statements, top-level functions, and the members of top-level classes. A unit is
// kept when it could hold a finding, or when kept code may need its facts (a function it calls, a method that sets
// `self.x`); every other unit becomes `pass` plus blank lines, so lines and columns of what is kept stay exactly
// where they were. Anything the lexer cannot follow keeps the whole file.

/** Words a VEC finding needs in its unit's code (not in strings or comments): a loop or a hidden one. */
const VEC_WORDS = ['for', 'while', 'vectorize', 'frompyfunc', 'apply_along_axis'];

/** The words without which no enabled rule can fire in a unit; null when only syntax errors were asked for. */
export function triggerWords(vec: boolean, printMatters: boolean): RegExp | null {
  const words = [...(vec ? VEC_WORDS : []), ...(printMatters ? ['print'] : [])];
  return words.length > 0 ? new RegExp(`\\b(?:${words.join('|')})\\b`) : null;
}

/** A name, with the `x.` before it when it is an attribute. */
const REFERENCE = /([A-Za-z_]\w*\s*\.\s*)?\b([A-Za-z_]\w*)/g;
/** A statement that is one call (`add_newdoc(…)`, `register(…)`): it binds nothing a rule could ask about. */
const CALL_STATEMENT = /^([A-Za-z_]\w*)[\w.]*\s*\([^]*\)\s*$/;
/** Words that start a statement which is not a call even when it looks like one (`if (a):`, `assert (x)`). */
const STATEMENT_KEYWORDS = new Set(['if', 'elif', 'else', 'while', 'for', 'with', 'try', 'except', 'finally', 'assert', 'del', 'return', 'raise', 'yield', 'await', 'async', 'not', 'lambda', 'global', 'nonlocal', 'import', 'from', 'match', 'case', 'print', 'exec']);
/** `self.x = …` (also annotated), not `self.x == …`: a method that gives the class its array attributes. */
const SELF_ASSIGNMENT = /\bself\s*\.\s*[A-Za-z_]\w*\s*(?::[^=\n]*)?=(?!=)/;

interface LogicalLine {
  /** Offset of the first character of its first physical line. */
  start: number;
  indent: number;
  /** `def`, `class`, `async`, `@` or the first word; '' for anything else. */
  head: string;
  /** The line's code with strings and comments left out. */
  code: string;
}

interface Unit {
  start: number;
  /** Offset just past the unit (the next unit's start, or the end of the text). */
  end: number;
  kind: 'def' | 'class' | 'other';
  name: string | null;
  code: string;
  /** How many logical lines it holds. */
  logicalLines: number;
  /** The members of a top-level class. */
  members?: Unit[];
}

const NL = 10, CR = 13, SPACE = 32, TAB = 9, FF = 12, HASH = 35, BACKSLASH = 92, DQUOTE = 34, SQUOTE = 39;
const LPAREN = 40, RPAREN = 41, LBRACKET = 91, RBRACKET = 93, LBRACE = 123, RBRACE = 125;

function indentWidth(text: string, from: number, to: number): number {
  let w = 0;
  for (let i = from; i < to; i++) w = text.charCodeAt(i) === TAB ? (Math.floor(w / 8) + 1) * 8 : w + 1;
  return w;
}

/** Offset just past the string literal whose opening quote is at `i`, or -1 when it never closes. */
function stringEnd(text: string, i: number): number {
  const quote = text[i]!;
  const triple = text.charCodeAt(i + 1) === text.charCodeAt(i) && text.charCodeAt(i + 2) === text.charCodeAt(i);
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  for (;;) {
    const end = text.indexOf(close, j);
    if (end === -1) return -1;
    // a single-quoted string may not run past its line
    if (!triple) {
      const nl = text.indexOf('\n', j);
      if (nl !== -1 && nl < end && !escapedNewlinesOnly(text, j, end)) return -1;
    }
    // the quote counts unless an odd run of backslashes escapes it
    let k = end - 1;
    while (k >= j && text.charCodeAt(k) === BACKSLASH) k--;
    if ((end - 1 - k) % 2 === 0) return end + close.length;
    j = end + 1;
  }
}

/** Every line break between `from` and `to` follows a backslash (a continued single-quoted string). */
function escapedNewlinesOnly(text: string, from: number, to: number): boolean {
  for (let nl = text.indexOf('\n', from); nl !== -1 && nl < to; nl = text.indexOf('\n', nl + 1)) {
    const before = text.charCodeAt(nl - 1) === CR ? nl - 2 : nl - 1;
    if (text.charCodeAt(before) !== BACKSLASH) return false;
  }
  return true;
}

/**
 * Logical lines with their indentation and code, or null when the text does not lex the way Python would
 * (an unterminated string, unbalanced brackets): then the parser must see everything, errors and all.
 */
export function logicalLines(text: string): LogicalLine[] | null {
  const lines: LogicalLine[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const lineStart = i;
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB || c === FF) c = text.charCodeAt(++i);
    if (i >= n) break;
    if (c === NL || c === CR || c === HASH) {
      // a blank or comment-only line starts no logical line
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    const indent = indentWidth(text, lineStart, i);
    const code: string[] = [];
    let depth = 0;
    let segment = i;
    for (;;) {
      if (i >= n) {
        code.push(text.slice(segment, n));
        break;
      }
      c = text.charCodeAt(i);
      if (c === NL && depth === 0) {
        code.push(text.slice(segment, i));
        i++;
        break;
      }
      if (c === HASH) {
        code.push(text.slice(segment, i));
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? n : nl;
        segment = i;
      } else if (c === DQUOTE || c === SQUOTE) {
        code.push(text.slice(segment, i), ' ');
        i = stringEnd(text, i);
        if (i < 0) return null;
        segment = i;
      } else if (c === BACKSLASH && (text.charCodeAt(i + 1) === NL || (text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL))) {
        code.push(text.slice(segment, i), ' ');
        i += text.charCodeAt(i + 1) === NL ? 2 : 3;
        segment = i;
      } else {
        if (c === LPAREN || c === LBRACKET || c === LBRACE) depth++;
        else if ((c === RPAREN || c === RBRACKET || c === RBRACE) && --depth < 0) return null;
        i++;
      }
    }
    if (depth !== 0) return null;
    const joined = code.join('');
    const word = /^(?:@|[A-Za-z_]\w*)/.exec(joined);
    lines.push({ start: lineStart, indent, head: word ? word[0] : '', code: joined });
  }
  return lines;
}

function definitionsIn(units: Unit[]): Map<string, Unit[]> {
  const byName = new Map<string, Unit[]>();
  for (const u of units) {
    if (u.kind === 'other' || u.name === null) continue;
    const list = byName.get(u.name);
    if (list) list.push(u);
    else byName.set(u.name, [u]);
  }
  return byName;
}

/** Kept for its own sake: it has a trigger word, or it is a statement that may bind a name. */
function mayMatter(u: Unit, trigger: RegExp): boolean {
  if (trigger.test(u.code)) return true;
  // a docstring (its code is empty once strings are left out) or a lone call binds nothing
  return u.kind === 'other' && u.code.trim() !== '' && !isLoneCall(u);
}

function isLoneCall(u: Unit): boolean {
  if (u.logicalLines !== 1) return false;
  const m = CALL_STATEMENT.exec(u.code);
  return m !== null && !STATEMENT_KEYWORDS.has(m[1]!);
}

function nameOf(line: LogicalLine): string | null {
  const m = /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(line.code);
  return m ? m[1]! : null;
}

function kindOf(line: LogicalLine): Unit['kind'] {
  if (line.head === 'class') return 'class';
  if (line.head === 'def' || (line.head === 'async' && /^async\s+def\b/.test(line.code))) return 'def';
  return 'other';
}

/** Group lines at `indent` (with everything deeper) into units; decorators join the definition below them. */
function group(lines: LogicalLine[], from: number, to: number, indent: number, end: number): Unit[] {
  const units: Unit[] = [];
  let decorating = false;
  for (let k = from; k < to; k++) {
    const line = lines[k]!;
    if (line.indent > indent && units.length > 0) {
      const unit = units[units.length - 1]!;
      unit.code += '\n' + line.code;
      unit.logicalLines++;
      continue;
    }
    const last = units[units.length - 1];
    if (decorating && last) {
      // the definition under a run of decorators
      last.code += '\n' + line.code;
      last.logicalLines++;
      if (line.head !== '@') {
        last.kind = kindOf(line);
        last.name = nameOf(line);
        decorating = false;
      }
      continue;
    }
    decorating = line.head === '@';
    units.push({ start: line.start, end, kind: decorating ? 'other' : kindOf(line), name: decorating ? null : nameOf(line), code: line.code, logicalLines: 1 });
  }
  for (let u = 0; u + 1 < units.length; u++) units[u]!.end = units[u + 1]!.start;
  return units;
}

function unitsOf(text: string, lines: LogicalLine[]): Unit[] {
  const top = group(lines, 0, lines.length, 0, text.length);
  // Split each top-level class into its members, found again from the lines inside it.
  let k = 0;
  for (const unit of top) {
    while (k < lines.length && lines[k]!.start < unit.start) k++;
    const first = k;
    while (k < lines.length && lines[k]!.start < unit.end) k++;
    if (unit.kind !== 'class') continue;
    const header = lines.slice(first, k).findIndex((l) => l.head === 'class');
    const body = first + header + 1;
    if (header < 0 || body >= k) continue;
    unit.members = group(lines, body, k, lines[body]!.indent, unit.end);
  }
  return top;
}

/**
 * The text the parser needs: `text` itself when every unit is kept or the lexer gave up, else `text` with each
 * unit that cannot matter replaced by `pass` and as many line breaks as it had.
 */
export function skeletonOf(text: string, trigger: RegExp): { text: string; skipped: number } {
  const lines = logicalLines(text);
  if (lines === null) return { text, skipped: 0 };
  const top = unitsOf(text, lines);
  const kept = new Set<Unit>();
  const pending: Unit[] = [];
  const keep = (u: Unit): void => {
    if (kept.has(u)) return;
    kept.add(u);
    pending.push(u);
  };
  // What a name can reach: a bare `f(…)` the module's functions, `self.m(…)` the methods of its own class.
  const functions = definitionsIn(top);
  const classOf = new Map<Unit, Map<string, Unit[]>>();
  for (const u of top) {
    if (!u.members) {
      if (mayMatter(u, trigger)) keep(u);
      continue;
    }
    const methods = definitionsIn(u.members);
    for (const m of u.members) {
      classOf.set(m, methods);
      if (mayMatter(m, trigger)) keep(m);
    }
    // A class with a kept method keeps the methods that set its attributes.
    if (u.members.some((m) => m.kind === 'def' && kept.has(m))) {
      for (const m of u.members) if (m.kind === 'def' && SELF_ASSIGNMENT.test(m.code)) keep(m);
    }
  }
  // Whatever kept code calls (a helper, a function np.vectorize wraps, a method returning an array) comes along.
  while (pending.length > 0) {
    const u = pending.pop()!;
    const methods = classOf.get(u);
    for (const m of u.code.matchAll(REFERENCE)) {
      const [, dotted, name] = m as unknown as [string, string | undefined, string];
      const reached = dotted === undefined ? functions.get(name) : dotted.replace(/\s/g, '') === 'self.' ? methods?.get(name) : undefined;
      for (const d of reached ?? []) keep(d);
    }
  }
  const pieces: string[] = [];
  let skipped = 0;
  let at = 0;
  const skip = (u: Unit): void => {
    pieces.push(text.slice(at, u.start));
    const firstLine = text.indexOf('\n', u.start);
    const indentEnd = u.start + (/^[ \t\f]*/.exec(text.slice(u.start, firstLine === -1 ? u.end : firstLine))?.[0].length ?? 0);
    let breaks = 0;
    for (let i = text.indexOf('\n', u.start); i !== -1 && i < u.end; i = text.indexOf('\n', i + 1)) breaks++;
    pieces.push(text.slice(u.start, indentEnd) + 'pass' + '\n'.repeat(breaks));
    at = u.end;
    skipped++;
  };
  for (const u of top) {
    if (u.members) {
      for (const m of u.members) if (!kept.has(m)) skip(m);
    } else if (!kept.has(u)) skip(u);
  }
  if (skipped === 0) return { text, skipped: 0 };
  pieces.push(text.slice(at));
  return { text: pieces.join(''), skipped };
}
