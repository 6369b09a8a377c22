// Small SVG building blocks shared by the plot files: safe text, text width, palette and point symbols.

/** Okabe & Ito's palette: tells apart for every common colour-vision deficiency and stays dark enough for print. */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
export const INK = '#1a1a1a';
export const MUTED_INK = '#555555';
export const GRID = '#e3e3e3';
export const RULE_COLOUR = { cache: '#6f6f6f', crossover: '#1a1a1a', other: '#8a8a8a' } as const;
export const RULE_DASH = { cache: '5,3', crossover: '7,3,1.5,3', other: '1.5,2.5' } as const;

/** Browsers get the system face; resvg, which knows none of those, falls through to the bundled DejaVu Sans. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif";

const MAX_TEXT = 300;

/**
 * Text from callers may hold anything, including characters XML forbids outright (a C0 control byte makes the
 * whole file unreadable, even escaped) and lone surrogates. Keep one line, drop those, bound the length.
 */
export function sanitiseText(text: string): string {
  const oneLine = String(text)
    .replace(/[\r\n\t]+/g, ' ')
    // C0 controls and DEL: XML 1.0 forbids most of them even as character references
    .replace(/[\u0000-\u001F\u007F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .trim();
  return oneLine.length > MAX_TEXT ? `${oneLine.slice(0, MAX_TEXT - 1)}…` : oneLine;
}

export function escapeXml(text: string): string {
  return sanitiseText(text).replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A number fit for an attribute: fixed precision keeps files small and diffs of fixtures stable. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * Estimated advance width of `text` set in DejaVu Sans (the widest face we might be drawn with, so the estimate
 * errs on the side of room). Widths in em from the font's hmtx table, grouped.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * fontSize;
}

/**
 * The largest size from `largest` down to `smallest` (in half pixels) at which `text` fits `maxWidth`;
 * if it fits at none, the text is cut with an ellipsis at the smallest size.
 */
export function fitText(text: string, maxWidth: number, largest: number, smallest: number): { text: string; size: number } {
  for (let size = largest; size >= smallest; size -= 0.5) if (textWidth(text, size) <= maxWidth) return { text, size };
  const chars = [...text];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`, smallest) > maxWidth) chars.pop();
  return { text: `${chars.join('').trimEnd()}…`, size: smallest };
}

function charEm(ch: string): number {
  if (ch === ' ') return 0.318;
  if ('il.,:;|!\'`ıjfrt()[]{}'.includes(ch)) return 0.33;
  if ('0123456789'.includes(ch)) return 0.636;
  if ('mwMW@%'.includes(ch)) return 0.95;
  if ('⁰¹²³⁴⁵⁶⁷⁸⁹'.includes(ch)) return 0.4;
  if (ch >= 'A' && ch <= 'Z') return 0.72;
  if (ch === '×' || ch === '≈' || ch === '–' || ch === '—') return 0.84;
  return 0.6;
}

/** The drawing calls Plot hands a symbol (a subset of CanvasPath, as d3-shape's symbols use). */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, r: number, a0: number, a1: number): void;
  closePath(): void;
}

/** A point symbol Plot's dot mark accepts as `symbol` (anything with draw(context, area)). */
export interface PointSymbol {
  name: string;
  draw(context: PathSink, area: number): void;
}

function polygon(name: string, corners: ReadonlyArray<readonly [number, number]>, areaOfUnit: number): PointSymbol {
  return {
    name,
    draw(context, area) {
      const k = Math.sqrt(area / areaOfUnit);
      corners.forEach(([x, y], i) => (i === 0 ? context.moveTo(x * k, y * k) : context.lineTo(x * k, y * k)));
      context.closePath();
    },
  };
}

const SQRT3 = Math.sqrt(3);

/** Each series gets a shape as well as a colour, so a grey-scale print still tells them apart. */
export const SERIES_SYMBOLS: readonly PointSymbol[] = [
  {
    name: 'circle',
    draw(context, area) {
      const r = Math.sqrt(area / Math.PI);
      context.moveTo(r, 0);
      context.arc(0, 0, r, 0, 2 * Math.PI);
      context.closePath();
    },
  },
  polygon('square', [[-1, -1], [1, -1], [1, 1], [-1, 1]], 4),
  polygon('triangle', [[0, -2 / SQRT3], [1, 1 / SQRT3], [-1, 1 / SQRT3]], SQRT3 / 1.2),
  polygon('diamond', [[0, -1.3], [1, 0], [0, 1.3], [-1, 0]], 2.6 / 1.1),
  polygon('triangle-down', [[0, 2 / SQRT3], [1, -1 / SQRT3], [-1, -1 / SQRT3]], SQRT3 / 1.2),
  polygon('hexagon', [0, 1, 2, 3, 4, 5].map((i) => [Math.cos((i * Math.PI) / 3), Math.sin((i * Math.PI) / 3)] as const), (3 * SQRT3) / 2),
];

/** Renders a symbol to a path `d` string centred on (cx, cy), for the legend. */
export function symbolPath(symbol: PointSymbol, area: number, cx: number, cy: number): string {
  let d = '';
  symbol.draw(
    {
      moveTo: (x, y) => (d += `M${px(cx + x)},${px(cy + y)}`),
      lineTo: (x, y) => (d += `L${px(cx + x)},${px(cy + y)}`),
      arc: (x, y, r) => {
        // A full circle as two half arcs: SVG cannot draw a closed arc in one command.
        d += `M${px(cx + x + r)},${px(cy + y)}A${px(r)},${px(r)},0,1,1,${px(cx + x - r)},${px(cy + y)}`;
        d += `A${px(r)},${px(r)},0,1,1,${px(cx + x + r)},${px(cy + y)}`;
      },
      closePath: () => (d += 'Z'),
    },
    area,
  );
  return d;
}
