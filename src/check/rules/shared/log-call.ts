// Building `log.info("event", field=value, …)` from a print call's actual arguments and f-string fields.
import type { Node } from 'web-tree-sitter';

const PY_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'event',
]);

interface Field { name: string; value: string }

export function logCallFor(call: Node): { call: string; short: string } {
  const words: string[] = [];
  const fields: Field[] = [];
  let toStderr = false;
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      if (a.childForFieldName('name')?.text === 'file' && /stderr/.test(a.childForFieldName('value')?.text ?? '')) toStderr = true;
      continue;
    }
    if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      fields.push({ name: 'values', value: a.text.replace(/^\*+/, '') });
      continue;
    }
    readArgument(a, words, fields);
  }
  const text = words.join(' ');
  const level = /warn/i.test(text) || toStderr ? 'warning' : /error|fail|exception/i.test(text) ? 'error' : 'info';
  const used = new Set<string>();
  const uniq = fields.map((f) => {
    let name = f.name;
    for (let k = 2; used.has(name); k++) name = `${f.name}_${k}`;
    used.add(name);
    return { name, value: f.value };
  });
  const event = eventName(words, uniq);
  const parts = [`"${event}"`, ...uniq.map((f) => `${f.name}=${f.value}`)];
  const full = `log.${level}(${parts.join(', ')})`;
  return { call: full, short: full.length > 70 ? full.slice(0, 67) + '...' : full };
}

function readArgument(a: Node, words: string[], fields: Field[]): void {
  if (a.type === 'string') {
    readString(a, words, fields);
    return;
  }
  if (a.type === 'concatenated_string') {
    for (const s of a.namedChildren) if (s) readString(s, words, fields);
    return;
  }
  if (a.type === 'binary_operator' && a.childForFieldName('operator')?.type === '%' && a.childForFieldName('left')?.type === 'string') {
    readString(a.childForFieldName('left') as Node, words, fields);
    const right = a.childForFieldName('right') as Node;
    const items = right.type === 'tuple' ? right.namedChildren.filter((c): c is Node => c !== null) : [right];
    for (const i of items) fields.push({ name: fieldName(i), value: i.text });
    return;
  }
  if (a.type === 'call') {
    const fn = a.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format' && fn.childForFieldName('object')?.type === 'string') {
      readString(fn.childForFieldName('object') as Node, words, fields);
      for (const i of a.childForFieldName('arguments')?.namedChildren ?? []) {
        if (!i) continue;
        if (i.type === 'keyword_argument') fields.push({ name: safe(i.childForFieldName('name')?.text ?? 'value'), value: i.childForFieldName('value')?.text ?? '' });
        else fields.push({ name: fieldName(i), value: i.text });
      }
      return;
    }
  }
  fields.push({ name: fieldName(a), value: a.text });
}

function readString(s: Node, words: string[], fields: Field[]): void {
  for (const part of s.namedChildren) {
    if (!part) continue;
    if (part.type === 'string_content') words.push(part.text);
    else if (part.type === 'interpolation') {
      const expr = part.childForFieldName('expression') ?? part.namedChildren[0];
      if (expr) fields.push({ name: fieldName(expr), value: expr.text.replace(/=\s*$/, '') });
    }
  }
}

/** `loss` → loss, `self.lr` → lr, `metrics["acc"]` → acc, `len(xs)` → len_xs. */
function fieldName(expr: Node): string {
  if (expr.type === 'identifier') return safe(expr.text);
  if (expr.type === 'attribute') return safe(expr.childForFieldName('attribute')?.text ?? 'value');
  if (expr.type === 'subscript') {
    const key = expr.childForFieldName('subscript');
    if (key?.type === 'string') return safe(slug(key.text));
    return safe(slug(expr.childForFieldName('value')?.text ?? 'value'));
  }
  return safe(slug(expr.text) || 'value');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 30).replace(/_+$/, '');
}

function safe(name: string): string {
  const n = /^[0-9]/.test(name) ? `v_${name}` : name || 'value';
  return PY_KEYWORDS.has(n) ? `${n}_` : n;
}

/** The literal words of the message, minus the ones that merely label a field (`loss=`). */
function eventName(words: string[], fields: Field[]): string {
  const names = new Set(fields.map((f) => f.name));
  // placeholders (`%s`, `{:.1f}`) and the level words (the log level says it) are not part of the event
  const text = words.join(' ').replace(/%[-+ #0]*\d*(?:\.\d+)?[sdifgeExXrc]/g, ' ').replace(/\{[^{}]*\}/g, ' ');
  const tokens = slug(text).split('_').filter((t) => t.length > 1 && !/^(?:warning|warn|error|info|debug)$/.test(t));
  const kept = tokens.filter((t) => !names.has(t));
  const chosen = kept.length > 0 ? kept.slice(0, 4) : tokens.slice(0, 1);
  if (chosen.length > 0) return chosen.join('_');
  return fields[0] ? fields[0].name : 'message';
}
