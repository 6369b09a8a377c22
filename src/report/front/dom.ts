// The page's only way to make elements. Text goes in as text nodes (never parsed as markup), attributes are
// set one by one, and `style` is CSSOM, which the page's Content-Security-Policy allows without 'unsafe-inline'.

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  title?: string;
  href?: string;
  role?: string;
  type?: string;
  placeholder?: string;
  src?: string;
  alt?: string;
  tabindex?: string;
  value?: string;
  spellcheck?: string;
  [attr: `data-${string}`]: string;
  [attr: `aria-${string}`]: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined) continue;
      if (key === 'class') el.className = value;
      else el.setAttribute(key, value);
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, class: 'panel' }, h('h2', null, title), ...children);
}
