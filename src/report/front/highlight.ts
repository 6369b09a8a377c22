// A small Python highlighter for the source view: keywords, strings (triple-quoted ones across lines),
// comments, numbers, decorators and built-ins. It only splits text into spans; nothing is parsed as markup.
import { h } from './dom.js';

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'.split(
    ' ',
  ),
);
const BUILTINS = new Set('range len enumerate zip print sum min max abs int float str list dict set tuple sorted map filter isinstance np numpy math self'.split(' '));

const TOKEN = /(#.*$)|([rRbBuUfF]{0,2}(?:'''|"""))|([rRbBuUfF]{0,2}(?:'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?))|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b|\.\d+(?:[eE][+-]?\d+)?)|(@[\w.]+)|([A-Za-z_]\w*)/g;

export interface HighlightState {
  /** The closing quote of a triple-quoted string still open at the end of the previous line. */
  openString: string | null;
}

export function highlightLine(text: string, state: HighlightState): HTMLElement {
  const out = h('span', { class: 'code' });
  let pos = 0;
  if (state.openString !== null) {
    const close = text.indexOf(state.openString);
    if (close < 0) {
      out.append(h('span', { class: 'tok-str' }, text));
      return out;
    }
    out.append(h('span', { class: 'tok-str' }, text.slice(0, close + 3)));
    pos = close + 3;
    state.openString = null;
  }
  TOKEN.lastIndex = pos;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    if (m.index > pos) out.append(text.slice(pos, m.index));
    let kind: string | null = null;
    let end = m.index + m[0].length;
    if (m[1] !== undefined) kind = 'tok-com';
    else if (m[2] !== undefined) {
      const quote = m[2].slice(-3);
      const close = text.indexOf(quote, end);
      if (close < 0) {
        state.openString = quote;
        end = text.length;
      } else end = close + 3;
      kind = 'tok-str';
    } else if (m[3] !== undefined) kind = 'tok-str';
    else if (m[4] !== undefined) kind = 'tok-num';
    else if (m[5] !== undefined) kind = 'tok-dec';
    else if (m[6] !== undefined) kind = KEYWORDS.has(m[6]) ? 'tok-kw' : BUILTINS.has(m[6]) ? 'tok-bi' : null;
    const piece = text.slice(m.index, end);
    out.append(kind === null ? piece : h('span', { class: kind }, piece));
    pos = end;
    TOKEN.lastIndex = end;
    if (m[0].length === 0) TOKEN.lastIndex++;
  }
  if (pos < text.length) out.append(text.slice(pos));
  return out;
}
