// SVG → PNG with resvg and the font that ships in assets/fonts, never the machine's: a CI box or a container
// without fonts still gets readable labels, and every machine draws the same pixels.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VecprofError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';

export const BUNDLED_FONT = join(PACKAGE_ROOT, 'assets', 'fonts', 'DejaVuSans.ttf');
const FONT_FAMILY = 'DejaVu Sans';
/** Without a width the PNG is drawn at twice the SVG's size: crisp in reports and on high-density screens. */
const DEFAULT_ZOOM = 2;
const MAX_WIDTH = 16_000;

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

/** resvg is a native binding: loaded on the first PNG, so SVG output works even where the binding cannot load. */
function loadResvg(): ResvgModule {
  if (resvg) return resvg;
  try {
    resvg = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
    return resvg;
  } catch (err) {
    throw new VecprofError('cannot load @resvg/resvg-js to draw PNG files', {
      hint: `reinstall vecprof on this platform (${process.platform}-${process.arch}), or use the SVG`,
      cause: err,
    });
  }
}

export function svgToPng(svg: string, opts: { width?: number } = {}): Uint8Array {
  if (opts.width !== undefined && !(Number.isInteger(opts.width) && opts.width >= 16 && opts.width <= MAX_WIDTH)) {
    throw new VecprofError(`PNG width must be a whole number of pixels from 16 to ${MAX_WIDTH}, got ${String(opts.width)}`, {
      hint: 'leave the width unset for twice the SVG size',
    });
  }
  if (!existsSync(BUNDLED_FONT)) {
    throw new VecprofError('the bundled plot font is missing', { where: BUNDLED_FONT, hint: 'reinstall vecprof' });
  }
  const { Resvg } = loadResvg();
  try {
    const renderer = new Resvg(svg, {
      fitTo: opts.width === undefined ? { mode: 'zoom', value: DEFAULT_ZOOM } : { mode: 'width', value: opts.width },
      font: {
        fontFiles: [BUNDLED_FONT],
        loadSystemFonts: false,
        defaultFontFamily: FONT_FAMILY,
        sansSerifFamily: FONT_FAMILY,
        serifFamily: FONT_FAMILY,
        monospaceFamily: FONT_FAMILY,
      },
      background: 'white',
      logLevel: 'off',
    });
    return renderer.render().asPng();
  } catch (err) {
    throw new VecprofError(`cannot draw the plot as PNG: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'the SVG is not well-formed; please report this as a bug',
      cause: err,
    });
  }
}
