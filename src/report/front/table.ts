// A sortable table: click a header to sort by it (again to reverse). Long tables show their first rows and a
// button for the rest, so a profile with thousands of functions still opens at once.
import { clear, h } from './dom.js';

export interface Column<T> {
  title: string;
  /** What the column sorts by; null sorts last whatever the direction. */
  value: (row: T) => number | string | null;
  /** The cell's content; defaults to the value as text. */
  cell?: (row: T) => Node | string;
  numeric?: boolean;
  hint?: string;
}

export interface TableOptions {
  sortBy: number;
  descending: boolean;
  pageSize?: number;
  caption?: string;
}

export function sortableTable<T>(rows: T[], columns: Column<T>[], opts: TableOptions): HTMLElement {
  let sortBy = opts.sortBy;
  let descending = opts.descending;
  let limit = opts.pageSize ?? 200;
  const table = h('table', { class: 'data sortable' });
  if (opts.caption) table.append(h('caption', null, opts.caption));
  const thead = h('thead');
  const tbody = h('tbody');
  const more = h('div', { class: 'more' });
  table.append(thead, tbody);

  const headerRow = h('tr');
  const headers = columns.map((c, i) => {
    const button = h('button', { class: 'sort', type: 'button', title: c.hint ?? `sort by ${c.title}` }, c.title);
    const th = h('th', { class: c.numeric ? 'num' : '' }, button);
    button.addEventListener('click', () => {
      if (sortBy === i) descending = !descending;
      else {
        sortBy = i;
        descending = Boolean(columns[i]!.numeric);
      }
      render();
    });
    headerRow.append(th);
    return th;
  });
  thead.append(headerRow);

  function compare(a: T, b: T): number {
    const col = columns[sortBy]!;
    const va = col.value(a);
    const vb = col.value(b);
    if (va === null && vb === null) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return descending ? -order : order;
  }

  function render(): void {
    headers.forEach((th, i) => th.setAttribute('aria-sort', i === sortBy ? (descending ? 'descending' : 'ascending') : 'none'));
    const sorted = [...rows].sort(compare);
    clear(tbody);
    for (const row of sorted.slice(0, limit)) {
      const tr = h('tr');
      for (const c of columns) {
        const content = c.cell ? c.cell(row) : formatValue(c.value(row));
        tr.append(h('td', { class: c.numeric ? 'num' : '' }, content));
      }
      tbody.append(tr);
    }
    clear(more);
    if (sorted.length > limit) {
      const button = h('button', { class: 'link', type: 'button' }, `show all ${sorted.length.toLocaleString('en-US')} rows`);
      button.addEventListener('click', () => {
        limit = Infinity;
        render();
      });
      more.append(`${limit} of ${sorted.length.toLocaleString('en-US')} rows shown · `, button);
    }
  }
  render();
  return h('div', { class: 'table-wrap' }, table, more);
}

function formatValue(v: number | string | null): string {
  if (v === null) return '';
  return typeof v === 'number' ? v.toLocaleString('en-US') : v;
}
